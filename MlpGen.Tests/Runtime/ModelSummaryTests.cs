using System;
using MlpGen.Benchmarks;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>ModelSummary's counts: the parameters are the generated ParameterCount constant, the FLOPs the benchmarks' formula.</summary>
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
    public void Flops_AreTheBenchmarksFormula(string topology)
    {
        INetwork<float> network = Networks[topology].Create();
        ModelSummary summary = ModelSummary.Of(network);
        Assert.Equal(Flops.Forward(network.LayerSizes), summary.InferenceFlopsPerSample);
        foreach (int m in new[] { 1, 10, 32, 1000 }) Assert.Equal(Flops.TrainPerSample(network.LayerSizes, m), summary.TrainingFlopsPerSample(m));
    }

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
