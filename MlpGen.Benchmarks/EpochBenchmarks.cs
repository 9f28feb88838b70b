using System;
using BenchmarkDotNet.Attributes;
using MlpGen.Data;
using MlpGen.Training;

namespace MlpGen.Benchmarks;

/// <summary>
/// One epoch of mini-batch SGD (mini-batch 10, η 3, shuffled) over the 60,000 Fashion-MNIST training
/// images: network.py in plain C# against MlpGen's Sgd.Train on one core and on all cores.
/// </summary>
[GenericTypeArguments(typeof(Net784x16x16x10))]
[GenericTypeArguments(typeof(Net784x30x10))]
[GenericTypeArguments(typeof(Net784x100x10))]
[WarmupCount(2)]
[IterationCount(7)]
[InvocationCount(1, 1)]
public class Epoch<TNet> : IFlopCounted where TNet : class, INetwork<float>, new()
{
    private const int MiniBatch = 10;
    private TNet _net = null!;
    private PlainNetwork _plain = null!;
    private Dataset<float> _data = null!;
    private int[] _order = null!;
    private float[] _inputs = null!, _targets = null!;
    private int _seed;

    [GlobalSetup]
    public void SetUp()
    {
        _data = FashionMnist.Train;
        _net = new TNet();
        _plain = new PlainNetwork(_net.LayerSizes.ToArray(), seed: 1);
        _order = new int[_data.Count];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _inputs = new float[MiniBatch * _data.InputSize];
        _targets = new float[MiniBatch * _data.OutputSize];
    }

    public double FlopsPerOperation(string method) => FlopCount.TrainingPerSample(new TNet().LayerSizes.ToArray(), MiniBatch) * 60_000;

    [Benchmark(Baseline = true)]
    public void PlainLoops()
    {
        new Random(++_seed).Shuffle(_order);
        for (int first = 0; first < _order.Length; first += MiniBatch)
        {
            for (int s = 0; s < MiniBatch; s++)
            {
                _data.Input(_order[first + s]).CopyTo(_inputs.AsSpan(s * _data.InputSize));
                _data.Target(_order[first + s]).CopyTo(_targets.AsSpan(s * _data.OutputSize));
            }
            _plain.UpdateMiniBatch(_inputs, _targets, 3f);
        }
    }

    [Benchmark]
    public void OneCore() => Sgd.Train(_net, _data, new SgdOptions { Epochs = 1, MiniBatchSize = MiniBatch, Eta = 3.0, Seed = ++_seed });

    [Benchmark]
    public void AllCores() => Sgd.Train(_net, _data, new SgdOptions { Epochs = 1, MiniBatchSize = MiniBatch, Eta = 3.0, Seed = ++_seed, DegreeOfParallelism = Environment.ProcessorCount });
}
