using System;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// ModelSummary's counts: the parameters are the generated ParameterCount constant, the FLOPs the multiply-adds of
/// backpropagation counted loop by loop. (The generator's MLPG033 and the benchmarks compile the same FlopCount.cs.)
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class ModelSummaryTests
{
    /// <summary>Networks of single precision by name (the name, not the network, is the theory's argument, so that xunit can show it), with their generated constant.</summary>
    private static readonly System.Collections.Generic.Dictionary<string, (Func<INetwork<float>> Create, long GeneratedConstant)> Networks = new()
    {
        ["784-30-10"] = (() => new Net784x30x10(seed: 1), Net784x30x10.ParameterCount),
        ["784-16-16-10"] = (() => new Net784x16x16x10(seed: 1), Net784x16x16x10.ParameterCount),
        ["784-100-10"] = (() => new Net784x100x10(seed: 1), Net784x100x10.ParameterCount),
        ["3-5-7-2-4"] = (() => new Net3x5x7x2x4(seed: 1), Net3x5x7x2x4.ParameterCount),
        ["1-1"] = (() => new Net1x1(seed: 1), Net1x1.ParameterCount),
    };

    public static TheoryData<string> SingleNetworks => new(Networks.Keys);

    [Theory]
    [MemberData(nameof(SingleNetworks))]
    public void Parameters_AreTheGeneratedConstant_AndBytesAreFourEach(string topology)
    {
        (Func<INetwork<float>> create, long generatedConstant) = Networks[topology];
        INetwork<float> network = create();
        ModelSummary summary = ModelSummary.Of(network);
        Assert.Equal(topology, summary.Topology);
        Assert.Equal(generatedConstant, summary.Parameters);
        Assert.Equal(network.ParameterCount, summary.Parameters);
        Assert.Equal(4 * generatedConstant, summary.ParameterBytes);
        Assert.Equal("float", summary.ElementName);
    }

    [Fact]
    public void DoubleNetworks_TakeEightBytesAParameter()
    {
        ModelSummary summary = ModelSummary.Of(new Net784x30x10D(seed: 1));
        Assert.Equal(Net784x30x10D.ParameterCount, summary.Parameters);
        Assert.Equal(8L * Net784x30x10D.ParameterCount, summary.ParameterBytes);
        Assert.Equal("double", summary.ElementName);
    }

    [Theory]
    [MemberData(nameof(SingleNetworks))]
    public void Flops_AreTwiceTheMultiplyAddsOfBackpropagation_CountedOneByOne(string topology)
    {
        INetwork<float> network = Networks[topology].Create();
        ModelSummary summary = ModelSummary.Of(network);
        int[] sizes = network.LayerSizes.ToArray();
        Assert.Equal(2 * FeedforwardMultiplyAdds(sizes), summary.InferenceFlopsPerSample);
        foreach (int m in new[] { 1, 10, 32, 1000 })
        {
            // One mini-batch of m samples: each sample's feedforward and backward pass, then one update of each weight.
            long macs = m * (FeedforwardMultiplyAdds(sizes) + BackwardMultiplyAdds(sizes)) + UpdateMultiplyAdds(sizes);
            Assert.Equal(2.0 * macs / m, summary.TrainingFlopsPerSample(m), precision: 6);
        }
    }

    [Fact]
    public void Flops_Of784x30x10_AreTheFiguresTheReadmeStates()
    {
        ModelSummary summary = ModelSummary.Of(new Net784x30x10(seed: 1));
        Assert.Equal(47_640, summary.InferenceFlopsPerSample);   // 2·(784·30 + 30·10)
        Assert.Equal(100_644, summary.TrainingFlopsPerSample(10));   // 2·(23,820 + 23,820 + 300) + 2·23,820/10
    }

    /// <summary>z_l[j] += w_l[j, k]·a_(l−1)[k]: one multiply-add for each weight of each layer.</summary>
    private static long FeedforwardMultiplyAdds(int[] n)
    {
        long count = 0;
        for (int l = 1; l < n.Length; l++) for (int j = 0; j < n[l]; j++) for (int k = 0; k < n[l - 1]; k++) count++;
        return count;
    }

    /// <summary>
    /// From the output layer down: ∇w_l[j, k] += δ_l[j]·a_(l−1)[k] for every layer, and δ_(l−1)[k] += w_l[j, k]·δ_l[j] for
    /// every layer but the first (the input has no δ). Activations' derivatives and bias gradients are not multiply-adds of
    /// a product of two layers and are not counted.
    /// </summary>
    private static long BackwardMultiplyAdds(int[] n)
    {
        long count = 0;
        for (int l = n.Length - 1; l >= 1; l--)
        {
            for (int j = 0; j < n[l]; j++) for (int k = 0; k < n[l - 1]; k++) count++;                 // the weight gradient
            if (l > 1) for (int k = 0; k < n[l - 1]; k++) for (int j = 0; j < n[l]; j++) count++;      // δ of the layer below
        }
        return count;
    }

    /// <summary>w ← w − (η/m)·∇w: one multiply-add per weight, once per mini-batch.</summary>
    private static long UpdateMultiplyAdds(int[] n) => FeedforwardMultiplyAdds(n);

    [Fact]
    public void Layers_HaveTheirShapesActivationsAndCounts_AndTheTextStatesThem()
    {
        ModelSummary summary = ModelSummary.Of(new Net3x5x7x2x4CE(seed: 1));
        Assert.Equal("3-5-7-2-4", summary.Topology);
        Assert.Equal(CostFunction.CrossEntropy, summary.Cost);
        Assert.Equal(new[] { (3, 5), (5, 7), (7, 2), (2, 4) }, Array.ConvertAll([.. summary.Layers], l => (l.Inputs, l.Size)));
        Assert.All(summary.Layers, l => Assert.Equal(ActivationFunction.Sigmoid, l.Activation));
        Assert.Equal(15 + 35 + 14 + 8, summary.Weights);
        Assert.Equal(5 + 7 + 2 + 4, summary.Biases);
        string text = summary.ToText(miniBatch: 10);
        Assert.Contains("3      7 → 2        sigmoid                    14        2          16", text);
        Assert.Contains("Total  3-5-7-2-4    cross-entropy cost         72       18          90", text);
        Assert.EndsWith($"360 bytes of float parameters; 144 FLOPs per sample to infer, {summary.TrainingFlopsPerSample(10):N0} to train at mini-batch 10.", text);
    }
}
