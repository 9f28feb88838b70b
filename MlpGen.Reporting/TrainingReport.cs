using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Numerics;
using System.Text;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Training;
using SkiaSharp;

namespace MlpGen.Reporting;

/// <summary>
/// The report of a training run, written into one directory:
/// <list type="bullet">
/// <item><c>learning-curves.png</c> (cost and accuracy per epoch side by side; <c>cost.svg</c>, <c>accuracy.svg</c>);</item>
/// <item><c>confusion-matrix.png</c>/<c>.svg</c>: the test set's confusion matrix with counts;</item>
/// <item><c>misclassified.png</c>: the first <see cref="ReportOptions.GalleryLimit"/> misclassified test samples with
/// true and predicted class and confidence; <c>misclassified.csv</c> lists all of them;</item>
/// <item><c>weights.png</c>: the first layer's incoming weights, one image per neuron, diverging colours centred at 0;</item>
/// <item><c>history.csv</c>, <c>history.json</c>: one record per epoch; <c>index.html</c>: all of the above on one page.</item>
/// </list>
/// Every file is written to a temporary file and renamed (<see cref="AtomicFile"/>), so a file is either the old one or the whole new one.
/// </summary>
public static class TrainingReport
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the report; returns the full paths of the files written, index.html last.</summary>
    public static IReadOnlyList<string> Write<T>(string directory, TrainingHistory history, INetwork<T> network, Dataset<T> test, ReportOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= new ReportOptions();
        string full = Path.GetFullPath(directory);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the report directory {full}: {e.Message}", e);
        }
        var written = new List<string>();
        void Bytes(string name, ReadOnlySpan<byte> bytes) { AtomicFile.Write(Path.Combine(full, name), bytes, $"the report's {name}"); written.Add(Path.Combine(full, name)); }
        void Text(string name, string text) => Bytes(name, Utf8.GetBytes(text));

        // Learning curves.
        var reports = history.ToList();
        var cost = Charts.Cost(reports);
        var accuracy = Charts.Accuracy(reports);
        bool hasCost = Charts.HasCost(reports);
        Bytes(Files.LearningCurves, Charts.SideBySidePng(hasCost ? [cost, accuracy] : [accuracy], Charts.CurveWidth, Charts.CurveHeight));
        if (hasCost) Text(Files.CostSvg, cost.GetSvgXml(Charts.CurveWidth, Charts.CurveHeight));
        Text(Files.AccuracySvg, accuracy.GetSvgXml(Charts.CurveWidth, Charts.CurveHeight));

        // The test set: confusion matrix and misclassified samples.
        TestResults results = TestResults.Evaluate(network, test);
        var confusion = Charts.Confusion(results);
        Bytes(Files.ConfusionPng, confusion.GetImageBytes(Charts.ConfusionSize, Charts.ConfusionSize, ScottPlot.ImageFormat.Png));
        Text(Files.ConfusionSvg, confusion.GetSvgXml(Charts.ConfusionSize, Charts.ConfusionSize));
        Bytes(Files.Misclassified, MisclassifiedPng(results, test, options.GalleryLimit));
        Text(Files.MisclassifiedCsv, MisclassifiedCsv(results));

        // The first layer's weights.
        Bytes(Files.Weights, WeightsPng(network));

        Text(Files.HistoryCsv, HistoryFiles.Csv(reports));
        Text(Files.HistoryJson, HistoryFiles.Json(reports));
        Text(Files.Index, IndexHtml(reports, results, network, options, hasCost));
        return written;
    }

    /// <summary>The file names of the report.</summary>
    public static class Files
    {
        /// <summary>Cost and accuracy per epoch, side by side (only accuracy when no cost was monitored).</summary>
        public const string LearningCurves = "learning-curves.png";
        /// <summary>The cost chart as SVG (when a cost was monitored).</summary>
        public const string CostSvg = "cost.svg";
        /// <summary>The accuracy chart as SVG.</summary>
        public const string AccuracySvg = "accuracy.svg";
        /// <summary>The test set's confusion matrix.</summary>
        public const string ConfusionPng = "confusion-matrix.png";
        /// <summary>The confusion matrix as SVG.</summary>
        public const string ConfusionSvg = "confusion-matrix.svg";
        /// <summary>The gallery of misclassified test samples (the first <see cref="ReportOptions.GalleryLimit"/>).</summary>
        public const string Misclassified = "misclassified.png";
        /// <summary>Every misclassified test sample: index, label, predicted, confidence.</summary>
        public const string MisclassifiedCsv = "misclassified.csv";
        /// <summary>The first layer's incoming weights.</summary>
        public const string Weights = "weights.png";
        /// <summary>The history, one row per epoch.</summary>
        public const string HistoryCsv = "history.csv";
        /// <summary>The history as a JSON array.</summary>
        public const string HistoryJson = "history.json";
        /// <summary>The page that shows everything.</summary>
        public const string Index = "index.html";
    }

    /// <summary>The gallery's title, which states how many of the misclassified samples it shows.</summary>
    public static string GalleryTitle(int shown, int misclassified, int total) => shown == misclassified
        ? Tiles.Invariant($"All {misclassified:N0} misclassified test samples of {total:N0}: true → predicted, confidence")
        : Tiles.Invariant($"The first {shown:N0} of {misclassified:N0} misclassified test samples (of {total:N0}), in test-set order: true → predicted, confidence");

    private static byte[] MisclassifiedPng<T>(TestResults results, Dataset<T> test, int limit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        IReadOnlyList<TestPrediction> shown = results.Gallery(limit);
        var tiles = shown.Select(p => new Tiles.Tile(
            test.Input(p.Index).ToArray().Select(double.CreateChecked).ToArray(), Tiles.Ink,
            Tiles.Invariant($"{p.Label} → {p.Predicted}"), Tiles.Invariant($"{p.Confidence:0.00} · #{p.Index}"), new SKColor(0xB0, 0x20, 0x20))).ToList();
        return Tiles.GridPng(GalleryTitle(shown.Count, results.Misclassified.Count, results.Count), tiles, test.InputSize,
            emptyText: "Every test sample was classified correctly.");
    }

    private static string MisclassifiedCsv(TestResults results)
    {
        var text = new StringBuilder("index,label,predicted,confidence\n");
        foreach (TestPrediction p in results.Misclassified) text.Append(Tiles.Invariant($"{p.Index},{p.Label},{p.Predicted},{p.Confidence:R}\n"));
        return text.ToString();
    }

    /// <summary>Neuron j of layer 1: its weights w_1[j, ·] as an image, each scaled by its own largest |w| so that 0 is white.</summary>
    private static byte[] WeightsPng<T>(INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layout = new ParameterLayout(network.LayerSizes.ToArray());
        int inputs = layout.Size(0), neurons = layout.Size(1);
        ReadOnlySpan<T> w1 = network.Parameters.Slice((int)layout.WeightOffset(1), (int)layout.WeightCount(1));   // row-major [out, in]
        var tiles = new List<Tiles.Tile>(neurons);
        for (int j = 0; j < neurons; j++)
        {
            double[] w = new double[inputs];
            for (int i = 0; i < inputs; i++) w[i] = double.CreateChecked(w1[j * inputs + i]);
            double scale = w.Max(Math.Abs);
            double[] scaled = scale > 0 ? w.Select(x => x / scale).ToArray() : w;
            tiles.Add(new Tiles.Tile(scaled, Tiles.Diverging, Tiles.Invariant($"neuron {j}"), Tiles.Invariant($"±{scale:0.00}")));
        }
        (int width, int height) = Tiles.Shape(inputs);
        return Tiles.GridPng(Tiles.Invariant($"Incoming weights of the {neurons} neurons of layer 1 ({width}×{height}); each scaled to its largest |w|"),
            tiles, inputs, Tiles.DivergingLegend("−|w| max (inhibits)", "+|w| max (excites)"));
    }

    private static string IndexHtml<T>(IReadOnlyList<EpochReport> history, TestResults results, INetwork<T> network, ReportOptions options, bool hasCost)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        ModelSummary summary = ModelSummary.Of(network);
        int shown = Math.Min(options.GalleryLimit, results.Misclassified.Count);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            """);
        html.Append(Tiles.Invariant($"\n<title>{E(options.Title ?? $"MlpGen training report: {summary.Topology}")}</title>\n"));
        html.Append("""
            <style>
            body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2em auto; max-width: 1300px; color: #222; }
            img { max-width: 100%; border: 1px solid #ddd; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; }
            pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
            </style>
            </head>
            <body>
            """);
        html.Append(Tiles.Invariant($"\n<h1>{E(options.Title ?? $"Training report: {summary.Topology}")}</h1>\n"));
        if (options.Description is { } description) html.Append(Tiles.Invariant($"<p>{E(description)}</p>\n"));
        html.Append(Tiles.Invariant($"<h2>Model</h2>\n<pre>{E(summary.ToText(options.MiniBatch))}</pre>\n"));
        html.Append(Tiles.Invariant($"<h2>Learning curves</h2>\n<p><img src=\"{Files.LearningCurves}\" alt=\"Cost and accuracy per epoch\"></p>\n<p>SVG: "));
        if (hasCost) html.Append(Tiles.Invariant($"<a href=\"{Files.CostSvg}\">cost</a>, "));
        html.Append(Tiles.Invariant($"<a href=\"{Files.AccuracySvg}\">accuracy</a>; the numbers: <a href=\"{Files.HistoryCsv}\">{Files.HistoryCsv}</a>, <a href=\"{Files.HistoryJson}\">{Files.HistoryJson}</a>.</p>\n"));
        IReadOnlyList<string> notDrawn = Charts.NotDrawn(history);
        if (notDrawn.Count > 0)
        {
            html.Append(Tiles.Invariant($"<p>Not finite, so not drawn: {E(string.Join("; ", notDrawn))}. A cross-entropy or log-likelihood cost is +∞ once an output saturates to exactly 0 or 1 in floating point, while the parameters stay finite; the table and {Files.HistoryCsv} show such a value as inf or nan, {Files.HistoryJson} as null.</p>\n"));
        }
        // The columns that have a value in some epoch (training and validation only when monitored).
        (string Header, Func<EpochReport, string> Cell)[] columns =
        [
            ("Epoch", r => r.Epoch.ToString(CultureInfo.InvariantCulture)), ("η", r => r.Eta.ToString("G6", CultureInfo.InvariantCulture)),
            ("Training cost", r => Cost(r.TrainingCost)), ("Training accuracy", r => Percent(r.TrainingAccuracy)),
            ("Validation cost", r => Cost(r.ValidationCost)), ("Validation accuracy", r => Percent(r.ValidationAccuracy)),
            ("Test cost", r => Cost(r.TestCost)), ("Test accuracy", r => Percent(r.Accuracy)),
            ("Time (s)", r => r.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)),
        ];
        columns = columns.Where(c => history.Any(r => c.Cell(r).Length > 0)).ToArray();
        html.Append("<table>\n<tr>").AppendJoin("", columns.Select(c => $"<th>{E(c.Header)}</th>")).Append("</tr>\n");
        foreach (EpochReport r in history) html.Append("<tr>").AppendJoin("", columns.Select(c => $"<td>{c.Cell(r)}</td>")).Append("</tr>\n");
        html.Append("</table>\n");
        html.Append(Tiles.Invariant($"<h2>Confusion matrix</h2>\n<p>Rows: the true class; columns: the predicted one. {results.Correct:N0} of {results.Count:N0} test samples on the diagonal ({100 * results.Accuracy:F2} %).</p>\n"));
        html.Append(Tiles.Invariant($"<p><img src=\"{Files.ConfusionPng}\" alt=\"Confusion matrix\"> (<a href=\"{Files.ConfusionSvg}\">SVG</a>)</p>\n"));
        html.Append(Tiles.Invariant($"<h2>Misclassified test samples</h2>\n<p>{E(GalleryTitle(shown, results.Misclassified.Count, results.Count))}. The confidence is the predicted class's output activation (with a softmax output its probability); #n is the sample's index in the test set. All of them: <a href=\"{Files.MisclassifiedCsv}\">{Files.MisclassifiedCsv}</a>.</p>\n"));
        html.Append(Tiles.Invariant($"<p><img src=\"{Files.Misclassified}\" alt=\"Misclassified test samples\"></p>\n"));
        html.Append(Tiles.Invariant($"<h2>Weights of the first layer</h2>\n<p>Each image shows the {network.InputSize} incoming weights of one neuron of layer 1, in the layout of the input: red pixels excite the neuron, blue ones inhibit it, white is 0; each image is scaled to its own largest |w| (under it).</p>\n"));
        html.Append(Tiles.Invariant($"<p><img src=\"{Files.Weights}\" alt=\"Incoming weights of the first layer\"></p>\n</body>\n</html>\n"));
        return html.ToString();
    }

    private static string Cost(double? value) => value switch
    {
        null => "",
        { } v when double.IsFinite(v) => v.ToString("F4", CultureInfo.InvariantCulture),
        { } v => HistoryFiles.Number(v),   // inf or nan, as history.csv writes it
    };

    private static string Percent(double? value) => value is { } v ? (100 * v).ToString("F2", CultureInfo.InvariantCulture) + " %" : "";
}

/// <summary>What the report says beyond the history and the network.</summary>
public sealed record ReportOptions
{
    /// <summary>How many misclassified samples the gallery shows, the first in test-set order (all are in misclassified.csv).</summary>
    public int GalleryLimit { get; init; } = 100;

    /// <summary>The page's heading (default: the topology).</summary>
    public string? Title { get; init; }

    /// <summary>A paragraph under the heading, e.g. the recipe of the run.</summary>
    public string? Description { get; init; }

    /// <summary>The mini-batch of the run, for the training FLOPs in the model summary.</summary>
    public int? MiniBatch { get; init; }
}
