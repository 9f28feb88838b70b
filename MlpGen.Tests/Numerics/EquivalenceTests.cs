using System;
using System.Linq;
using MlpGen.Data;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>The generated code computes what the plain-loop reference (network.py in C#) computes.</summary>
public class EquivalenceTests
{
    private const int SampleCount = 20;

    private static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i]));
            if (error > worst) (worst, at) = (error, i);
        }
        Assert.True(worst <= tolerance, $"{what}: worst error {worst:E2} at index {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)})");
    }

    [Theory]
    [MemberData(nameof(TestNetworks.DoubleTopologies), MemberType = typeof(TestNetworks))]
    public void DoubleNetwork_ForwardAndGradient_EqualReference(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](21);
        var reference = ReferenceNetwork.Of(network);
        (double[] inputs, double[] targets) = Samples.For(network, SampleCount, seed: 2);

        var output = new double[network.OutputSize];
        for (int s = 0; s < SampleCount; s++)
        {
            ReadOnlySpan<double> input = inputs.AsSpan(s * network.InputSize, network.InputSize);
            network.Predict(input, output);
            AssertClose(reference.FeedForward(input)[^1], output, 1e-12, $"{topology} output of sample {s}");
        }

        var gradient = new double[network.ParameterCount];
        double cost = network.Backpropagate(inputs, targets, gradient);
        var expectedGradient = new double[network.ParameterCount];
        double expectedCost = 0;
        for (int s = 0; s < SampleCount; s++)
        {
            expectedCost += reference.Backprop(inputs.AsSpan(s * network.InputSize, network.InputSize),
                targets.AsSpan(s * network.OutputSize, network.OutputSize), expectedGradient);
        }
        AssertClose(expectedGradient, gradient, 1e-10, $"{topology} gradient");
        Assert.Equal(expectedCost, cost, 1e-9);
    }

    [Theory]
    [MemberData(nameof(TestNetworks.SingleTopologies), MemberType = typeof(TestNetworks))]
    public void FloatNetwork_ForwardAndGradient_EqualReferenceWithin1e5(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](21);
        var reference = ReferenceNetwork.Of(network);
        (double[] inputs, double[] targets) = Samples.For(network, SampleCount, seed: 2);
        float[] x = Samples.ToSingle(inputs), y = Samples.ToSingle(targets);
        double[] xd = x.Select(v => (double)v).ToArray(), yd = y.Select(v => (double)v).ToArray();

        var output = new float[network.OutputSize];
        for (int s = 0; s < SampleCount; s++)
        {
            network.Predict(x.AsSpan(s * network.InputSize, network.InputSize), output);
            double[] expected = reference.FeedForward(xd.AsSpan(s * network.InputSize, network.InputSize))[^1];
            AssertClose(expected, output.Select(v => (double)v).ToArray(), 1e-5, $"{topology} output of sample {s}");
        }

        var gradient = new float[network.ParameterCount];
        network.Backpropagate(x, y, gradient);
        var expectedGradient = new double[network.ParameterCount];
        for (int s = 0; s < SampleCount; s++)
        {
            reference.Backprop(xd.AsSpan(s * network.InputSize, network.InputSize), yd.AsSpan(s * network.OutputSize, network.OutputSize), expectedGradient);
        }
        AssertClose(expectedGradient, gradient.Select(v => (double)v).ToArray(), 1e-5, $"{topology} gradient");
    }

    // η as in the book: 3.0 for the quadratic cost, 0.5 for cross-entropy (network2.py); 0.1 for ReLU and softmax.
    [Theory]
    [InlineData("784-30-10", 3.0)]
    [InlineData("784-16-16-10", 3.0)]
    [InlineData("3-5-7-2-4", 3.0)]
    [InlineData("784-30-10 ce", 0.5)]
    [InlineData("784-30-10 relu softmax", 0.1)]
    [InlineData("5-37-29-3 mixed", 0.1)]
    public void OneSgdEpoch_SameSeedAndOrder_LandsOnTheReferenceParameters(string topology, double eta)
    {
        INetwork<double> network = TestNetworks.Double[topology](4);
        var reference = ReferenceNetwork.Of(network);
        Dataset<double> data = TrainingData(network, count: 1000);
        var options = new SgdOptions { Epochs = 1, MiniBatchSize = 10, Eta = eta, Seed = 9 };

        Sgd.Train(network, data, options);

        // The same shuffle Sgd makes, then network.py's loop over mini-batches (the last one smaller).
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        new Random(options.Seed).Shuffle(order);
        int n0 = network.InputSize, nL = network.OutputSize;
        for (int first = 0; first < order.Length; first += options.MiniBatchSize)
        {
            int count = Math.Min(options.MiniBatchSize, order.Length - first);
            var inputs = new double[count * n0];
            var targets = new double[count * nL];
            for (int s = 0; s < count; s++)
            {
                data.Input(order[first + s]).CopyTo(inputs.AsSpan(s * n0));
                data.Target(order[first + s]).CopyTo(targets.AsSpan(s * nL));
            }
            reference.UpdateMiniBatch(inputs, targets, options.Eta);
        }
        AssertClose(reference.Parameters, network.Parameters, 1e-9, $"{topology} parameters after one epoch");
    }

    private static Dataset<double> TrainingData(INetwork<double> network, int count)
    {
        if (network.InputSize == 784) return Infrastructure.TestData.TrainDouble.Slice(0, count - 3); // 997: the last mini-batch is smaller
        (double[] inputs, double[] targets) = Samples.For(network, count, seed: 8);
        return new Dataset<double>(inputs, network.InputSize, targets, network.OutputSize, new int[count]);
    }
}
