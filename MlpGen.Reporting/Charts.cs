using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Training;
using ScottPlot;
using SkiaSharp;

namespace MlpGen.Reporting;

/// <summary>The report's charts, drawn with ScottPlot: learning curves (as the figures of Nielsen's book, chapter 3) and the confusion matrix.</summary>
internal static class Charts
{
    public const int CurveWidth = 640, CurveHeight = 440, ConfusionSize = 620;

    /// <summary>The font of every label: DejaVu Sans when the machine has it (Debian's fonts-dejavu-core), else ScottPlot's choice.</summary>
    public static readonly string? FontName = SKFontManager.Default.GetFontFamilies().Contains("DejaVu Sans") ? "DejaVu Sans" : null;

    /// <summary>Cost per epoch: training, validation and test, those that were monitored.</summary>
    public static Plot Cost(IReadOnlyList<EpochReport> history) => Curves(history, "Cost per epoch", "Cost", Alignment.UpperRight, (0, double.PositiveInfinity), CostSeries, "cost");

    private static readonly (string Name, Func<EpochReport, double?> Value)[] CostSeries =
        [("training", r => r.TrainingCost), ("validation", r => r.ValidationCost), ("test", r => r.TestCost)];

    /// <summary>Accuracy per epoch in percent: training, validation and test, those that were monitored.</summary>
    public static Plot Accuracy(IReadOnlyList<EpochReport> history) => Curves(history, "Accuracy per epoch", "Accuracy (%)", Alignment.LowerRight, (0, 100), AccuracySeries, "accuracy");

    private static readonly (string Name, Func<EpochReport, double?> Value)[] AccuracySeries =
        [("training", r => 100 * r.TrainingAccuracy), ("validation", r => 100 * r.ValidationAccuracy), ("test", r => 100 * r.Accuracy)];

    /// <summary>
    /// What the curves leave out because it is not a finite number, e.g. "test cost at epochs 3, 4" (a cross-entropy or
    /// log-likelihood cost is +∞ once an output saturates to exactly 0 or 1); empty when every point is drawn.
    /// </summary>
    public static IReadOnlyList<string> NotDrawn(IReadOnlyList<EpochReport> history) =>
        [.. NotDrawn(history, CostSeries, "cost"), .. NotDrawn(history, AccuracySeries, "accuracy")];

    private static IEnumerable<string> NotDrawn(IReadOnlyList<EpochReport> history, (string Name, Func<EpochReport, double?> Value)[] series, string quantity)
    {
        foreach ((string name, Func<EpochReport, double?> value) in series)
        {
            int[] epochs = history.Where(r => value(r) is { } v && !double.IsFinite(v)).Select(r => r.Epoch).ToArray();
            if (epochs.Length == 0) continue;
            string list = epochs.Length <= 6 ? string.Join(", ", epochs) : string.Join(", ", epochs.Take(5)) + $", … ({epochs.Length} epochs)";
            yield return (epochs.Length == 1 ? $"{name} {quantity} at epoch " : $"{name} {quantity} at epochs ") + list;
        }
    }

    /// <summary>Whether any epoch has a cost (so that a cost chart without data is not drawn).</summary>
    public static bool HasCost(IReadOnlyList<EpochReport> history) => history.Any(r => r.TrainingCost is not null || r.ValidationCost is not null || r.TestCost is not null);

    private static Plot Curves(IReadOnlyList<EpochReport> history, string title, string yLabel, Alignment legend, (double Low, double High) range, (string Name, Func<EpochReport, double?> Value)[] series, string quantity)
    {
        var plot = NewPlot();
        // The same colour for a set in both charts: training blue, validation orange, test green.
        Color[] colours = [Colors.C0, Colors.C1, Colors.C2];
        for (int s = 0; s < series.Length; s++)
        {
            // Only finite values: an ∞ or NaN (a saturated output's cost) has no place on the axis; the chart says what it leaves out.
            var points = history.Where(r => series[s].Value(r) is { } v && double.IsFinite(v)).Select(r => (X: (double)r.Epoch, Y: series[s].Value(r)!.Value)).ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), colours[s]);
            line.LegendText = series[s].Name;
            line.LineWidth = 2;
            line.MarkerSize = 6;
        }
        plot.Title(title);
        plot.XLabel("Epoch");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(legend);   // where the curves, which fall (cost) or rise (accuracy), leave room
        string[] notDrawn = NotDrawn(history, series, quantity).ToArray();
        if (notDrawn.Length > 0)
        {
            // In the corner opposite the legend's side, where the falling or rising curves leave room too.
            var note = plot.Add.Annotation("Not finite, not drawn: " + string.Join("; ", notDrawn), legend == Alignment.UpperRight ? Alignment.LowerLeft : Alignment.UpperLeft);
            if (FontName is { } font) note.LabelFontName = font;
        }
        plot.Axes.AutoScale();
        if (history.Count == 1) plot.Axes.SetLimitsX(-0.5, 0.5);   // one epoch: one point in the middle, not an axis from −1 to 1
        // No negative cost, no accuracy above 100 %: the autoscaled margin (and a single point's range) stops there.
        AxisLimits limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(Math.Max(limits.Bottom, range.Low), Math.Min(limits.Top, range.High));
        return plot;
    }

    /// <summary>The confusion matrix as a heat map, rows the true class (0 at the top), columns the predicted one, each cell with its count.</summary>
    public static Plot Confusion(TestResults results)
    {
        int n = results.Classes;
        var plot = NewPlot();
        var counts = new double[n, n];
        int max = 1;
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                counts[t, p] = results.Confusion(t, p);
                max = Math.Max(max, results.Confusion(t, p));
            }
        }
        // The square root of the count, so that the few confusions are visible next to the large diagonal.
        var intensities = new double[n, n];
        for (int t = 0; t < n; t++) for (int p = 0; p < n; p++) intensities[t, p] = Math.Sqrt(counts[t, p] / max);
        // One filled rectangle per cell rather than a heat-map bitmap, so that the SVG is vectors (a bitmap would be
        // smoothed when a browser scales it): cell (t, p) centred on x = p, y = n − 1 − t, row 0 at the top.
        IColormap colours = new ScottPlot.Colormaps.Blues().Reversed();   // white for 0, dark blue for the most
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, n - 1 - t - 0.5, n - 1 - t + 0.5);
                cell.FillStyle.Color = colours.GetColor(intensities[t, p]);
                cell.LineStyle.Width = 0;
            }
        }
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                int count = results.Confusion(t, p);
                if (count == 0 && t != p) continue;
                var text = plot.Add.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture), p, n - 1 - t);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = n <= 10 ? 15 : 10;
                text.LabelBold = t == p;
                text.LabelFontColor = intensities[t, p] > 0.55 ? Colors.White : Colors.Black;
                if (FontName is { } font) text.LabelFontName = font;
            }
        }
        double[] positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, positions.Select(p => ((int)p).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, positions.Select(p => (n - 1 - (int)p).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.HideGrid();
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Title($"Confusion matrix of the test set: {results.Correct:N0} / {results.Count:N0} on the diagonal");
        plot.XLabel("Predicted");
        plot.YLabel("True");
        return plot;
    }

    /// <summary>Renders plots side by side into one PNG.</summary>
    public static byte[] SideBySidePng(IReadOnlyList<Plot> plots, int width, int height)
    {
        var info = new SKImageInfo(width * plots.Count, height);
        using SKSurface surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            using SKImage part = SKImage.FromEncodedData(plots[i].GetImageBytes(width, height, ImageFormat.Png));
            surface.Canvas.DrawImage(part, i * width, 0);
        }
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        if (FontName is { } font) plot.Font.Set(font);
        return plot;
    }
}
