using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MlpGen.Data;

namespace MlpGen.Benchmarks;

/// <summary>
/// What each host's code shape costs (docs/hosts.md, "Speed of each shape"): one network, with the same parameters,
/// compiled three times, as a .NET 10 app (this project), a .NET 8 library (Hosts/Net8) and a .NET Standard 2.0
/// library at C# 9 (Hosts/NetStandard, the shape of .NET Framework, Mono and Unity), and all three run here, on
/// .NET 10's JIT: the differences are the generated code's, not the runtimes'. Forward of one sample and the SGD step
/// per sample at mini-batch 10, each against the .NET 10 shape.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class HostShapeBenchmark : IFlopCounted
{
    private const int MiniBatch = 10;
    private float[] _inputs = null!, _targets = null!, _output = null!;
    private int _next, _n, _m;

    /// <summary>The network's layer sizes, input first (read once, in the set-up and the FLOP column).</summary>
    protected abstract int[] LayerSizes { get; }

    /// <summary>Copies the .NET 10 network's parameters into the other two.</summary>
    protected abstract void CopyParameters();

    [GlobalSetup]
    public void SetUp()
    {
        Dataset<float> data = FashionMnist.Test;
        int n = _n = LayerSizes[0], m = _m = LayerSizes[^1];
        _inputs = new float[100 * n];
        _targets = new float[100 * m];
        for (int s = 0; s < 100; s++)
        {
            data.Input(s).CopyTo(_inputs.AsSpan(s * n));
            _targets[s * m + data.Label(s) % m] = 1;
        }
        _output = new float[m];
        CopyParameters();
    }

    public double FlopsPerOperation(string method) => method.StartsWith("Forward", StringComparison.Ordinal)
        ? FlopCount.InferencePerSample(LayerSizes)
        : FlopCount.TrainingPerSample(LayerSizes, MiniBatch);

    protected ReadOnlySpan<float> Input() => _inputs.AsSpan((_next++ % 100) * _n, _n);

    protected Span<float> Output => _output;

    /// <summary>The first sample of the next mini-batch.</summary>
    protected int Batch() => (_next += MiniBatch) % (100 - MiniBatch);

    protected ReadOnlySpan<float> Inputs(int first) => _inputs.AsSpan(first * _n, MiniBatch * _n);

    protected ReadOnlySpan<float> Targets(int first) => _targets.AsSpan(first * _m, MiniBatch * _m);

    protected const float Eta = 0.01f;

    [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
    public void ForwardNet10() => Forward10();

    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardNet8() => Forward8();

    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardNetStandard20() => ForwardStandard();

    [Benchmark(Baseline = true, OperationsPerInvoke = MiniBatch), BenchmarkCategory("SgdStep")]
    public void SgdStepNet10() => Step10();

    [Benchmark(OperationsPerInvoke = MiniBatch), BenchmarkCategory("SgdStep")]
    public void SgdStepNet8() => Step8();

    [Benchmark(OperationsPerInvoke = MiniBatch), BenchmarkCategory("SgdStep")]
    public void SgdStepNetStandard20() => StepStandard();

    protected abstract void Forward10();

    protected abstract void Forward8();

    protected abstract void ForwardStandard();

    protected abstract void Step10();

    protected abstract void Step8();

    protected abstract void StepStandard();
}

/// <summary>784-100-10, sigmoid: the layer of 78,400 weights dominates.</summary>
public class HostShapes784x100x10 : HostShapeBenchmark
{
    private readonly Net784x100x10 _net10 = new();
    private readonly Net8.Net784x100x10 _net8 = new();
    private readonly NetStandard.Net784x100x10 _netStandard = new();

    protected override int[] LayerSizes => [784, 100, 10];

    protected override void CopyParameters()
    {
        _net10.Parameters.CopyTo(_net8.Parameters);
        _net10.Parameters.CopyTo(_netStandard.Parameters);
    }

    protected override void Forward10() => _net10.Predict(Input(), Output);

    protected override void Forward8() => _net8.Predict(Input(), Output);

    protected override void ForwardStandard() => _netStandard.Predict(Input(), Output);

    protected override void Step10() { int first = Batch(); _net10.TrainMiniBatch(Inputs(first), Targets(first), Eta); }

    protected override void Step8() { int first = Batch(); _net8.TrainMiniBatch(Inputs(first), Targets(first), Eta); }

    protected override void StepStandard() { int first = Batch(); _netStandard.TrainMiniBatch(Inputs(first), Targets(first), Eta); }
}

/// <summary>784-16-16-10, sigmoid (network.py's digit network): the exponentials are a larger share of the work.</summary>
public class HostShapes784x16x16x10 : HostShapeBenchmark
{
    private readonly Net784x16x16x10 _net10 = new();
    private readonly Net8.Net784x16x16x10 _net8 = new();
    private readonly NetStandard.Net784x16x16x10 _netStandard = new();

    protected override int[] LayerSizes => [784, 16, 16, 10];

    protected override void CopyParameters()
    {
        _net10.Parameters.CopyTo(_net8.Parameters);
        _net10.Parameters.CopyTo(_netStandard.Parameters);
    }

    protected override void Forward10() => _net10.Predict(Input(), Output);

    protected override void Forward8() => _net8.Predict(Input(), Output);

    protected override void ForwardStandard() => _netStandard.Predict(Input(), Output);

    protected override void Step10() { int first = Batch(); _net10.TrainMiniBatch(Inputs(first), Targets(first), Eta); }

    protected override void Step8() { int first = Batch(); _net8.TrainMiniBatch(Inputs(first), Targets(first), Eta); }

    protected override void StepStandard() { int first = Batch(); _netStandard.TrainMiniBatch(Inputs(first), Targets(first), Eta); }
}
