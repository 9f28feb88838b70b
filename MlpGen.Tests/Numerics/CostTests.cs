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
    [InlineData("37-19-5 relu softmax")]
    [InlineData("3-5-7-2-4 tanh softmax quadratic")]
    [InlineData("37-19-5 leaky identity")]
    [InlineData("784-30-10 relu softmax")]
    [InlineData("37-19-5 gelu log-softmax")]
    [InlineData("784-30-10 gelu log-softmax")]
    public void Cost_OfPredictBatchOutputs_IsWhatBackpropagateReturns_BitForBit(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](2);
        const int count = 19;   // a whole training chunk of 16, then 3
        (double[] inputs, double[] targets) = Samples.For(network, count, seed: 4);
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

    /// <summary>What each declaration in TestNetworks.cs says, against what the network reports (the math tests build their references from the latter).</summary>
    [Theory]
    [InlineData("37-19-5 tanh", "Tanh Sigmoid", CostFunction.Quadratic)]
    [InlineData("37-19-5 relu softmax", "ReLU Softmax", CostFunction.LogLikelihood)]          // Cost not given: softmax → log-likelihood
    [InlineData("37-19-5 leaky identity", "LeakyReLU Identity", CostFunction.Quadratic)]      // identity → quadratic
    [InlineData("3-5-7-2-4 tanh softmax quadratic", "Tanh Tanh Tanh Softmax", CostFunction.Quadratic)]
    [InlineData("3-5-7-2-4 relu identity", "ReLU ReLU ReLU Identity", CostFunction.Quadratic)]
    [InlineData("5-37-29-3 mixed", "ReLU Tanh Softmax", CostFunction.LogLikelihood)]
    [InlineData("16-32-16 relu softmax", "ReLU Softmax", CostFunction.LogLikelihood)]
    [InlineData("784-30-10 relu softmax", "ReLU Softmax", CostFunction.LogLikelihood)]
    [InlineData("784-100-10 relu", "ReLU Sigmoid", CostFunction.Quadratic)]
    [InlineData("3-5-7-2-4 ce", "Sigmoid Sigmoid Sigmoid Sigmoid", CostFunction.CrossEntropy)]
    [InlineData("37-19-5 gelu log-softmax", "GELU LogSoftmax", CostFunction.LogLikelihood)]   // Cost not given: log-softmax → log-likelihood
    [InlineData("5-37-29-3 gelu silu", "GELU SiLU Softmax", CostFunction.LogLikelihood)]
    [InlineData("3-5-7-2-4 silu identity", "SiLU SiLU SiLU Identity", CostFunction.Quadratic)]
    public void Networks_ReportTheDeclaredActivationsAndCost_Float(string topology, string activations, CostFunction cost)
    {
        INetwork<float> network = TestNetworks.Single[topology](1);
        Assert.Equal(activations, string.Join(" ", network.Activations.ToArray()));
        Assert.Equal(cost, network.CostFunction);
    }

    [Theory]
    [InlineData("3-5-7-2-4 leaky ce", "LeakyReLU LeakyReLU LeakyReLU Sigmoid", CostFunction.CrossEntropy)]
    [InlineData("1-1 identity", "Identity", CostFunction.Quadratic)]
    [InlineData("5-37-29-3 mixed", "ReLU Tanh Softmax", CostFunction.LogLikelihood)]
    [InlineData("784-30-10 relu softmax", "ReLU Softmax", CostFunction.LogLikelihood)]
    public void Networks_ReportTheDeclaredActivationsAndCost_Double(string topology, string activations, CostFunction cost)
    {
        INetwork<double> network = TestNetworks.Double[topology](1);
        Assert.Equal(activations, string.Join(" ", network.Activations.ToArray()));
        Assert.Equal(cost, network.CostFunction);
    }

    [Fact]
    public void Cost_LogLikelihood_OnLogSoftmax_IsMinusTheTargetsLogProbability()
    {
        var network = new Net37x19x5GeluLogSoftmaxD(seed: 1);
        double[] a = { Math.Log(0.5), Math.Log(0.25), Math.Log(0.125), Math.Log(0.125), -1000 };
        Assert.Equal(-Math.Log(0.25), network.Cost(a, new[] { 0.0, 1, 0, 0, 0 }), 1e-15);
        Assert.Equal(-(0.5 * Math.Log(0.5) + 0.5 * Math.Log(0.125)), network.Cost(a, new[] { 0.5, 0, 0.5, 0, 0 }), 1e-15);
    }

    [Fact]
    public void Cost_LogLikelihood_IsMinusTheLogOfTheTargetsOutput_SkippingZeroTargets()
    {
        var network = new Net37x19x5ReLUSoftmaxD(seed: 1);
        double[] a = { 0.5, 0.25, 0.125, 0.125, 0 };
        Assert.Equal(-Math.Log(0.25), network.Cost(a, new[] { 0.0, 1, 0, 0, 0 }), 1e-15);
        Assert.Equal(-(0.5 * Math.Log(0.5) + 0.5 * Math.Log(0.125)), network.Cost(a, new[] { 0.5, 0, 0.5, 0, 0 }), 1e-15);
    }
}
