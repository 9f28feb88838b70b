using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// The optimisers and the regularisation: each step against a scalar transcription of its formula (bit for bit,
/// vector path and scalar tails alike), data parallelism with each, and learning on real digits.
/// </summary>
public class OptimizerTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "sgd", "none" }, new object[] { "sgd", "l2" }, new object[] { "sgd", "l1" },
        new object[] { "momentum", "none" }, new object[] { "momentum", "l2" }, new object[] { "momentum", "l1" },
        new object[] { "nesterov", "none" }, new object[] { "nesterov", "l2" },
        new object[] { "adam", "none" }, new object[] { "adam", "l2" }, new object[] { "adam", "l1" },
    };

    private static Optimizer OptimizerOf(string name) => name switch
    {
        "sgd" => Optimizer.Sgd,
        "momentum" => Optimizer.Momentum(0.9),
        "nesterov" => Optimizer.Nesterov(0.8),
        _ => Optimizer.Adam(0.9, 0.999, 1e-8),
    };

    private static Regularization RegularizationOf(string name) => name switch
    {
        "l2" => Regularization.L2(0.7),
        "l1" => Regularization.L1(0.3),
        _ => Regularization.None,
    };

    /// <summary>Small random data for the 3-5-7-2-4 network.</summary>
    private static Dataset<double> TinyData(int count)
    {
        var random = new Random(11);
        var inputs = new double[count * 3];
        var targets = new double[count * 4];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextDouble() * 2 - 1;
        for (int i = 0; i < targets.Length; i++) targets[i] = random.NextDouble();
        return new Dataset<double>(inputs, 3, targets, 4, new int[count]);
    }

    /// <summary>
    /// The formulas, element by element in plain scalar code (OptimizerStep's documentation gives the same roundings):
    /// ĝ = fma(Σg, 1/m, r) with r = (λ/n)·w (L2), (λ/n)·sign(w) (L1), 0 on biases.
    /// </summary>
    private sealed class ScalarReference(int[] sizes, string optimizer, string regularization, int n)
    {
        private readonly double[] _first = new double[Sizes(sizes)], _second = new double[Sizes(sizes)];
        private long _t;

        private static int Sizes(int[] s) { int c = 0; for (int l = 1; l < s.Length; l++) c += s[l] * (s[l - 1] + 1); return c; }

        private bool[] Weights()
        {
            var weights = new bool[_first.Length];
            int offset = 0;
            for (int l = 1; l < sizes.Length; l++)
            {
                for (int i = 0; i < sizes[l] * sizes[l - 1]; i++) weights[offset + i] = true;
                offset += sizes[l] * (sizes[l - 1] + 1);
            }
            return weights;
        }

        public void Step(double[] p, double[] sum, double eta, int m)
        {
            bool[] isWeight = Weights();
            double lambda = regularization switch { "l2" => 0.7, "l1" => 0.3, _ => 0 } / n;
            _t++;
            for (int i = 0; i < p.Length; i++)
            {
                double w = p[i];
                double r = !isWeight[i] ? 0 : regularization == "l2" ? lambda * w : regularization == "l1" ? lambda * Math.Sign(w) : 0;
                double g = Math.FusedMultiplyAdd(sum[i], 1.0 / m, r);
                switch (optimizer)
                {
                    case "sgd":
                        double kept = !isWeight[i] ? w
                            : regularization == "l2" ? (1 - eta * (0.7 / n)) * w
                            : regularization == "l1" ? Math.FusedMultiplyAdd(Math.Sign(w), -(eta * (0.3 / n)), w) : w;
                        p[i] = Math.FusedMultiplyAdd(sum[i], -(eta / m), kept);
                        break;
                    case "momentum":
                        _first[i] = Math.FusedMultiplyAdd(g, -eta, 0.9 * _first[i]);
                        p[i] = w + _first[i];
                        break;
                    case "nesterov":
                        _first[i] = Math.FusedMultiplyAdd(g, -eta, 0.8 * _first[i]);
                        p[i] = w + Math.FusedMultiplyAdd(0.8, _first[i], -eta * g);
                        break;
                    default:
                        double bc1 = 1 - Math.Pow(0.9, _t), bc2 = 1 - Math.Pow(0.999, _t);
                        _first[i] = Math.FusedMultiplyAdd(0.9, _first[i], (1 - 0.9) * g);
                        _second[i] = Math.FusedMultiplyAdd(0.999, _second[i], (1 - 0.999) * g * g);
                        double denominator = Math.FusedMultiplyAdd(Math.Sqrt(_second[i]), 1 / Math.Sqrt(bc2), 1e-8);
                        p[i] = Math.FusedMultiplyAdd(_first[i] / denominator, -(eta / bc1), w);
                        break;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachStep_IsItsFormula_BitForBit(string optimizer, string regularization)
    {
        Dataset<double> data = TinyData(10);
        int[] order = Enumerable.Range(0, 10).Reverse().ToArray();
        const int m = 3, epochs = 3;   // mini-batches of 3, 3, 3 and 1
        const double eta = 0.05;
        var network = new Net3x5x7x2x4D(5);
        var byFormula = new Net3x5x7x2x4D(5);
        double[] p = byFormula.Parameters.ToArray();

        Sgd.Train(network, data, new SgdOptions
        {
            Epochs = epochs, MiniBatchSize = m, Eta = eta,
            Optimizer = OptimizerOf(optimizer), Regularization = RegularizationOf(regularization), EpochOrder = _ => order,
        });

        var reference = new ScalarReference(Net3x5x7x2x4D.LayerSizes.ToArray(), optimizer, regularization, data.Count);
        var gradient = new double[p.Length];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (int first = 0; first < order.Length; first += m)
            {
                int count = Math.Min(m, order.Length - first);
                var inputs = order.Skip(first).Take(count).SelectMany(s => data.Input(s).ToArray()).ToArray();
                var targets = order.Skip(first).Take(count).SelectMany(s => data.Target(s).ToArray()).ToArray();
                p.CopyTo(byFormula.Parameters);
                Array.Clear(gradient);
                byFormula.Backpropagate(inputs, targets, gradient);
                reference.Step(p, gradient, eta, count);
            }
        }
        Assert.True(p.AsSpan().SequenceEqual(network.Parameters), $"{optimizer} with {regularization}: the runtime differs from the formula");
        Assert.False(p.AsSpan().SequenceEqual(new Net3x5x7x2x4D(5).Parameters), "the steps should move the parameters");
    }

    [Fact]
    public void SgdWithL2_IsNetwork2PysWeightDecay_ToRounding_AndBiasesAreNotDecayed()
    {
        // One step with zero gradient isolates the decay: w ← (1 − ηλ/n)·w exactly, biases unchanged.
        var network = new Net37x19x5D(3);
        double[] before = network.Parameters.ToArray();
        var step = new OptimizerStep<double>(Net37x19x5D.LayerSizes, Optimizer.Sgd, Regularization.L2(5.0), trainingCount: 1000);
        var zero = new double[before.Length];
        step.Apply(network.Parameters, new[] { zero }, step.CreateState(), eta: 0.5, m: 10);
        int weights1 = 19 * 37, biases1 = 19;
        for (int i = 0; i < before.Length; i++)
        {
            bool isBias = (i >= weights1 && i < weights1 + biases1) || i >= weights1 + biases1 + 5 * 19;
            Assert.Equal(isBias ? before[i] : (1 - 0.5 * (5.0 / 1000)) * before[i], network.Parameters[i]);
        }

        // With a gradient: network2.py's unfused (1 − ηλ/n)·w − (η/m)·∇w to rounding.
        var random = new Random(4);
        double[] gradient = before.Select(_ => random.NextDouble() - 0.5).ToArray();
        before.CopyTo(network.Parameters);
        double[] consumed = (double[])gradient.Clone();
        step.Apply(network.Parameters, new[] { consumed }, step.CreateState(), eta: 0.5, m: 10);
        Assert.All(consumed, value => Assert.Equal(0.0, value));   // the step consumes the gradient: the next mini-batch sums into zeros
        for (int i = 0; i < weights1; i++)
        {
            double expected = (1 - 0.5 * (5.0 / 1000)) * before[i] - 0.5 / 10 * gradient[i];
            Assert.True(Math.Abs(expected - network.Parameters[i]) <= 1e-15 * Math.Max(1, Math.Abs(expected)), $"weight {i}: {expected} vs {network.Parameters[i]}");   // a few ulps: network2.py rounds three times, the fused step twice
        }

        // L1 shrinks each weight towards 0 by ηλ/n: w − (ηλ/n)·sign(w).
        before.CopyTo(network.Parameters);
        var l1 = new OptimizerStep<double>(Net37x19x5D.LayerSizes, Optimizer.Sgd, Regularization.L1(2.0), trainingCount: 1000);
        l1.Apply(network.Parameters, new[] { zero }, l1.CreateState(), eta: 0.5, m: 10);
        for (int i = 0; i < weights1; i++) Assert.Equal(before[i] - 0.5 * (2.0 / 1000) * Math.Sign(before[i]), network.Parameters[i]);
        Assert.Equal(before[weights1], network.Parameters[weights1]);
    }

    /// <summary>
    /// The step consumes the gradients it sums (DataParallelEpoch never clears them): cut into slices over two gradients
    /// it gives the uncut step's bits, leaves both gradients zero inside each slice it took and untouched outside it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void StepInSlices_IsTheWholeStep_AndLeavesTheGradientsZeroInItsSlice(string optimizer)
    {
        int count = Net37x19x5D.ParameterCount;
        var random = new Random(6);
        double[] g0 = Enumerable.Range(0, count).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] g1 = Enumerable.Range(0, count).Select(_ => random.NextDouble() - 0.5).ToArray();
        // Plain SGD takes ParameterUpdate's fused step; the others (and SGD with a penalty) OptimizerStep's loops.
        Regularization regularization = optimizer == "sgd" ? Regularization.None : Regularization.L2(1.0);
        var step = new OptimizerStep<double>(Net37x19x5D.LayerSizes, OptimizerOf(optimizer), regularization, trainingCount: 100);

        var whole = new Net37x19x5D(5);
        double[][] wholeGradients = { (double[])g0.Clone(), (double[])g1.Clone() };
        step.Apply(whole.Parameters, wholeGradients, step.CreateState(), eta: 0.01, m: 10);
        Assert.All(wholeGradients.SelectMany(g => g), value => Assert.Equal(0.0, value));

        var sliced = new Net37x19x5D(5);
        double[][] gradients = { (double[])g0.Clone(), (double[])g1.Clone() };
        int[] cuts = { 0, 48, 400, count };
        for (int slice = 0; slice < cuts.Length - 1; slice++)
        {
            step.ApplyToSlice(sliced.Parameters, gradients, step.CreateState(), eta: 0.01, m: 10, cuts[slice], cuts[slice + 1]);
            for (int i = 0; i < count; i++)
            {
                bool taken = i < cuts[slice + 1];
                Assert.Equal(taken ? 0.0 : g0[i], gradients[0][i]);
                Assert.Equal(taken ? 0.0 : g1[i], gradients[1][i]);
            }
        }
        Assert.True(whole.Parameters.SequenceEqual(sliced.Parameters), $"{optimizer}: the step in slices differs from the whole step");
    }

    public static IEnumerable<object[]> Optimizers() => new[] { new object[] { "sgd" }, new object[] { "momentum" }, new object[] { "nesterov" }, new object[] { "adam" } };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void DataParallel_SameSeedAndThreads_SameBits_AndOneThreadIsTheSerialPath(string optimizer)
    {
        Dataset<float> data = TestData.Train.Slice(0, 600);
        var options = new SgdOptions
        {
            Epochs = 2, MiniBatchSize = 10, Eta = optimizer == "adam" ? 0.001 : 0.1, Seed = 3,
            Optimizer = OptimizerOf(optimizer), Regularization = Regularization.L2(1.0),
        };
        float[] Run(int threads)
        {
            var network = new Net784x16x16x10(8);
            Sgd.Train(network, data, options with { DegreeOfParallelism = threads });
            return network.Parameters.ToArray();
        }
        foreach (int threads in new[] { 2, 3 })
        {
            float[] first = Run(threads);
            Assert.True(first.AsSpan().SequenceEqual(Run(threads)), $"{optimizer}, {threads} threads: two runs differ");
        }

        // One thread: the same bits as stepping one network serially through the same shuffle.
        float[] one = Run(1);
        var serial = new Net784x16x16x10(8);
        var step = new OptimizerStep<float>(Net784x16x16x10.LayerSizes, options.Optimizer, options.Regularization, data.Count);
        var state = step.CreateState();
        var order = Enumerable.Range(0, data.Count).ToArray();
        var random = new Random(options.Seed);
        var gradient = new float[Net784x16x16x10.ParameterCount];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            for (int first = 0; first < order.Length; first += 10)
            {
                var inputs = order.Skip(first).Take(10).SelectMany(s => data.Input(s).ToArray()).ToArray();
                var targets = order.Skip(first).Take(10).SelectMany(s => data.Target(s).ToArray()).ToArray();
                Array.Clear(gradient);
                serial.Backpropagate(inputs, targets, gradient);
                step.Apply(serial.Parameters, new[] { gradient }, state, options.Eta, 10);
            }
        }
        Assert.True(serial.Parameters.SequenceEqual(one), $"{optimizer}: one thread differs from the serial steps");
    }

    [Theory]
    [InlineData("sgd", 0.5, 0.90)]          // measured (AVX2 path): 92.1 %
    [InlineData("momentum", 0.05, 0.90)]     // 92.0 %
    [InlineData("nesterov", 0.05, 0.90)]     // 91.9 %
    [InlineData("adam", 0.003, 0.90)]        // 91.4 %
    public void EachOptimizer_LearnsRealDigits_InThreeEpochs(string optimizer, double eta, double bound)
    {
        // 784-30-10, cross-entropy, 8,000 training digits, mini-batch 10, evaluated on the 2,000 test digits.
        var network = new Net784x30x10CE(1);
        Initialization.Apply(network, Initializer.ScaledNormal, seed: 1);   // network2.py's start
        var history = Sgd.Train(network, TestData.Train, new SgdOptions
        {
            Epochs = 3, MiniBatchSize = 10, Eta = eta, Seed = 1, Optimizer = OptimizerOf(optimizer), Regularization = Regularization.L2(1.0),
        }, TestData.Test);
        output.WriteLine($"{optimizer} η {eta}: {string.Join(", ", history)}");
        Assert.True(history[^1].Accuracy >= bound, $"{optimizer}: {history[^1]}");
    }

    [Fact]
    public void BadOptimiserSettings_AreRefused()
    {
        var network = new Net2x2x1(1);
        var xor = Dataset<float>.FromLabels(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 2, new[] { 0, 0, 0, 0 }, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(network, xor, new SgdOptions { Optimizer = Optimizer.Momentum(1.0) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(network, xor, new SgdOptions { Optimizer = Optimizer.Adam(epsilon: 0) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(network, xor, new SgdOptions { Regularization = Regularization.L2(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(network, xor, new SgdOptions { Schedule = LearningRateSchedule.StepDecay(0, 0.5) }));
    }
}
