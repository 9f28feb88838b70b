using System.Collections;
using System.Collections.Generic;

namespace MlpGen.Training;

/// <summary>
/// What <see cref="Sgd.Train"/> did: one <see cref="EpochReport"/> per epoch trained (the list itself, in
/// order), the best epoch by validation accuracy, whether training stopped early, and whether the
/// parameters were restored to those of the best epoch.
/// </summary>
public sealed class TrainingHistory : IReadOnlyList<EpochReport>
{
    private readonly List<EpochReport> _reports;

    internal TrainingHistory(List<EpochReport> reports, int? bestEpoch, bool stoppedEarly, bool restored)
    {
        _reports = reports;
        (BestEpoch, StoppedEarly, Restored) = (bestEpoch, stoppedEarly, restored);
    }

    /// <summary>The epoch of the highest validation accuracy (the first, on ties); null without validation accuracy.</summary>
    public int? BestEpoch { get; }

    /// <summary>True when early stopping or <see cref="LearningRateSchedule.HalveOnPlateau"/> ended training before <see cref="SgdOptions.Epochs"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>
    /// True when the network's parameters were set back to those after <see cref="BestEpoch"/>, because a later epoch
    /// was worse on the validation data (whether training stopped early or ran all its epochs). False when the last
    /// epoch was the best (its parameters are the network's) or there was no validation data.
    /// </summary>
    public bool Restored { get; }

    /// <summary>The report of <see cref="BestEpoch"/>, if any.</summary>
    public EpochReport? Best => BestEpoch is { } epoch ? _reports[epoch] : null;

    /// <inheritdoc/>
    public EpochReport this[int index] => _reports[index];

    /// <inheritdoc/>
    public int Count => _reports.Count;

    /// <inheritdoc/>
    public IEnumerator<EpochReport> GetEnumerator() => _reports.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
