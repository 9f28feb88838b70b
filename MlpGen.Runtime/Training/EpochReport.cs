using System;

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
}
