using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using MlpGen.Training;

namespace MlpGen.Reporting;

/// <summary>
/// A training history as CSV (one row per epoch) and JSON (an array of the same records). A cost can be
/// non-finite while the parameters stay finite (a cross-entropy or log-likelihood output that saturates to
/// exactly 0 or 1 costs +∞): the CSV writes it as <c>inf</c>, <c>-inf</c> or <c>nan</c> (what Python's
/// <c>float()</c>, NumPy and pandas read back), the JSON, which has no such numbers, as <c>null</c>.
/// </summary>
public static class HistoryFiles
{
    /// <summary>The CSV's columns; a value that was not monitored is an empty field (CSV) or null (JSON); a non-finite one <c>inf</c>/<c>-inf</c>/<c>nan</c> (CSV) or null (JSON).</summary>
    public static readonly string[] Columns =
    {
        "epoch", "eta", "seconds",
        "training_cost", "training_correct", "training_total", "training_accuracy",
        "validation_cost", "validation_correct", "validation_total", "validation_accuracy",
        "test_cost", "test_correct", "test_total", "test_accuracy",
    };

    /// <summary>One header line, then one line per epoch; numbers in the invariant culture, round-trip precision.</summary>
    public static string Csv(IEnumerable<EpochReport> history)
    {
        var text = new StringBuilder().AppendJoin(',', Columns).Append('\n');
        foreach (EpochReport r in history) text.AppendJoin(',', Row(r)).Append('\n');
        return text.ToString();
    }

    /// <summary>A JSON array, one object per epoch with the CSV's columns as properties.</summary>
    public static string Json(IEnumerable<EpochReport> history)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (EpochReport r in history)
            {
                json.WriteStartObject();
                object?[] values = Values(r);
                for (int i = 0; i < Columns.Length; i++)
                {
                    switch (values[i])
                    {
                        case null: json.WriteNull(Columns[i]); break;
                        case int n: json.WriteNumber(Columns[i], n); break;
                        case double d when double.IsFinite(d): json.WriteNumber(Columns[i], d); break;
                        case double: json.WriteNull(Columns[i]); break;   // ∞ or NaN: JSON has no such number
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static IEnumerable<string> Row(EpochReport r)
    {
        foreach (object? value in Values(r))
        {
            yield return value switch
            {
                null => "",
                int n => n.ToString(CultureInfo.InvariantCulture),
                double d => Number(d),
                _ => value.ToString()!,
            };
        }
    }

    /// <summary>A number as the CSV writes it: round-trip precision in the invariant culture; <c>inf</c>, <c>-inf</c> or <c>nan</c> when it is not finite.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ when double.IsNaN(value) => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static object?[] Values(EpochReport r) =>
    [
        r.Epoch, r.Eta, r.Elapsed.TotalSeconds,
        r.TrainingCost, r.TrainingCorrect, r.TrainingTotal, r.TrainingAccuracy,
        r.ValidationCost, r.ValidationCorrect, r.ValidationTotal, r.ValidationAccuracy,
        r.TestCost, r.Correct, r.Total, r.Accuracy,
    ];
}
