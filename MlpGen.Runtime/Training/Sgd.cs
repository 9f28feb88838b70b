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

    /// <summary>The learning rate η (the starting one, under a <see cref="Schedule"/>); plain SGD moves the parameters by (η/m)·∇C.</summary>
    public double Eta { get; init; } = 3.0;

    /// <summary>Seed of the shuffle of the training data before each epoch.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Threads that compute each mini-batch step together (data parallelism): each takes a share of the
    /// mini-batch's samples, then applies the whole update to its own replica. The result depends only on the
    /// seed and this number: the same pair gives the same bits, and 1 (the default) is the plain serial step.
    /// <see cref="Environment.ProcessorCount"/> uses every core.
    /// </summary>
    public int DegreeOfParallelism { get; init; } = 1;

    /// <summary>How the mean gradient becomes a step: <see cref="Optimizer.Sgd"/> (the default), momentum, Nesterov or Adam.</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.Sgd;

    /// <summary>A penalty on the weights: <see cref="Regularization.None"/> (the default), L2(λ) or L1(λ), n being the training set's size.</summary>
    public Regularization Regularization { get; init; } = Regularization.None;

    /// <summary>How η changes from epoch to epoch: constant (the default), step decay, or halving on a plateau of the validation accuracy.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Stop when the validation accuracy has not improved for this many epochs (null: never). Needs validation data.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Report the total cost on the training data after each epoch (costs a forward pass over it).</summary>
    public bool MonitorTrainingCost { get; init; }

    /// <summary>Report the accuracy on the training data after each epoch (costs a forward pass over it).</summary>
    public bool MonitorTrainingAccuracy { get; init; }

    /// <summary>Report the total cost on the validation data after each epoch.</summary>
    public bool MonitorValidationCost { get; init; }

    /// <summary>Report the total cost on the test data after each epoch, when test data is given (as <see cref="MonitorTrainingCost"/>; the test accuracy is always reported).</summary>
    public bool MonitorTestCost { get; init; }

    /// <summary>
    /// Report the accuracy on the validation data after each epoch, when validation data is given (the default).
    /// Early stopping, <see cref="LearningRateSchedule.HalveOnPlateau"/> and the restore of the best epoch's
    /// parameters use it; turning it off turns them off (and is refused with either of the first two).
    /// </summary>
    public bool MonitorValidationAccuracy { get; init; } = true;

    /// <summary>For tests: the order of the training samples in each epoch instead of the seeded shuffle.</summary>
    internal Func<int, int[]>? EpochOrder { get; init; }

    internal void Validate<T>(bool hasValidation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MiniBatchSize, nameof(MiniBatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DegreeOfParallelism, nameof(DegreeOfParallelism));
        LearningRate.Check<T>(Eta, nameof(Eta));
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        ArgumentNullException.ThrowIfNull(Regularization, nameof(Regularization));
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        Optimizer.Validate();
        Regularization.Validate();
        Schedule.Validate();
        if (EarlyStoppingPatience is { } patience) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience, nameof(EarlyStoppingPatience));
        bool needsValidation = EarlyStoppingPatience is not null || Schedule is LearningRateSchedule.HalveOnPlateauSchedule;
        if (needsValidation && !hasValidation)
            throw new ArgumentException("Early stopping and the HalveOnPlateau schedule watch the validation accuracy: pass validation data (e.g. training.Split(10_000)).", "validation");
        if (needsValidation && !MonitorValidationAccuracy)
            throw new ArgumentException("Early stopping and the HalveOnPlateau schedule need MonitorValidationAccuracy.", nameof(MonitorValidationAccuracy));
        if ((MonitorValidationCost) && !hasValidation)
            throw new ArgumentException("MonitorValidationCost needs validation data.", "validation");
    }
}

/// <summary>
/// Mini-batch stochastic gradient descent as in network.py and network2.py: each epoch shuffles the training
/// data (seeded), cuts it into mini-batches of m samples (the last may be smaller), and takes one step of the
/// <see cref="SgdOptions.Optimizer"/> per mini-batch; after each epoch it evaluates the test data (when given),
/// the validation data and the monitored values, and applies the schedule and early stopping.
/// With <see cref="SgdOptions.DegreeOfParallelism"/> above 1, each step is computed by that many threads.
/// </summary>
public static class Sgd
{
    /// <summary>
    /// Trains with the given settings; returns the history, one report per epoch (also sent to <paramref name="progress"/>).
    /// With <paramref name="validation"/> data, the validation accuracy is measured after every epoch, and when
    /// training ends (early or not) the network holds the parameters of the best epoch (<see cref="TrainingHistory.Restored"/>).
    /// <paramref name="epochProgress"/> hears, on the calling thread, after every mini-batch step how far the epoch
    /// has come (for a progress bar); it does not change what is computed.
    /// </summary>
    public static TrainingHistory Train<T>(
        INetwork<T> network,
        Dataset<T> training,
        SgdOptions options,
        Dataset<T>? test = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default,
        Dataset<T>? validation = null,
        IProgress<EpochProgress>? epochProgress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate<T>(validation is not null);
        CheckShapes(network, training, test);
        if (validation is not null) CheckShape(network, validation, nameof(validation));

        int m = options.MiniBatchSize;
        var order = new int[training.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(options.Seed);
        var reports = new List<EpochReport>(options.Epochs);
        var step = new OptimizerStep<T>(network.LayerSizes, options.Optimizer, options.Regularization, training.Count);
        var monitor = new Monitor<T>(network, options.Regularization, training.Count);
        // More threads than samples in a mini-batch would have nothing to do.
        using var epochs = new DataParallelEpoch<T>(network, training, m, Math.Min(options.DegreeOfParallelism, m), step);

        bool watch = validation is not null && options.MonitorValidationAccuracy;
        var plateau = options.Schedule as LearningRateSchedule.HalveOnPlateauSchedule;
        double eta = options.Eta;
        int bestCorrect = -1, sinceImprovement = 0, sinceChange = 0, halvings = 0;
        int? bestEpoch = null;
        T[]? bestParameters = watch ? new T[network.ParameterCount] : null;
        bool stoppedEarly = false;

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            double epochEta = options.Schedule is LearningRateSchedule.StepDecaySchedule decay ? decay.EtaAt(options.Eta, epoch) : eta;
            int[] epochOrder = order;
            if (options.EpochOrder is { } fixedOrder) epochOrder = fixedOrder(epoch);
            else random.Shuffle(order);
            epochs.Run(epochOrder, epochEta, cancellationToken, epochProgress is null ? null : new SamplesDone(epochProgress, epoch, training.Count));
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);

            (double? trainingCost, int? trainingCorrect) = monitor.Measure(training, options.MonitorTrainingCost, options.MonitorTrainingAccuracy);
            (double? validationCost, int? validationCorrect) = validation is null ? (null, null) : monitor.Measure(validation, options.MonitorValidationCost, watch);
            double? testCost = test is null ? null : monitor.Measure(test, options.MonitorTestCost, accuracy: false).Cost;
            EpochReport report = EpochReport.Create(epoch, elapsed, network, test) with
            {
                Eta = epochEta,
                TestCost = testCost,
                TrainingCost = trainingCost,
                TrainingCorrect = trainingCorrect,
                TrainingTotal = trainingCorrect is null ? null : training.Count,
                ValidationCost = validationCost,
                ValidationCorrect = validationCorrect,
                ValidationTotal = validationCorrect is null ? null : validation!.Count,
            };
            EpochReport.Publish(report, reports, progress);

            if (!watch) continue;
            if (validationCorrect!.Value > bestCorrect)
            {
                (bestCorrect, bestEpoch, sinceImprovement, sinceChange) = (validationCorrect.Value, epoch, 0, 0);
                network.Parameters.CopyTo(bestParameters);
                continue;
            }
            sinceImprovement++;
            sinceChange++;
            if (options.EarlyStoppingPatience is { } patience && sinceImprovement >= patience)
            {
                stoppedEarly = epoch < options.Epochs - 1;
                break;
            }
            if (plateau is not null && sinceChange >= plateau.Patience)
            {
                sinceChange = 0;
                if (++halvings >= plateau.MaxHalvings)
                {
                    stoppedEarly = epoch < options.Epochs - 1;
                    break;
                }
                eta /= 2;
            }
        }

        bool restored = false;
        if (bestEpoch is { } best && best != reports.Count - 1)
        {
            bestParameters.CopyTo(network.Parameters);
            restored = true;
        }
        return new TrainingHistory(reports, bestEpoch, stoppedEarly, restored);
    }

    /// <summary>Turns the samples trained so far in an epoch into an <see cref="EpochProgress"/>.</summary>
    private sealed class SamplesDone(IProgress<EpochProgress> progress, int epoch, int total) : IProgress<int>
    {
        public void Report(int value) => progress.Report(new EpochProgress(epoch, value, total));
    }

    /// <summary>Throws unless the training and test data fit the network's input and output sizes.</summary>
    internal static void CheckShapes<T>(INetwork<T> network, Dataset<T> training, Dataset<T>? test)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShape(network, training, nameof(training));
        if (test is not null) CheckShape(network, test, nameof(test));
    }

    internal static void CheckShape<T>(INetwork<T> network, Dataset<T> data, string parameter)
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
