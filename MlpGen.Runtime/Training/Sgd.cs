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
    /// Threads that compute each mini-batch step together (data parallelism), all on the one network: each takes a
    /// share of the mini-batch's samples into a gradient of its own, then applies the summed update to its slice of the
    /// parameters. The result depends only on the seed and this number: the same pair gives the same bits, and 1 (the
    /// default) is the plain serial step.
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

    /// <summary>Report the total cost on the training data after each epoch (costs a forward pass over it, the one <see cref="MonitorTrainingAccuracy"/> also reads).</summary>
    public bool MonitorTrainingCost { get; init; }

    /// <summary>Report the accuracy on the training data after each epoch (costs a forward pass over it, the one <see cref="MonitorTrainingCost"/> also reads).</summary>
    public bool MonitorTrainingAccuracy { get; init; }

    /// <summary>Report the total cost on the validation data after each epoch.</summary>
    public bool MonitorValidationCost { get; init; }

    /// <summary>Report the total cost on the test data after each epoch, when test data is given (as <see cref="MonitorTrainingCost"/>), read from the forward pass that measures the test accuracy (always reported): no pass of its own.</summary>
    public bool MonitorTestCost { get; init; }

    /// <summary>
    /// Report the accuracy on the validation data after each epoch, when validation data is given (the default).
    /// Early stopping, <see cref="LearningRateSchedule.HalveOnPlateau"/> and the restore of the best epoch's
    /// parameters use it; turning it off turns them off (and is refused with either of the first two).
    /// </summary>
    public bool MonitorValidationAccuracy { get; init; } = true;

    /// <summary>For tests and benchmarks: the order of the training samples in each epoch instead of the seeded shuffle.</summary>
    internal Func<int, int[]>? EpochOrder { get; init; }

    /// <summary>
    /// The setting that needs validation data, by its property name, or null when none does: <see cref="EarlyStoppingPatience"/>
    /// and a schedule that watches the validation accuracy (<see cref="LearningRateSchedule.HalveOnPlateau"/>) follow it,
    /// <see cref="MonitorValidationCost"/> measures on it. <see cref="Sgd.Train"/> refuses such settings without validation data.
    /// </summary>
    public string? SettingNeedingValidation =>
        EarlyStoppingPatience is not null ? nameof(EarlyStoppingPatience)
        : Schedule?.WatchesValidation == true ? nameof(Schedule)
        : MonitorValidationCost ? nameof(MonitorValidationCost)
        : null;

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
        if (!hasValidation && SettingNeedingValidation is { } setting)
            throw new ArgumentException($"{setting} needs validation data: pass it to Sgd.Train (e.g. training.Split(10_000)).", "validation");
        if ((EarlyStoppingPatience is not null || Schedule.WatchesValidation) && !MonitorValidationAccuracy)
            throw new ArgumentException("Early stopping and the HalveOnPlateau schedule watch the validation accuracy: they need MonitorValidationAccuracy.", nameof(MonitorValidationAccuracy));
    }
}

/// <summary>
/// Mini-batch stochastic gradient descent as in network.py and network2.py: each epoch shuffles the training
/// data (seeded), cuts it into mini-batches of m samples (the last may be smaller), and takes one step of the
/// <see cref="SgdOptions.Optimizer"/> per mini-batch at the η its <see cref="SgdOptions.Schedule"/> gives; after each
/// epoch it measures what is monitored (each data set forward once), keeps the parameters of the best epoch by
/// validation accuracy, and stops early when the patience runs out or the schedule ends training.
/// With <see cref="SgdOptions.DegreeOfParallelism"/> above 1, each step is computed by that many threads.
/// </summary>
public static class Sgd
{
    /// <summary>
    /// Trains with the given settings; returns the history, one report per epoch (also sent to <paramref name="progress"/>).
    /// With <paramref name="validation"/> data, the validation accuracy is measured after every epoch, and when
    /// training ends (early or not) the network holds the parameters of the best epoch (<see cref="TrainingHistory.Restored"/>).
    /// <paramref name="epochProgress"/> hears, on the calling thread, after every mini-batch step how far the epoch
    /// has come (for a progress bar); it does not change what is computed. With several threads it hears it once the
    /// calling thread has updated its slice of the parameters, while the other threads may still update theirs: read
    /// the counts it is given, not the network. If it throws, training stops after that step and throws its exception.
    /// </summary>
    public static TrainingHistory Train<T>(
        INetwork<T> network,
        Dataset<T> training,
        SgdOptions options,
        Dataset<T>? test = null,
        IProgress<EpochReport>? progress = null,
        Dataset<T>? validation = null,
        IProgress<EpochProgress>? epochProgress = null,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate<T>(validation is not null);
        training.CheckFits(network, nameof(training));
        test?.CheckFits(network, nameof(test));
        validation?.CheckFits(network, nameof(validation));

        // Allocated before the workers' gradient buffers (DataParallelEpoch), as it always was: an epoch's speed depends
        // by up to ~10 % on where those large arrays land, i.e. on their alignment (the epoch benchmarks show it).
        var order = new int[training.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Random(options.Seed);
        var reports = new List<EpochReport>(options.Epochs);
        var layout = new ParameterLayout(network.LayerSizes.ToArray());
        var monitor = new Monitor<T>(network, layout, options, training, validation, test);
        LearningRateSchedule.State schedule = options.Schedule.Start(options.Eta);
        BestEpoch<T>? best = monitor.WatchesValidation ? new BestEpoch<T>(network) : null;
        var step = new OptimizerStep<T>(network.LayerSizes, options.Optimizer, options.Regularization, training.Count);
        // More threads than samples in a mini-batch would have nothing to do.
        using var epochs = new DataParallelEpoch<T>(network, training, options.MiniBatchSize, Math.Min(options.DegreeOfParallelism, options.MiniBatchSize), step);
        bool stoppedEarly = false;

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            double eta = schedule.EtaOf(epoch);
            int[] epochOrder = order;
            if (options.EpochOrder is { } fixedOrder) epochOrder = fixedOrder(epoch);
            else random.Shuffle(order);
            epochs.Run(epochOrder, eta, epochProgress is null ? null : new SamplesDone(epochProgress, epoch, training.Count), cancellationToken);
            EpochReport report = monitor.Measure(epoch, Stopwatch.GetElapsedTime(start), eta);
            EpochReport.Publish(report, reports, progress);

            if (best is null) continue;
            bool improved = best.Consider(epoch, report.ValidationCorrect!.Value);
            bool outOfPatience = options.EarlyStoppingPatience is { } patience && best.EpochsSinceImprovement >= patience;
            if (outOfPatience || !schedule.Continue(improved))
            {
                stoppedEarly = epoch < options.Epochs - 1;
                break;
            }
        }

        bool restored = best is not null && best.RestoreUnlessLast(reports.Count - 1);
        return new TrainingHistory(reports, best?.Epoch, stoppedEarly, restored);
    }

    /// <summary>Turns the samples trained so far in an epoch into an <see cref="EpochProgress"/>.</summary>
    private sealed class SamplesDone(IProgress<EpochProgress> progress, int epoch, int total) : IProgress<int>
    {
        public void Report(int value) => progress.Report(new EpochProgress(epoch, value, total));
    }

    /// <summary>The epoch of the highest validation accuracy so far (the first, on ties), a copy of its parameters, and the epochs since it.</summary>
    private sealed class BestEpoch<T>(INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _parameters = new T[network.ParameterCount];
        private int _correct = -1;

        public int? Epoch { get; private set; }

        public int EpochsSinceImprovement { get; private set; }

        /// <summary>Takes in the validation accuracy after <paramref name="epoch"/>; true when it is the best so far (its parameters are kept).</summary>
        public bool Consider(int epoch, int correct)
        {
            if (correct <= _correct)
            {
                EpochsSinceImprovement++;
                return false;
            }
            (_correct, Epoch, EpochsSinceImprovement) = (correct, epoch, 0);
            network.Parameters.CopyTo(_parameters);
            return true;
        }

        /// <summary>Gives the network the best epoch's parameters back, unless that epoch is <paramref name="lastEpoch"/> (whose parameters it has); true when it did.</summary>
        public bool RestoreUnlessLast(int lastEpoch)
        {
            if (Epoch is not { } epoch || epoch == lastEpoch) return false;
            _parameters.CopyTo(network.Parameters);
            return true;
        }
    }
}
