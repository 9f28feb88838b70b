using System;
using System.Collections.Generic;
using System.Numerics;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>What one epoch of training reached.</summary>
/// <param name="Epoch">The epoch's number, from 0.</param>
/// <param name="Correct">Test samples classified correctly after the epoch, when a test set was given.</param>
/// <param name="Total">Test samples, when a test set was given.</param>
/// <param name="Elapsed">Time the epoch's training took (evaluation not included).</param>
public sealed record EpochReport(int Epoch, int? Correct, int? Total, TimeSpan Elapsed)
{
    /// <summary>The fraction of test samples classified correctly, when a test set was given.</summary>
    public double? Accuracy => Correct is { } c && Total is { } t && t > 0 ? (double)c / t : null;

    /// <summary>The line network.py prints: <c>Epoch 0 : 9132 / 10000</c>, or <c>Epoch 0 complete</c> without a test set.</summary>
    public override string ToString() => Correct is { } c ? $"Epoch {Epoch} : {c} / {Total}" : $"Epoch {Epoch} complete";

    /// <summary>Evaluates the test data (when given) after an epoch, records the report and sends it to <paramref name="progress"/>.</summary>
    internal static EpochReport Publish<T>(int epoch, TimeSpan elapsed, INetwork<T> network, Dataset<T>? test, List<EpochReport> reports, IProgress<EpochReport>? progress)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var report = test is null
            ? new EpochReport(epoch, null, null, elapsed)
            : new EpochReport(epoch, Evaluation.CountCorrect(network, test), test.Count, elapsed);
        reports.Add(report);
        progress?.Report(report);
        return report;
    }
}
