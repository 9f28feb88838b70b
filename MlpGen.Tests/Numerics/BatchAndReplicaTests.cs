using System;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>PredictBatch gives each sample exactly Predict's outputs; Replicate gives an independent copy.</summary>
public class BatchAndReplicaTests
{
    public static TheoryData<string> Topologies => new()
    {
        "784-16-16-10", "784-100-10", "2-2-1", "37-19-5", "3-5-7-2-4 simd", "16-32-16 unrolled", "600-3-2 unrolled",
        "37-19-5 tanh", "37-19-5 relu softmax", "37-19-5 leaky identity", "3-5-7-2-4 tanh softmax quadratic", "3-5-7-2-4 relu identity",
        "5-37-29-3 mixed", "16-32-16 relu softmax", "784-30-10 relu softmax", "784-100-10 relu",
        "37-19-5 gelu log-softmax", "3-5-7-2-4 silu identity", "5-37-29-3 gelu silu", "16-32-16 silu log-softmax", "784-30-10 gelu log-softmax",
    };

    [Theory]
    [MemberData(nameof(Topologies))]
    public void PredictBatch_EqualsPredict_BitForBit_ForEveryCount(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](5);
        int n = network.InputSize, m = network.OutputSize;
        // 0 to 9 samples: empty, fewer than one group of 4, whole groups, groups and a remainder; then around and past
        // the tiles PredictBatch takes the samples through the layers in (up to 32 samples, fewer for wide layers).
        foreach (int count in Enumerable.Range(0, 10).Concat(new[] { 15, 16, 17, 31, 32, 33, 67, 100 }))
        {
            float[] inputs = Samples.ToSingle(Samples.For(n, m, Math.Max(count, 1), seed: count).Inputs).AsSpan(0, count * n).ToArray();
            var batch = new float[count * m];
            network.PredictBatch(inputs, batch);
            var single = new float[count * m];
            for (int s = 0; s < count; s++) network.Predict(inputs.AsSpan(s * n, n), single.AsSpan(s * m, m));
            Assert.True(MemoryMarshal.Cast<float, uint>(single).SequenceEqual(MemoryMarshal.Cast<float, uint>(batch)),
                $"{topology}, {count} samples: PredictBatch differs from Predict");
        }
    }

    [Theory]
    [InlineData("37-19-5 simd")]
    [InlineData("37-19-5 relu softmax")]
    [InlineData("5-37-29-3 mixed")]
    [InlineData("37-19-5 leaky identity")]
    [InlineData("37-19-5 gelu log-softmax")]
    [InlineData("5-37-29-3 gelu silu")]
    public void PredictBatch_Double_EqualsPredict_BitForBit(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](5);
        int n = network.InputSize, m = network.OutputSize;
        double[] inputs = Samples.For(n, m, 7, seed: 1).Inputs;
        var batch = new double[7 * m];
        var single = new double[7 * m];
        network.PredictBatch(inputs, batch);
        for (int s = 0; s < 7; s++) network.Predict(inputs.AsSpan(s * n, n), single.AsSpan(s * m, m));
        Assert.True(MemoryMarshal.Cast<double, ulong>(single).SequenceEqual(MemoryMarshal.Cast<double, ulong>(batch)), topology);
    }

    [Fact]
    public void PredictBatch_WrongShapes_NameWhatIsWrong()
    {
        var network = new Net784x16x16x10(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[784 * 2 + 1], new float[20]));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("1569", e.Message);
        e = Assert.Throws<ArgumentException>(() => network.PredictBatch(new float[784 * 2], new float[19]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("20 values", e.Message);
        Assert.Contains("19", e.Message);
    }

    [Fact]
    public void Replicate_CopiesTheParameters_IntoStorageOfItsOwn()
    {
        INetwork<float> network = new Net784x16x16x10(seed: 3);
        INetwork<float> copy = network.Replicate();
        Assert.IsType<Net784x16x16x10>(copy);
        Assert.True(network.Parameters.SequenceEqual(copy.Parameters));
        copy.Parameters[0] += 1;
        Assert.NotEqual(network.Parameters[0], copy.Parameters[0]);
    }
}
