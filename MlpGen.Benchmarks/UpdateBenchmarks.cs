using System;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MlpGen.Data;
using MlpGen.Training;

namespace MlpGen.Benchmarks;

/// <summary>
/// One optimiser step on the 79,510 float parameters of 784-100-10 (one gradient, mini-batch 10, no
/// regularisation): the runtime's single vectorised pass (OptimizerStep, Vector256) against the same formulas
/// written with System.Numerics.Tensors' TensorPrimitives (one call per operation, so several passes). Each step
/// starts from the same gradient (copied in, in both forms) and leaves it zero for the next mini-batch, as training
/// needs: the runtime's step consumes the gradient as it reads it, the TensorPrimitives form clears it afterwards.
/// </summary>
public class UpdateStep
{
    private static readonly int[] Sizes = { 784, 100, 10 };
    private static readonly int Count = checked((int)ParameterLayout.CountOf(Sizes));   // 79,510
    private float[] _p = null!, _g = null!, _gradient = null!, _m = null!, _v = null!, _scratch = null!, _scratch2 = null!;
    private float[][] _gradients = null!;
    private OptimizerStep<float> _sgd = null!, _momentum = null!, _adam = null!;
    private OptimizerStep<float>.State _sgdState = null!, _momentumState = null!, _adamState = null!;
    private int _t;

    [GlobalSetup]
    public void SetUp()
    {
        var random = new Random(1);
        _p = new float[Count];
        _g = new float[Count];
        for (int i = 0; i < Count; i++) (_p[i], _g[i]) = ((float)random.NextDouble() - 0.5f, ((float)random.NextDouble() - 0.5f) * 1e-3f);
        _gradient = (float[])_g.Clone();
        (_m, _v, _scratch, _scratch2) = (new float[Count], new float[Count], new float[Count], new float[Count]);
        _gradients = new[] { _g };
        _sgd = new OptimizerStep<float>(Sizes, Optimizer.Sgd, Regularization.None, 50_000);
        _momentum = new OptimizerStep<float>(Sizes, Optimizer.Momentum(0.9), Regularization.None, 50_000);
        _adam = new OptimizerStep<float>(Sizes, Optimizer.Adam(), Regularization.None, 50_000);
        (_sgdState, _momentumState, _adamState) = (_sgd.CreateState(), _momentum.CreateState(), _adam.CreateState());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sgd")]
    public void SgdOwnLoop()
    {
        _gradient.CopyTo(_g, 0);
        _sgd.Apply(_p, _gradients, _sgdState, 1e-6, 10);
    }

    [Benchmark, BenchmarkCategory("Sgd")]
    public void SgdTensorPrimitives()
    {
        _gradient.CopyTo(_g, 0);
        TensorPrimitives.FusedMultiplyAdd(_g, -1e-7f, _p, _p);
        Array.Clear(_g);
    }

    [Benchmark, BenchmarkCategory("Momentum")]
    public void MomentumOwnLoop()
    {
        _gradient.CopyTo(_g, 0);
        _momentum.Apply(_p, _gradients, _momentumState, 1e-6, 10);
    }

    [Benchmark, BenchmarkCategory("Momentum")]
    public void MomentumTensorPrimitives()
    {
        _gradient.CopyTo(_g, 0);
        TensorPrimitives.Multiply(_g, 0.1f, _scratch);                          // ĝ = Σg/m
        TensorPrimitives.Multiply(_m, 0.9f, _m);                                // μ·v
        TensorPrimitives.FusedMultiplyAdd(_scratch, -1e-6f, _m, _m);           // v = μ·v − η·ĝ
        TensorPrimitives.Add(_p, _m, _p);                                       // p += v
        Array.Clear(_g);
    }

    [Benchmark, BenchmarkCategory("Adam")]
    public void AdamOwnLoop()
    {
        _gradient.CopyTo(_g, 0);
        _adam.Apply(_p, _gradients, _adamState, 1e-6, 10);
    }

    [Benchmark, BenchmarkCategory("Adam")]
    public void AdamTensorPrimitives()
    {
        _gradient.CopyTo(_g, 0);
        _t++;
        float bc1 = 1 - MathF.Pow(0.9f, _t), bc2 = 1 - MathF.Pow(0.999f, _t);
        TensorPrimitives.Multiply(_g, 0.1f, _scratch);                          // ĝ
        TensorPrimitives.Multiply(_scratch, 0.1f, _scratch2);                   // (1 − β1)·ĝ
        TensorPrimitives.FusedMultiplyAdd(_m, 0.9f, _scratch2, _m);             // m = β1·m + (1 − β1)·ĝ
        TensorPrimitives.Multiply(_scratch, _scratch, _scratch2);               // ĝ²
        TensorPrimitives.Multiply(_scratch2, 0.001f, _scratch2);                // (1 − β2)·ĝ²
        TensorPrimitives.FusedMultiplyAdd(_v, 0.999f, _scratch2, _v);           // v = β2·v + (1 − β2)·ĝ²
        TensorPrimitives.Sqrt(_v, _scratch);                                    // √v
        TensorPrimitives.Multiply(_scratch, 1 / MathF.Sqrt(bc2), _scratch);     // √v/√bc2
        TensorPrimitives.Add(_scratch, 1e-8f, _scratch);                        // + ε
        TensorPrimitives.Divide(_m, _scratch, _scratch);                        // m / denominator
        TensorPrimitives.FusedMultiplyAdd(_scratch, -1e-6f / bc1, _p, _p);      // p −= (η/bc1)·…
        Array.Clear(_g);
    }
}

/// <summary>
/// One epoch of SGD, 784-100-10 on one core, over the 60,000 Fashion-MNIST training images, with each
/// optimiser: what the optimiser costs on top of the plain step (the target: at most 15 %).
/// </summary>
[WarmupCount(2)]
[IterationCount(9)]
[InvocationCount(1, 1)]
public class UpdateEpoch
{
    private Net784x100x10 _net = null!;
    private Dataset<float> _data = null!;
    private int _seed;

    [Params(10, 100)]
    public int MiniBatch { get; set; }

    [GlobalSetup]
    public void SetUp()
    {
        _net = new Net784x100x10(1);
        _data = FashionMnist.Train;
    }

    private void Run(Optimizer optimizer, double eta, Regularization? regularization = null) =>
        Sgd.Train(_net, _data, new SgdOptions { Epochs = 1, MiniBatchSize = MiniBatch, Eta = eta, Seed = ++_seed, Optimizer = optimizer, Regularization = regularization ?? Regularization.None });

    [Benchmark(Baseline = true)]
    public void PlainSgd() => Run(Optimizer.Sgd, 0.1);

    [Benchmark]
    public void Momentum() => Run(Optimizer.Momentum(0.9), 0.01);

    [Benchmark]
    public void Nesterov() => Run(Optimizer.Nesterov(0.9), 0.01);

    [Benchmark]
    public void Adam() => Run(Optimizer.Adam(), 0.0001);

    [Benchmark]
    public void SgdWithL2() => Run(Optimizer.Sgd, 0.1, Regularization.L2(5.0));
}

/// <summary>
/// The modern recipe against network.py's at the same mini-batch size (32), one epoch of 784-100-10 on one
/// core over the 60,000 Fashion-MNIST training images: sigmoid + quadratic + SGD (the baseline), ReLU +
/// softmax + log-likelihood with SGD (what the new kernels cost), and with Adam (what the optimiser adds).
/// </summary>
[WarmupCount(2)]
[IterationCount(9)]
[InvocationCount(1, 1)]
public class RecipeEpoch
{
    private const int MiniBatch = 32;
    private Net784x100x10 _sigmoid = null!;
    private Net784x100x10ReLUSoftmax _relu = null!;
    private Dataset<float> _data = null!;
    private int _seed;

    [GlobalSetup]
    public void SetUp()
    {
        _sigmoid = new Net784x100x10(1);
        _relu = new Net784x100x10ReLUSoftmax(1);
        _data = FashionMnist.Train;
    }

    private void Run<TNet>(TNet network, Optimizer optimizer, double eta) where TNet : INetwork<float> =>
        Sgd.Train(network, _data, new SgdOptions { Epochs = 1, MiniBatchSize = MiniBatch, Eta = eta, Seed = ++_seed, Optimizer = optimizer });

    [Benchmark(Baseline = true)]
    public void SigmoidQuadraticSgd() => Run(_sigmoid, Optimizer.Sgd, 3.0);

    [Benchmark]
    public void ReLUSoftmaxSgd() => Run(_relu, Optimizer.Sgd, 0.1);

    [Benchmark]
    public void ReLUSoftmaxAdam() => Run(_relu, Optimizer.Adam(), 0.001);
}
