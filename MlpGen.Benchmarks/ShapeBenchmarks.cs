using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MlpGen.Data;

namespace MlpGen.Benchmarks;

/// <summary>
/// The three code shapes side by side on one topology: the default (Auto), every layer SIMD, every
/// multiply-add written out as a scalar statement. Forward of one sample and SGD per sample (mini-batch 10).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class ShapeBenchmark<TAuto, TSimd, TUnrolled> : IFlopCounted
    where TAuto : class, INetwork<float>, new()
    where TSimd : class, INetwork<float>, new()
    where TUnrolled : class, INetwork<float>, new()
{
    private const int MiniBatch = 10;
    private readonly TAuto _auto = new();
    private readonly TSimd _simd = new();
    private readonly TUnrolled _unrolled = new();
    private float[] _inputs = null!, _targets = null!, _output = null!;
    private int _next;

    [GlobalSetup]
    public void SetUp()
    {
        // Samples of the right width drawn from Fashion-MNIST pixels (the tiny network takes the first 4).
        Dataset<float> data = FashionMnist.Test;
        int n = _auto.InputSize, m = _auto.OutputSize;
        _inputs = new float[100 * n];
        _targets = new float[100 * m];
        for (int s = 0; s < 100; s++)
        {
            data.Input(s).Slice(n == data.InputSize ? 0 : 400, n).CopyTo(_inputs.AsSpan(s * n));
            _targets[s * m + data.Label(s) % m] = 1;
        }
        _output = new float[m];
        _simd.Parameters.CopyTo(_auto.Parameters);
        _simd.Parameters.CopyTo(_unrolled.Parameters);
    }

    public double FlopsPerOperation(string method) => method.StartsWith("Forward")
        ? FlopCount.InferencePerSample(_auto.LayerSizes.ToArray())
        : FlopCount.TrainingPerSample(_auto.LayerSizes.ToArray(), MiniBatch);

    private ReadOnlySpan<float> Input() => _inputs.AsSpan((_next++ % 100) * _auto.InputSize, _auto.InputSize);

    private int Batch() => (_next += MiniBatch) % (100 - MiniBatch);

    [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
    public void ForwardAuto() => _auto.Predict(Input(), _output);

    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardSimd() => _simd.Predict(Input(), _output);

    [Benchmark, BenchmarkCategory("Forward")]
    public void ForwardUnrolledScalar() => _unrolled.Predict(Input(), _output);

    [Benchmark(Baseline = true, OperationsPerInvoke = MiniBatch), BenchmarkCategory("SgdStep")]
    public void SgdStepAuto() => Step(_auto);

    [Benchmark(OperationsPerInvoke = MiniBatch), BenchmarkCategory("SgdStep")]
    public void SgdStepSimd() => Step(_simd);

    [Benchmark(OperationsPerInvoke = MiniBatch), BenchmarkCategory("SgdStep")]
    public void SgdStepUnrolledScalar() => Step(_unrolled);

    private void Step(INetwork<float> net)
    {
        int first = Batch();
        int n = net.InputSize, m = net.OutputSize;
        net.TrainMiniBatch(_inputs.AsSpan(first * n, MiniBatch * n), _targets.AsSpan(first * m, MiniBatch * m), 0.01f);
    }
}

/// <summary>784-16-16-10: Auto and Simd are the same code here; the unrolled scalar shape is the one that differs.</summary>
public class Shapes784x16x16x10 : ShapeBenchmark<Net784x16x16x10, Net784x16x16x10Simd, Net784x16x16x10Unrolled> { }

/// <summary>4-8-3: Auto writes the 4-wide first layer out (no full vector to fill) and runs the 8-wide second as SIMD.</summary>
public class Shapes4x8x3 : ShapeBenchmark<Net4x8x3, Net4x8x3Simd, Net4x8x3Unrolled> { }
