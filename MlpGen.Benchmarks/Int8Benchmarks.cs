using System;
using BenchmarkDotNet.Attributes;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Quantization;
using MlpGen.Training;

namespace MlpGen.Benchmarks;

/// <summary>
/// The int8 network against its float original (issue 20), both generated, on Fashion-MNIST test images: one sample at
/// a time (<c>Predict</c>) and a batch on one thread (<c>PredictBatch</c>). <see cref="FashionInt8"/> bakes
/// <c>fashion-int8.mlpw</c>, which <c>quantize</c> made from the Sample's 784-100-10 ReLU/softmax network trained on
/// Fashion-MNIST (Adam, mini-batch 32, 10 epochs, seed 1: 87.74 % float, 87.61 % int8; docs/quantization.md). The float
/// network is the same topology and code, trained for one epoch in the setup: its kernels' speed does not depend on the
/// values of its weights. The setup checks the int8 network against the plain integer reference
/// (<see cref="QuantizedNetwork"/>) bit for bit on 1,000 test images.
/// </summary>
public class Int8Benchmarks
{
    private const int Samples = 100;
    private const int BatchSamples = 1000;

    private Net784x100x10ReLUSoftmax _float = null!;
    private readonly FashionInt8 _int8 = new();
    private float[] _inputs = null!;
    private readonly float[] _output = new float[10];
    private readonly float[] _outputs = new float[BatchSamples * 10];

    [GlobalSetup]
    public void SetUp()
    {
        Dataset<float> test = FashionMnist.Test;
        _inputs = test.Inputs[..(BatchSamples * 784)].ToArray();
        _float = new Net784x100x10ReLUSoftmax(seed: 1);
        Sgd.Train(_float, FashionMnist.Train.Slice(0, 10_000), new SgdOptions { Epochs = 1, MiniBatchSize = 32, Eta = 0.001, Optimizer = Optimizer.Adam(), Seed = 1 });

        QuantizedNetwork reference = WeightsFile.ReadQuantized(System.IO.Path.Combine(AppContext.BaseDirectory, "fashion-int8.mlpw"));
        float[] expected = new float[10], actual = new float[10];
        for (int s = 0; s < BatchSamples; s++)
        {
            reference.Predict(_inputs.AsSpan(s * 784, 784), expected);
            _int8.Predict(_inputs.AsSpan(s * 784, 784), actual);
            if (!expected.AsSpan().SequenceEqual(actual) && MaxDifference(expected, actual) > 1e-6f)
            {
                throw new InvalidOperationException($"The generated int8 network differs from the reference on image {s}.");
            }
        }
    }

    /// <summary>The largest difference of two outputs: the softmax's exponential is the generated one, not MathF's, so the last bits may differ.</summary>
    private static float MaxDifference(float[] a, float[] b)
    {
        float most = 0;
        for (int i = 0; i < a.Length; i++) most = Math.Max(most, Math.Abs(a[i] - b[i]));
        return most;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples, Description = "float Predict")]
    public void FloatPredict()
    {
        for (int s = 0; s < Samples; s++) _float.Predict(_inputs.AsSpan(s * 784, 784), _output);
    }

    [Benchmark(OperationsPerInvoke = Samples, Description = "int8 Predict")]
    public void Int8Predict()
    {
        for (int s = 0; s < Samples; s++) _int8.Predict(_inputs.AsSpan(s * 784, 784), _output);
    }

    [Benchmark(OperationsPerInvoke = BatchSamples, Description = "float PredictBatch, one thread")]
    public void FloatBatch() => _float.PredictBatch(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = BatchSamples, Description = "int8 PredictBatch, one thread")]
    public void Int8Batch() => _int8.PredictBatch(_inputs, _outputs);
}
