using System;
using BenchmarkDotNet.Attributes;
using MlpGen.Data;
using MlpGen.Training;

namespace MlpGen.Benchmarks;

/// <summary>
/// Training against the FLOP limit: one epoch over the 60,000 Fashion-MNIST training images, on one core and on two,
/// of the two goals of issue 19: 784-100-10 with ReLU, softmax and log-likelihood, Adam at mini-batch 32; and network.py's
/// 784-16-16-10 (sigmoid, quadratic cost, plain SGD) at mini-batch 10. The "× limit" column is the median over the time
/// the epoch's FLOPs (<c>FlopCount.TrainingPerSample</c>) take at the peak measured in the same run.
/// </summary>
[WarmupCount(2)]
[IterationCount(9)]
[InvocationCount(1, 1)]
public class LimitEpoch : IFlopCounted
{
    private Net784x100x10ReLUSoftmax _wide = null!;
    private Net784x16x16x10 _small = null!;
    private Dataset<float> _data = null!;
    private int[] _storedOrder = null!;
    private int _seed;

    [GlobalSetup]
    public void SetUp()
    {
        _wide = new Net784x100x10ReLUSoftmax(1);
        _small = new Net784x16x16x10(1);
        _data = FashionMnist.Train;
        _storedOrder = new int[_data.Count];
        for (int i = 0; i < _storedOrder.Length; i++) _storedOrder[i] = i;
    }

    public double FlopsPerOperation(string method) => method.StartsWith("Adam", StringComparison.Ordinal)
        ? FlopCount.TrainingPerSample(new[] { 784, 100, 10 }, 32) * 60_000
        : FlopCount.TrainingPerSample(new[] { 784, 16, 16, 10 }, 10) * 60_000;

    private void Adam(int threads) => Sgd.Train(_wide, _data, new SgdOptions
    {
        Epochs = 1, MiniBatchSize = 32, Eta = 0.001, Seed = ++_seed, Optimizer = Optimizer.Adam(), DegreeOfParallelism = threads, MonitorValidationAccuracy = false,
    });

    private void Sgd10(int threads, bool storedOrder = false) => Sgd.Train(_small, _data, new SgdOptions
    {
        Epochs = 1, MiniBatchSize = 10, Eta = 3.0, Seed = ++_seed, DegreeOfParallelism = threads, MonitorValidationAccuracy = false,
        EpochOrder = storedOrder ? _ => _storedOrder : null,
    });

    [Benchmark]
    public void Adam_784x100x10_MiniBatch32_OneCore() => Adam(1);

    [Benchmark]
    public void Adam_784x100x10_MiniBatch32_TwoCores() => Adam(2);

    [Benchmark]
    public void Sgd_784x16x16x10_MiniBatch10_OneCore() => Sgd10(1);

    [Benchmark]
    public void Sgd_784x16x16x10_MiniBatch10_TwoCores() => Sgd10(2);

    /// <summary>
    /// A probe, not training as SGD should: the same epoch with the samples in their stored order instead of shuffled, so
    /// the mini-batches read the 188 MB of inputs front to back (the hardware prefetcher streams them) instead of from
    /// random places. The difference to <see cref="Sgd_784x16x16x10_MiniBatch10_OneCore"/> is what the shuffled reads cost
    /// (and the shuffle itself, 60,000 swaps, well under 1 % of the epoch).
    /// </summary>
    [Benchmark]
    public void Sgd_784x16x16x10_MiniBatch10_OneCore_SamplesInStoredOrder() => Sgd10(1, storedOrder: true);
}
