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

    /// <summary>
    /// Threads that compute each mini-batch step together (data parallelism): each takes a share of the
    /// mini-batch's samples, then a share of the parameter update. The result depends only on the seed and
    /// this number: the same pair gives the same bits, and 1 (the default) is the plain serial step.
    /// <see cref="Environment.ProcessorCount"/> uses every core.
    /// </summary>
    public int DegreeOfParallelism { get; init; } = 1;

    internal void Validate<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MiniBatchSize, nameof(MiniBatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DegreeOfParallelism, nameof(DegreeOfParallelism));
        LearningRate.Check<T>(Eta, nameof(Eta));
    }
}

/// <summary>
/// Mini-batch stochastic gradient descent as in network.py: each epoch shuffles the training data
/// (seeded), cuts it into mini-batches of m samples (the last may be smaller), and takes one step
/// w ← w − (η/m)·∇w per mini-batch; after each epoch it evaluates the test data, when given.
/// With <see cref="SgdOptions.DegreeOfParallelism"/> above 1, each step is computed by that many threads.
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
        options.Validate<T>();
        CheckShapes(network, training, test);

        int m = options.MiniBatchSize;
        var order = new int[training.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(options.Seed);
        T eta = T.CreateChecked(options.Eta);
        var reports = new List<EpochReport>(options.Epochs);
        // More threads than samples in a mini-batch would have nothing to do.
        using var epochs = new DataParallelEpoch<T>(network, training, m, Math.Min(options.DegreeOfParallelism, m));

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            random.Shuffle(order);
            epochs.Run(order, eta, cancellationToken);
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
