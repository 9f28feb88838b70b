using System;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>Cost(outputs, targets) is the cost Backpropagate sums, and the network describes its own functions.</summary>
public class CostTests
{
    [Theory]
    [InlineData("784-16-16-10")]
    [InlineData("3-5-7-2-4 ce")]
    [InlineData("16-32-16 unrolled")]
    public void Cost_OfPredictBatchOutputs_IsWhatBackpropagateReturns_BitForBit(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](2);
        const int count = 19;   // a whole training chunk of 16, then 3
        (double[] inputs, double[] targets) = Samples.For(network.InputSize, network.OutputSize, count, seed: 4);
        float[] x = Samples.ToSingle(inputs), y = Samples.ToSingle(targets);
        var outputs = new float[count * network.OutputSize];
        network.PredictBatch(x, outputs);
        float fromBackpropagation = network.Backpropagate(x, y, new float[network.ParameterCount]);
        Assert.Equal(BitConverter.SingleToInt32Bits(fromBackpropagation), BitConverter.SingleToInt32Bits(network.Cost(outputs, y)));
        Assert.True(fromBackpropagation > 0);
    }

    [Fact]
    public void Cost_Quadratic_IsHalfTheSquaredDistance()
    {
        var network = new Net2x2x1D(seed: 1);
        Assert.Equal(0.5 * (0.25 * 0.25 + 0.5 * 0.5), network.Cost(new[] { 0.75, 0.5 }, new[] { 1.0, 0.0 }));
    }

    [Fact]
    public void Cost_WrongShapes_NameWhatIsWrong()
    {
        var network = new Net784x16x16x10(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => network.Cost(new float[15], new float[15]));
        Assert.Equal("outputs", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => network.Cost(new float[20], new float[10]));
        Assert.Equal("targets", e.ParamName);
    }

    [Fact]
    public void Network_DescribesItsActivationsAndCost()
    {
        INetwork<float> network = new Net784x16x16x10(seed: 1);
        Assert.Equal(new[] { ActivationFunction.Sigmoid, ActivationFunction.Sigmoid, ActivationFunction.Sigmoid }, network.Activations.ToArray());
        Assert.Equal(CostFunction.Quadratic, network.CostFunction);
        Assert.Equal(CostFunction.CrossEntropy, ((INetwork<float>)new Net784x30x10CE(seed: 1)).CostFunction);
    }
}
