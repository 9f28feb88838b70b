using System;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// Data-parallel SGD (<see cref="SgdOptions.DegreeOfParallelism"/>): one thread is the serial step bit for
/// bit, the same seed and thread count give the same bits, and more threads learn as well.
/// </summary>
public class ParallelTrainingTests(ITestOutputHelper output)
{
    /// <summary>network.py's loop written out by hand on the generated TrainMiniBatch: the serial path.</summary>
    private static void SerialByHand<T>(INetwork<T> network, Dataset<T> data, int epochs, int miniBatch, double eta, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        var random = new Random(seed);
        var inputs = new T[miniBatch * data.InputSize];
        var targets = new T[miniBatch * data.OutputSize];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (int first = 0; first < order.Length; first += miniBatch)
            {
                int count = Math.Min(miniBatch, order.Length - first);
                for (int s = 0; s < count; s++)
                {
                    data.Input(order[first + s]).CopyTo(inputs.AsSpan(s * data.InputSize));
                    data.Target(order[first + s]).CopyTo(targets.AsSpan(s * data.OutputSize));
                }
                network.TrainMiniBatch(inputs.AsSpan(0, count * data.InputSize), targets.AsSpan(0, count * data.OutputSize), T.CreateChecked(eta));
            }
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(7)]     // the last mini-batch of 1,995 samples is smaller
    public void OneThread_EqualsTheSerialTrainMiniBatchLoop_BitForBit(int miniBatch)
    {
        Dataset<float> data = TestData.Train.Slice(0, 1995);
        var serial = new Net784x16x16x10(2);
        SerialByHand(serial, data, epochs: 2, miniBatch, eta: 3.0, seed: 5);
        var parallel = new Net784x16x16x10(2);
        Sgd.Train(parallel, data, new SgdOptions { Epochs = 2, MiniBatchSize = miniBatch, Eta = 3.0, Seed = 5, DegreeOfParallelism = 1 });
        Assert.True(serial.Parameters.SequenceEqual(parallel.Parameters), "one-thread SGD differs from the serial TrainMiniBatch loop");
    }

    [Fact]
    public void OneThread_Double_EqualsTheSerialLoop_BitForBit()
    {
        Dataset<double> data = TestData.TrainDouble.Slice(0, 1000);
        var serial = new Net784x30x10D(2);
        SerialByHand(serial, data, epochs: 1, miniBatch: 10, eta: 3.0, seed: 5);
        var parallel = new Net784x30x10D(2);
        Sgd.Train(parallel, data, new SgdOptions { Epochs = 1, MiniBatchSize = 10, Eta = 3.0, Seed = 5 });
        Assert.True(serial.Parameters.SequenceEqual(parallel.Parameters), "one-thread SGD (double) differs from the serial loop");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SameSeedAndThreadCount_GiveTheSameBits_EvenWithMoreThreadsThanCores(int threads)
    {
        float[] Run()
        {
            var network = new Net784x16x16x10(3);
            Sgd.Train(network, TestData.Train.Slice(0, 2000), new SgdOptions { Epochs = 2, Seed = 4, DegreeOfParallelism = threads });
            return network.Parameters.ToArray();
        }
        float[] first = Run();
        for (int run = 0; run < 3; run++) Assert.True(first.AsSpan().SequenceEqual(Run()), $"{threads} threads: run {run + 2} differs from run 1");
    }

    /// <summary>
    /// Each of P workers updates one slice of the shared parameters: the result is, bit for bit,
    /// the uncut step of every optimiser (with L2 regularisation, which treats weights and biases apart) on the P shares'
    /// gradients summed in worker order, computed here by hand.
    /// </summary>
    [Theory]
    [InlineData("sgd", 2)]
    [InlineData("adam", 2)]
    [InlineData("adam", 3)]
    [InlineData("nesterov", 3)]
    public void Workers_SplitTheUpdate_AndGiveTheUncutStepsBits(string optimizer, int threads)
    {
        Dataset<float> data = TestData.Train.Slice(0, 300);
        const int miniBatch = 32;   // 9 mini-batches of 32, then one of 12
        Optimizer rule = optimizer switch { "sgd" => Optimizer.Sgd, "adam" => Optimizer.Adam(), _ => Optimizer.Nesterov(0.9) };
        double eta = optimizer == "sgd" ? 0.1 : 0.001;
        int[] order = Enumerable.Range(0, data.Count).Reverse().ToArray();
        var parallel = new Net784x30x10(3);
        Sgd.Train(parallel, data, new SgdOptions
        {
            Epochs = 2, MiniBatchSize = miniBatch, Eta = eta, Optimizer = rule, Regularization = Regularization.L2(1.0),
            DegreeOfParallelism = threads, EpochOrder = _ => order,
        });

        var byHand = new Net784x30x10(3);
        var step = new OptimizerStep<float>(Net784x30x10.LayerSizes, rule, Regularization.L2(1.0), data.Count);
        OptimizerStep<float>.State state = step.CreateState();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            for (int first = 0; first < order.Length; first += miniBatch)
            {
                int count = Math.Min(miniBatch, order.Length - first);
                var gradients = new float[threads][];
                for (int worker = 0; worker < threads; worker++)
                {
                    gradients[worker] = new float[Net784x30x10.ParameterCount];
                    int[] share = order.Skip(first + count * worker / threads).Take(count * (worker + 1) / threads - count * worker / threads).ToArray();
                    if (share.Length == 0) continue;
                    byHand.Backpropagate(share.SelectMany(s => data.Input(s).ToArray()).ToArray(), share.SelectMany(s => data.Target(s).ToArray()).ToArray(), gradients[worker]);
                }
                step.Apply(byHand.Parameters, gradients, state, eta, count);
            }
        }
        Assert.True(byHand.Parameters.SequenceEqual(parallel.Parameters), $"{optimizer} on {threads} threads differs from the uncut step");
    }

    [Fact]
    public void TwoThreads_LearnAsWellAsOne_AndStayCloseToIt()
    {
        Dataset<float> train = TestData.Train, test = TestData.Test;
        var one = new Net784x30x10(1);
        var two = new Net784x30x10(1);
        var reportsOne = Sgd.Train(one, train, new SgdOptions { Epochs = 3, Seed = 1 }, test);
        var reportsTwo = Sgd.Train(two, train, new SgdOptions { Epochs = 3, Seed = 1, DegreeOfParallelism = 2 }, test);
        output.WriteLine($"1 thread: {string.Join(", ", reportsOne)}; 2 threads: {string.Join(", ", reportsTwo)}");

        // The same mathematics; only the order of the gradient sums differs, so the parameters stay close.
        double largest = 0;
        for (int i = 0; i < one.Parameters.Length; i++) largest = Math.Max(largest, Math.Abs(one.Parameters[i] - two.Parameters[i]));
        output.WriteLine($"largest parameter difference after 3 epochs: {largest:E2}");
        Assert.False(one.Parameters.SequenceEqual(two.Parameters), "two threads should sum in another order");
        Assert.True(Math.Abs(reportsOne[^1].Correct!.Value - reportsTwo[^1].Correct!.Value) <= test.Count / 50,
            $"accuracy with 1 thread {reportsOne[^1]}, with 2 {reportsTwo[^1]}");
        Assert.True(reportsTwo[^1].Accuracy >= 0.85, $"2 threads: {reportsTwo[^1]}");
    }

    [Fact]
    public void MoreThreadsThanSamplesInAMiniBatch_AndBadCounts()
    {
        var network = new Net2x2x1(1);
        var xor = Dataset<float>.FromLabels(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 2, new[] { 0, 0, 0, 0 }, 1);
        Sgd.Train(network, xor, new SgdOptions { Epochs = 2, MiniBatchSize = 2, DegreeOfParallelism = 8 });
        Assert.True(network.Parameters.ToArray().All(float.IsFinite));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(network, xor, new SgdOptions { DegreeOfParallelism = 0 }));
    }
}
