using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics;
using System.Threading;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>Settings of stochastic gradient descent.</summary>
public sealed record SgdOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Samples per gradient step, m.</summary>
    public int MiniBatchSize { get; init; } = 10;

    /// <summary>The learning rate η; each step moves the parameters by (η/m)·∇C.</summary>
    public double Eta { get; init; } = 3.0;

    /// <summary>Seed of the shuffle of the training data before each epoch.</summary>
    public int Seed { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MiniBatchSize, nameof(MiniBatchSize));
        if (!(Eta > 0) || double.IsInfinity(Eta)) throw new ArgumentOutOfRangeException(nameof(Eta), Eta, "The learning rate must be a positive number.");
    }
}

/// <summary>
/// Mini-batch stochastic gradient descent as in network.py: each epoch shuffles the training data
/// (seeded), cuts it into mini-batches of m samples (the last may be smaller), and takes one step
/// w ← w − (η/m)·∇w per mini-batch; after each epoch it evaluates the test data, when given.
/// </summary>
public static class Sgd
{
    /// <summary>Trains with the given settings; returns one report per epoch (also sent to <paramref name="progress"/>).</summary>
    public static IReadOnlyList<EpochReport> Train<T>(
        INetwork<T> network,
        Dataset<T> training,
        SgdOptions options,
        Dataset<T>? test = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options.Validate();
        CheckShapes(network, training, test);

        int inputSize = network.InputSize, outputSize = network.OutputSize, m = options.MiniBatchSize;
        var order = new int[training.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(options.Seed);
        // A mini-batch is gathered into these buffers, allocated once for the whole run.
        var inputs = new T[m * inputSize];
        var targets = new T[m * outputSize];
        T eta = T.CreateChecked(options.Eta);
        var reports = new List<EpochReport>(options.Epochs);

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            random.Shuffle(order);
            for (int first = 0; first < order.Length; first += m)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(m, order.Length - first);
                for (int s = 0; s < count; s++)
                {
                    training.Input(order[first + s]).CopyTo(inputs.AsSpan(s * inputSize, inputSize));
                    training.Target(order[first + s]).CopyTo(targets.AsSpan(s * outputSize, outputSize));
                }
                network.TrainMiniBatch(inputs.AsSpan(0, count * inputSize), targets.AsSpan(0, count * outputSize), eta);
            }
            EpochReport.Publish(epoch, Stopwatch.GetElapsedTime(start), network, test, reports, progress);
        }
        return reports;
    }

    /// <summary>Throws unless the training and test data fit the network's input and output sizes.</summary>
    internal static void CheckShapes<T>(INetwork<T> network, Dataset<T> training, Dataset<T>? test)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(network, training, nameof(training));
        if (test is not null) CheckShape(network, test, nameof(test));
    }

    private static void CheckShape<T>(INetwork<T> network, Dataset<T> data, string parameter)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (data.InputSize != network.InputSize || data.OutputSize != network.OutputSize)
        {
            throw new ArgumentException(
                $"The data has {data.InputSize} inputs and {data.OutputSize} outputs per sample; the network {string.Join("-", network.LayerSizes.ToArray())} needs {network.InputSize} and {network.OutputSize}.",
                parameter);
        }
    }
}
