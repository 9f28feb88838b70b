using System;
using System.Linq;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>Predict and training allocate nothing per sample, and wrong lengths get clear exceptions.</summary>
public class AllocationAndArgumentTests
{
    [Theory]
    [InlineData("784-16-16-10")]
    [InlineData("784-100-10")]
    [InlineData("3-5-7-2-4")]
    [InlineData("784-30-10 relu softmax")]
    [InlineData("37-19-5 tanh")]
    [InlineData("37-19-5 leaky identity")]
    [InlineData("5-37-29-3 mixed")]
    [InlineData("3-5-7-2-4 tanh softmax quadratic")]
    public void PredictAndTrain_AllocateNothingPerSample(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](1);
        (double[] inputs, double[] targets) = Samples.For(network, 10, seed: 3);
        float[] x = Samples.ToSingle(inputs), y = Samples.ToSingle(targets);
        var output = new float[network.OutputSize];
        var outputs = new float[10 * network.OutputSize];
        var gradient = new float[network.ParameterCount];

        void Work()
        {
            for (int i = 0; i < 50; i++)
            {
                network.Predict(x.AsSpan(0, network.InputSize), output);
                network.PredictBatch(x, outputs);
                network.Classify(x.AsSpan(network.InputSize, network.InputSize));
                network.TrainMiniBatch(x, y, 0.1f);
                network.Backpropagate(x, y, gradient);
            }
        }

        Work(); // warm up: JIT, tiering, and the network's one-time gradient scratch
        Work();
        Assert.Equal(0, Allocations.Fewest(Work));
    }

    [Fact]
    public void Predict_InputOfWrongLength_NamesExpectedAndActual()
    {
        var network = new Net784x16x16x10(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => network.Predict(new float[783], new float[10]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("784", e.Message);
        Assert.Contains("783", e.Message);

        e = Assert.Throws<ArgumentException>(() => network.Predict(new float[784], new float[9]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);

        e = Assert.Throws<ArgumentException>(() => network.Classify(new float[785]));
        Assert.Contains("785", e.Message);

        e = Assert.Throws<ArgumentException>(() => Net784x16x16x10.ClassOf(new float[11]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("11", e.Message);
    }

    /// <summary>ClassOf reads the class from outputs already computed: for every sample of a batch, what Classify says, and no allocation.</summary>
    [Fact]
    public void ClassOf_TheBatchsOutputs_GivesClassifysClass_WithoutAllocating()
    {
        var network = new Net784x16x16x10(seed: 1);
        const int Count = 200;
        float[] inputs = Samples.ToSingle(Samples.For(network, Count, seed: 5).Inputs);
        var outputs = new float[Count * Net784x16x16x10.OutputSize];
        network.PredictBatch(inputs, outputs);
        var classes = new int[Count];
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int i = 0; i < Count; i++) classes[i] = Net784x16x16x10.ClassOf(outputs.AsSpan(i * Net784x16x16x10.OutputSize, Net784x16x16x10.OutputSize));
        }));
        for (int i = 0; i < Count; i++) Assert.Equal(network.Classify(inputs.AsSpan(i * Net784x16x16x10.InputSize, Net784x16x16x10.InputSize)), classes[i]);
        Assert.True(classes.Distinct().Count() > 1, "every sample fell in one class: the comparison shows nothing");
    }

    [Fact]
    public void Training_BatchOfWrongShape_NamesExpectedAndActual()
    {
        var network = new Net2x2x1(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => network.TrainMiniBatch(new float[5], new float[2], 1f));
        Assert.Contains("whole samples of 2", e.Message);
        Assert.Contains("5", e.Message);

        e = Assert.Throws<ArgumentException>(() => network.TrainMiniBatch(new float[6], new float[2], 1f));
        Assert.Contains("3 samples", e.Message);

        e = Assert.Throws<ArgumentException>(() => network.Backpropagate(new float[2], new float[1], new float[8]));
        Assert.Contains("9", e.Message);
    }

    /// <summary>
    /// A batch whose outputs would number more than int.MaxValue: 429,496,730 samples of one input need 4,294,967,300
    /// outputs, which 32-bit arithmetic wraps to 4. The check compares in 64 bits, so four outputs are refused (before
    /// anything reads the inputs: the span claims far more than the one float behind it).
    /// </summary>
    [Fact]
    public void Batch_WhoseOutputsWouldWrapAround_IsRefused()
    {
        var network = new Net1x4x10(seed: 1);
        float[] one = [0f];
        string? message = null;
        try
        {
            ReadOnlySpan<float> inputs = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref one[0], 429_496_730);
            network.PredictBatch(inputs, new float[4]);
        }
        catch (ArgumentException e)
        {
            message = e.Message;
        }
        Assert.NotNull(message);
        Assert.Contains("(4294967300 values), but hold 4", message);
    }

    [Fact]
    public void Constants_DescribeTheTopology()
    {
        Assert.Equal(784, Net784x16x16x10.InputSize);
        Assert.Equal(10, Net784x16x16x10.OutputSize);
        Assert.Equal(16, Net784x16x16x10.Layer1Size);
        Assert.Equal(16, Net784x16x16x10.Layer2Size);
        Assert.Equal(4, Net784x16x16x10.LayerCount);
        Assert.Equal(13_002, Net784x16x16x10.ParameterCount);
        Assert.Equal(new[] { 784, 16, 16, 10 }, Net784x16x16x10.LayerSizes.ToArray());
        Assert.Equal(9, Net2x2x1.ParameterCount);
        Assert.Equal(79_510, Net784x100x10.ParameterCount);
    }

    [Fact]
    public void SameSeed_SameParameters_OtherSeed_OtherParameters_StandardNormal()
    {
        var a = new Net784x16x16x10(seed: 5);
        var b = new Net784x16x16x10(seed: 5);
        var c = new Net784x16x16x10(seed: 6);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));

        // N(0, 1): mean near 0 and variance near 1 over 13,002 draws (4 standard errors).
        double mean = 0, square = 0;
        foreach (float p in a.Parameters) { mean += p; square += (double)p * p; }
        mean /= a.Parameters.Length;
        double variance = square / a.Parameters.Length - mean * mean;
        Assert.InRange(mean, -4 / Math.Sqrt(13_002), 4 / Math.Sqrt(13_002));
        Assert.InRange(variance, 1 - 4 * Math.Sqrt(2.0 / 13_002), 1 + 4 * Math.Sqrt(2.0 / 13_002));
    }
}
