using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.ML.OnnxRuntime;
using MlpGen.Data;
using MlpGen.Interop;
using MlpGen.Persistence;

namespace MlpGen.Benchmarks;

/// <summary>
/// MlpGen against ONNX Runtime on the same network with the same weights, over 2,000 Fashion-MNIST test images, in ns
/// per sample: one sample at a time, a batch on one thread, a batch on every core. The network's seeded parameters are
/// exported with MlpGen.Interop's ONNX exporter (one Gemm per layer, then its activation), so both compute the same
/// function; the time of neither depends on the values. ONNX Runtime runs with every graph optimisation, its input
/// and output OrtValues made once over pinned arrays and reused; "one thread" is IntraOpNumThreads = 1, "all cores"
/// its default (one thread per core). Each category's baseline is ONNX Runtime's figure, so the ratio column says how
/// MlpGen compares (below 1: MlpGen is faster).
/// </summary>
[GenericTypeArguments(typeof(Net784x100x10ReLUSoftmax))]
[GenericTypeArguments(typeof(Net784x512x512x10ReLUSoftmax))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OnnxSideBySide<TNet> : IFlopCounted, IDisposable where TNet : class, INetwork<float>, new()
{
    private const int Samples = 2000;
    private TNet _net = null!;
    private float[] _inputs = null!, _outputs = null!;
    private InferenceSession _oneThread = null!, _allThreads = null!;
    private RunOptions _run = null!;
    private OrtValue _batchInput = null!, _batchOutput = null!;
    private OrtValue[] _sampleInputs = null!, _sampleOutputs = null!;
    private readonly string[] _inputName = { "input" }, _outputName = { "output" };

    public double FlopsPerOperation(string method) => FlopCount.InferencePerSample(new TNet().LayerSizes.ToArray());

    [GlobalSetup]
    public void SetUp()
    {
        _net = new TNet();
        Dataset<float> test = FashionMnist.Test;
        _inputs = test.Inputs.Slice(0, Samples * test.InputSize).ToArray();
        _outputs = new float[Samples * _net.OutputSize];

        var weights = new NetworkWeights(_net.LayerSizes.ToArray(), _net.Activations.ToArray(), _net.CostFunction, WeightsElement.Float32,
            Array.ConvertAll(_net.Parameters.ToArray(), p => (double)p));
        byte[] model = ModelFile.Encode(weights, ModelFormat.Onnx, "model.onnx");
        _oneThread = new InferenceSession(model, Options(intraOpThreads: 1));
        _allThreads = new InferenceSession(model, Options(intraOpThreads: 0));
        _run = new RunOptions();

        int n = _net.InputSize, m = _net.OutputSize;
        _batchInput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _inputs.AsMemory(), new long[] { Samples, n });
        _batchOutput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _outputs.AsMemory(), new long[] { Samples, m });
        _sampleInputs = Enumerable.Range(0, Samples)
            .Select(s => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _inputs.AsMemory(s * n, n), new long[] { 1, n })).ToArray();
        _sampleOutputs = Enumerable.Range(0, Samples)
            .Select(s => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _outputs.AsMemory(s * m, m), new long[] { 1, m })).ToArray();

        // The two compute the same function: ONNX Runtime's outputs agree with MlpGen's to rounding.
        RunBatch(_oneThread);
        float[] onnx = (float[])_outputs.Clone();
        _net.PredictBatch(_inputs, _outputs);
        double worst = onnx.Zip(_outputs, (a, b) => Math.Abs(a - b)).Max();
        if (worst > 1e-4) throw new InvalidOperationException($"ONNX Runtime and MlpGen disagree by {worst} on the same inputs.");
    }

    private static SessionOptions Options(int intraOpThreads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = intraOpThreads,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    };

    private void RunBatch(InferenceSession session) => session.Run(_run, _inputName, new[] { _batchInput }, _outputName, new[] { _batchOutput });

    private void RunOneByOne(InferenceSession session)
    {
        var input = new OrtValue[1];
        var output = new OrtValue[1];
        for (int s = 0; s < Samples; s++)
        {
            input[0] = _sampleInputs[s];
            output[0] = _sampleOutputs[s];
            session.Run(_run, _inputName, input, _outputName, output);
        }
    }

    [Benchmark(OperationsPerInvoke = Samples, Baseline = true), BenchmarkCategory("1 one sample at a time")]
    public void OnnxOneThread_OneByOne() => RunOneByOne(_oneThread);

    [Benchmark(OperationsPerInvoke = Samples), BenchmarkCategory("1 one sample at a time")]
    public void OnnxAllThreads_OneByOne() => RunOneByOne(_allThreads);

    [Benchmark(OperationsPerInvoke = Samples), BenchmarkCategory("1 one sample at a time")]
    public void MlpGen_Predict()
    {
        int n = _net.InputSize, m = _net.OutputSize;
        for (int s = 0; s < Samples; s++) _net.Predict(_inputs.AsSpan(s * n, n), _outputs.AsSpan(s * m, m));
    }

    [Benchmark(OperationsPerInvoke = Samples, Baseline = true), BenchmarkCategory("2 batch, one thread")]
    public void OnnxOneThread_Batch() => RunBatch(_oneThread);

    [Benchmark(OperationsPerInvoke = Samples), BenchmarkCategory("2 batch, one thread")]
    public void MlpGen_PredictBatch() => _net.PredictBatch(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = Samples, Baseline = true), BenchmarkCategory("3 batch, all cores")]
    public void OnnxAllThreads_Batch() => RunBatch(_allThreads);

    [Benchmark(OperationsPerInvoke = Samples), BenchmarkCategory("3 batch, all cores")]
    public void MlpGen_PredictBatchAllCores() => Parallel(_net);

    /// <summary>The generated parallel overload, which INetwork does not have: through the class itself.</summary>
    private void Parallel(TNet net)
    {
        switch (net)
        {
            case Net784x100x10ReLUSoftmax n: n.PredictBatch(_inputs, _outputs, Environment.ProcessorCount); break;
            case Net784x512x512x10ReLUSoftmax n: n.PredictBatch(_inputs, _outputs, Environment.ProcessorCount); break;
            default: throw new NotSupportedException(typeof(TNet).Name);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (IDisposable value in new IDisposable?[] { _batchInput, _batchOutput, _oneThread, _allThreads, _run }.Concat(_sampleInputs ?? Array.Empty<OrtValue>()).Concat(_sampleOutputs ?? Array.Empty<OrtValue>()).OfType<IDisposable>())
        {
            value.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
