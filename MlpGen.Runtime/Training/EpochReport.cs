using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MlpGen.Training;

/// <summary>What one epoch of training reached. The monitored values (network2.py's monitor_* flags) are null unless asked for.</summary>
/// <param name="Epoch">The epoch's number, from 0.</param>
/// <param name="Correct">Test samples classified correctly after the epoch, when a test set was given.</param>
/// <param name="Total">Test samples, when a test set was given.</param>
/// <param name="Elapsed">Time the epoch's training took (evaluation not included).</param>
public sealed record EpochReport(int Epoch, int? Correct, int? Total, TimeSpan Elapsed)
{
    /// <summary>The fraction of test samples classified correctly, when a test set was given.</summary>
    public double? Accuracy => Correct is { } c && Total is { } t && t > 0 ? (double)c / t : null;

    /// <summary>The learning rate η the epoch trained with (after the schedule).</summary>
    public double Eta { get; init; }

    /// <summary>network2.py's total_cost on the training data: the mean per-sample cost plus the regularisation term; when <see cref="SgdOptions.MonitorTrainingCost"/>.</summary>
    public double? TrainingCost { get; init; }

    /// <summary>The total cost on the test data (as <see cref="TrainingCost"/>); when <see cref="SgdOptions.MonitorTestCost"/> and a test set was given.</summary>
    public double? TestCost { get; init; }

    /// <summary>Training samples classified correctly; when <see cref="SgdOptions.MonitorTrainingAccuracy"/>.</summary>
    public int? TrainingCorrect { get; init; }

    /// <summary>Training samples, when <see cref="TrainingCorrect"/> is.</summary>
    public int? TrainingTotal { get; init; }

    /// <summary>The total cost on the validation data (as <see cref="TrainingCost"/>); when <see cref="SgdOptions.MonitorValidationCost"/>.</summary>
    public double? ValidationCost { get; init; }

    /// <summary>Validation samples classified correctly; whenever validation data is given (unless <see cref="SgdOptions.MonitorValidationAccuracy"/> is off).</summary>
    public int? ValidationCorrect { get; init; }

    /// <summary>Validation samples, when <see cref="ValidationCorrect"/> is.</summary>
    public int? ValidationTotal { get; init; }

    /// <summary>The fraction of training samples classified correctly, when monitored.</summary>
    public double? TrainingAccuracy => Fraction(TrainingCorrect, TrainingTotal);

    /// <summary>The fraction of validation samples classified correctly, when monitored.</summary>
    public double? ValidationAccuracy => Fraction(ValidationCorrect, ValidationTotal);

    private static double? Fraction(int? correct, int? total) => correct is { } c && total is { } t && t > 0 ? (double)c / t : null;

    /// <summary>The line network.py prints: <c>Epoch 0 : 9132 / 10000</c>, or <c>Epoch 0 complete</c> without a test set.</summary>
    public override string ToString() => Correct is { } c ? $"Epoch {Epoch} : {c} / {Total}" : $"Epoch {Epoch} complete";

    /// <summary>
    /// Every value of the epoch on one line, for programs that print them, e.g.
    /// <c>Epoch 3 : η 0.5; training cost 0.4123, accuracy 7612 / 8000; validation cost 0.5321, accuracy 1805 / 2000; test 1798 / 2000; 812 ms</c>
    /// (only the values that were monitored; with the test cost, <c>test cost 0.5417, accuracy 1798 / 2000</c>).
    /// </summary>
    public string Describe()
    {
        var line = new StringBuilder(FormattableString.Invariant($"Epoch {Epoch} : η {Eta:G6}"));
        Append(line, "training", TrainingCost, TrainingCorrect, TrainingTotal);
        Append(line, "validation", ValidationCost, ValidationCorrect, ValidationTotal);
        if (TestCost is not null) Append(line, "test", TestCost, Correct, Total);
        else if (Correct is { } c) line.Append(CultureInfo.InvariantCulture, $"; test {c} / {Total}");
        line.Append(CultureInfo.InvariantCulture, $"; {Elapsed.TotalMilliseconds:F0} ms");
        return line.ToString();
    }

    private static void Append(StringBuilder line, string set, double? cost, int? correct, int? total)
    {
        if (cost is null && correct is null) return;
        line.Append("; ").Append(set);
        if (cost is { } value) line.Append(CultureInfo.InvariantCulture, $" cost {value:G6}");
        if (correct is { } c) line.Append(cost is null ? "" : ",").Append(CultureInfo.InvariantCulture, $" accuracy {c} / {total}");
    }

    /// <summary>The report of an epoch trained at <paramref name="eta"/>, with the test accuracy when the test data was evaluated; the monitored values are added with <c>with</c>.</summary>
    internal static EpochReport Of(int epoch, TimeSpan elapsed, double eta, EvaluationResult? test) =>
        new(epoch, test?.Correct, test?.Count, elapsed) { Eta = eta };

    /// <summary>Records the report and sends it to <paramref name="progress"/>.</summary>
    internal static EpochReport Publish(EpochReport report, List<EpochReport> reports, IProgress<EpochReport>? progress)
    {
        reports.Add(report);
        progress?.Report(report);
        return report;
    }
}
