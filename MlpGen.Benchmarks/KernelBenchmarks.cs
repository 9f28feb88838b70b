using BenchmarkDotNet.Attributes;
using MlpGen.Data;

namespace MlpGen.Benchmarks;

/// <summary>What every per-topology benchmark shares: a generated network, its plain-loop twin, Fashion-MNIST samples.</summary>
public abstract class TopologyBenchmark<TNet> : IFlopCounted where TNet : class, INetwork<float>, new()
{
    protected TNet Net = null!;
    protected PlainNetwork Plain = null!;
    protected Dataset<float> Data = null!;

    protected int[] Sizes => new TNet().LayerSizes.ToArray();

    public abstract double FlopsPerOperation(string method);

    protected void SetUpNetworks()
    {
        Net = new TNet();
        Plain = new PlainNetwork(Sizes, seed: 1);
        Data = FashionMnist.Test;
    }
}

/// <summary>
/// Feedforward of one sample: generated Predict against network.py's feedforward in plain C#. The input
/// cycles over 100 test images (300 KB, in cache like an image the app has just decoded), so the time
/// is the network's, not a cache miss on a new image.
/// </summary>
[GenericTypeArguments(typeof(Net784x16x16x10))]
[GenericTypeArguments(typeof(Net784x30x10))]
[GenericTypeArguments(typeof(Net784x100x10))]
public class Forward<TNet> : TopologyBenchmark<TNet> where TNet : class, INetwork<float>, new()
{
    private readonly float[] _output = new float[10];
    private int _next;

    [GlobalSetup]
    public void SetUp() => SetUpNetworks();

    public override double FlopsPerOperation(string method) => FlopCount.InferencePerSample(Sizes);

    [Benchmark(Baseline = true)]
    public float PlainLoops() => Plain.FeedForward(Data.Input(_next++ % 100))[0];

    [Benchmark]
    public float MlpGen()
    {
        Net.Predict(Data.Input(_next++ % 100), _output);
        return _output[0];
    }
}

/// <summary>Feedforward of 10,000 samples, reported per sample: the batch API against a loop of plain feedforwards.</summary>
[GenericTypeArguments(typeof(Net784x16x16x10))]
[GenericTypeArguments(typeof(Net784x30x10))]
[GenericTypeArguments(typeof(Net784x100x10))]
public class BatchForward<TNet> : TopologyBenchmark<TNet> where TNet : class, INetwork<float>, new()
{
    private const int Samples = 10_000;
    private float[] _outputs = null!;

    [GlobalSetup]
    public void SetUp()
    {
        SetUpNetworks();
        _outputs = new float[Samples * 10];
    }

    public override double FlopsPerOperation(string method) => FlopCount.InferencePerSample(Sizes);

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public float PlainLoops()
    {
        float sum = 0;
        for (int i = 0; i < Samples; i++) sum += Plain.FeedForward(Data.Input(i))[0];
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public float MlpGen()
    {
        Net.PredictBatch(Data.Inputs.Slice(0, Samples * Data.InputSize), _outputs);
        return _outputs[0];
    }
}

/// <summary>One SGD step on a mini-batch of 10, reported per sample.</summary>
[GenericTypeArguments(typeof(Net784x16x16x10))]
[GenericTypeArguments(typeof(Net784x30x10))]
[GenericTypeArguments(typeof(Net784x100x10))]
public class SgdStep<TNet> : TopologyBenchmark<TNet> where TNet : class, INetwork<float>, new()
{
    private const int MiniBatch = 10;
    private int _next;

    [GlobalSetup]
    public void SetUp() => SetUpNetworks();

    public override double FlopsPerOperation(string method) => FlopCount.TrainingPerSample(Sizes, MiniBatch);

    private int NextBatch()
    {
        int first = _next;
        _next = (_next + MiniBatch) % (Data.Count - MiniBatch);
        return first;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MiniBatch)]
    public void PlainLoops()
    {
        int first = NextBatch();
        Plain.UpdateMiniBatch(Data.Inputs.Slice(first * Data.InputSize, MiniBatch * Data.InputSize), Data.Targets.Slice(first * Data.OutputSize, MiniBatch * Data.OutputSize), 0.01f);
    }

    [Benchmark(OperationsPerInvoke = MiniBatch)]
    public void MlpGen()
    {
        int first = NextBatch();
        Net.TrainMiniBatch(Data.Inputs.Slice(first * Data.InputSize, MiniBatch * Data.InputSize), Data.Targets.Slice(first * Data.OutputSize, MiniBatch * Data.OutputSize), 0.01f);
    }
}
