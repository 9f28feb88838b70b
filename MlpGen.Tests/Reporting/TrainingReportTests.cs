using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MlpGen.Data;
using MlpGen.Reporting;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Reporting;

/// <summary>The report of a short run on real digits: its files, and that what they show is what the network does.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class TrainingReportTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    /// <summary>Two epochs of 784-30-10 on 1,000 training digits, tested on 500, with every value monitored.</summary>
    private static (Net784x30x10 Network, TrainingHistory History, Dataset<float> Test) ShortRun()
    {
        (Dataset<float> training, Dataset<float> validation) = TestData.Train.Slice(0, 1200).Split(200);
        Dataset<float> test = TestData.Test.Slice(0, 500);
        var network = new Net784x30x10(seed: 1);
        var options = new SgdOptions
        {
            Epochs = 2, Eta = 3.0, Seed = 1,
            MonitorTrainingCost = true, MonitorTrainingAccuracy = true, MonitorValidationCost = true, MonitorTestCost = true,
        };
        TrainingHistory history = Sgd.Train(network, training, options, test, validation: validation);
        return (network, history, test);
    }

    /// <summary>The pictures' text needs a font on the machine (on Debian: apt-get install -y fonts-dejavu-core, as .ci/run does); without one the labels are blank.</summary>
    [Fact]
    public void AFontForThePicturesText_IsOnTheMachine() =>
        Assert.True(SkiaSharp.SKFontManager.Default.GetFontFamilies().Length > 0, "no font for the report's text: install one (Debian: apt-get install -y fonts-dejavu-core)");

    /// <summary>A log-softmax network outputs ln p: the confidence the report shows is p, as for a softmax network.</summary>
    [Fact]
    public void TestResults_OfALogSoftmaxNetwork_AreProbabilities()
    {
        INetwork<float> network = TestNetworks.Single["37-19-5 gelu log-softmax"](1);
        (double[] inputs, double[] targets) = Samples.For(network, 50, seed: 2);
        int[] labels = Enumerable.Range(0, 50).Select(i => i % 5).ToArray();
        var test = new Dataset<float>(Samples.ToSingle(inputs), 37, Samples.ToSingle(targets), 5, labels);
        TestResults results = TestResults.Evaluate(network, test);
        var output = new float[5];
        foreach (TestPrediction prediction in results.Predictions)
        {
            network.Predict(test.Input(prediction.Index), output);
            Assert.Equal(Math.Exp(output[prediction.Predicted]), prediction.Confidence, 12);
            Assert.InRange(prediction.Confidence, 0.2, 1.0);   // the largest of five probabilities
        }
    }

    [Fact]
    public void TestResults_ConfusionSumsToTheTestSet_DiagonalIsTheAccuracy_MisclassifiedAreExactlyTheWrongOnes()
    {
        (Net784x30x10 network, TrainingHistory history, Dataset<float> test) = ShortRun();
        TestResults results = TestResults.Evaluate(network, test);

        int sum = 0, diagonal = 0;
        for (int t = 0; t < 10; t++)
        {
            for (int p = 0; p < 10; p++) sum += results.Confusion(t, p);
            diagonal += results.Confusion(t, t);
        }
        Assert.Equal(test.Count, sum);
        EpochReport final = history.Restored ? history.Best! : history[^1];   // the epoch whose parameters the network holds
        Assert.Equal(final.Correct, diagonal);
        Assert.Equal(Evaluation.CountCorrect(network, test), diagonal);
        Assert.Equal(final.Accuracy, results.Accuracy);

        int[] wrong = Enumerable.Range(0, test.Count).Where(i => network.Classify(test.Input(i)) != test.Label(i)).ToArray();
        Assert.NotEmpty(wrong);
        Assert.Equal(wrong, results.Misclassified.Select(p => p.Index));
        Assert.All(results.Misclassified, p => Assert.Equal((test.Label(p.Index), network.Classify(test.Input(p.Index))), (p.Label, p.Predicted)));
        Assert.Equal(wrong.Take(7), results.Gallery(7).Select(p => p.Index));
        Assert.Equal(wrong, results.Gallery(int.MaxValue).Select(p => p.Index));
    }

    [Fact]
    public void Report_WritesValidPngsOfSensibleSize_TheHistoryRowByRow_AndAnIndexThatShowsThemAll()
    {
        (Net784x30x10 network, TrainingHistory history, Dataset<float> test) = ShortRun();
        string directory = _temporary.File("report");
        var written = TrainingReport.Write(directory, history, network, test, new ReportOptions { GalleryLimit = 12 });

        string[] expected = ["learning-curves.png", "cost.svg", "accuracy.svg", "confusion-matrix.png", "confusion-matrix.svg", "misclassified.png",
            "misclassified.csv", "weights.png", "history.csv", "history.json", "index.html"];
        Assert.Equal(expected.Order(), Directory.EnumerateFiles(directory).Select(Path.GetFileName).Order());   // and no temporary file left
        Assert.Equal(expected.Select(f => Path.Combine(directory, f)).Order(), written.Order());

        // PNGs: the signature, an IHDR with a size a person can look at, and more than a blank image's bytes.
        foreach ((string file, int minWidth, int minHeight) in new[] { ("learning-curves.png", 1200, 400), ("confusion-matrix.png", 500, 500), ("misclassified.png", 500, 200), ("weights.png", 500, 300) })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(directory, file));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
            Assert.InRange(width, minWidth, 4000);
            Assert.InRange(height, minHeight, 4000);
            Assert.True(png.Length > 10_000, $"{file}: {png.Length} bytes");
        }
        foreach (string svg in new[] { "cost.svg", "accuracy.svg", "confusion-matrix.svg" }) Assert.Contains("<svg", File.ReadAllText(Path.Combine(directory, svg)));

        // history.csv: one row per epoch with the history's numbers; history.json the same records.
        string[] rows = File.ReadAllLines(Path.Combine(directory, "history.csv"));
        Assert.Equal(string.Join(",", HistoryFiles.Columns), rows[0]);
        Assert.Equal(history.Count + 1, rows.Length);
        for (int e = 0; e < history.Count; e++)
        {
            string[] f = rows[e + 1].Split(',');
            EpochReport r = history[e];
            Assert.Equal(r.Epoch, int.Parse(f[0], CultureInfo.InvariantCulture));
            Assert.Equal(r.TrainingCost, double.Parse(f[3], CultureInfo.InvariantCulture));
            Assert.Equal(r.TrainingCorrect, int.Parse(f[4], CultureInfo.InvariantCulture));
            Assert.Equal(r.ValidationCost, double.Parse(f[7], CultureInfo.InvariantCulture));
            Assert.Equal(r.ValidationCorrect, int.Parse(f[8], CultureInfo.InvariantCulture));
            Assert.Equal(r.TestCost, double.Parse(f[11], CultureInfo.InvariantCulture));
            Assert.Equal(r.Correct, int.Parse(f[12], CultureInfo.InvariantCulture));
            Assert.Equal(r.Accuracy, double.Parse(f[14], CultureInfo.InvariantCulture));
        }
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "history.json")));
        Assert.Equal(history.Select(r => r.Correct), json.RootElement.EnumerateArray().Select(o => (int?)o.GetProperty("test_correct").GetInt32()));

        // misclassified.csv lists all of them; the gallery (and the page) says it shows the first 12.
        TestResults results = TestResults.Evaluate(network, test);
        Assert.Equal(results.Misclassified.Select(p => p.Index.ToString(CultureInfo.InvariantCulture)),
            File.ReadAllLines(Path.Combine(directory, "misclassified.csv")).Skip(1).Select(l => l.Split(',')[0]));
        string index = File.ReadAllText(Path.Combine(directory, "index.html"));
        Assert.Contains(System.Net.WebUtility.HtmlEncode(TrainingReport.GalleryTitle(12, results.Misclassified.Count, test.Count)), index);
        Assert.Contains($"The first 12 of {results.Misclassified.Count} misclassified", TrainingReport.GalleryTitle(12, results.Misclassified.Count, test.Count));
        foreach (string file in expected.Where(f => f != "index.html")) Assert.Contains($"\"{file}\"", index);
    }

    /// <summary>
    /// A float cross-entropy cost is +∞ once an output saturates to exactly 0 or 1, while the parameters stay finite (so
    /// training goes on): the report is still written whole. history.csv says inf/nan, history.json null, the charts
    /// leave those points out and say so, and so does index.html.
    /// </summary>
    [Fact]
    public void Report_OfAHistoryWithInfiniteAndNaNCosts_WritesEveryFile_ValidJson_InfNanInTheCsv_AndSaysWhatIsNotDrawn()
    {
        (Net784x30x10 network, TrainingHistory run, Dataset<float> test) = ShortRun();
        var reports = run.ToList();
        reports[1] = reports[1] with { TestCost = double.PositiveInfinity, ValidationCost = double.NaN };
        reports[0] = reports[0] with { ValidationCost = double.NegativeInfinity };
        var history = new TrainingHistory(reports, bestEpoch: null, stoppedEarly: false, restored: false);
        string directory = _temporary.File("report");

        var written = TrainingReport.Write(directory, history, network, test);

        string[] expected = ["learning-curves.png", "cost.svg", "accuracy.svg", "confusion-matrix.png", "confusion-matrix.svg", "misclassified.png",
            "misclassified.csv", "weights.png", "history.csv", "history.json", "index.html"];
        Assert.Equal(expected.Order(), Directory.EnumerateFiles(directory).Select(Path.GetFileName).Order());
        Assert.Equal(expected.Select(f => Path.Combine(directory, f)).Order(), written.Order());
        foreach (string png in expected.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(directory, png));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.True(bytes.Length > 10_000, $"{png}: {bytes.Length} bytes");
        }

        string[] rows = File.ReadAllLines(Path.Combine(directory, "history.csv"));
        Assert.Equal(3, rows.Length);
        int validationCost = Array.IndexOf(HistoryFiles.Columns, "validation_cost"), testCost = Array.IndexOf(HistoryFiles.Columns, "test_cost");
        Assert.Equal(("-inf", reports[0].TestCost!.Value.ToString("R", CultureInfo.InvariantCulture)), (rows[1].Split(',')[validationCost], rows[1].Split(',')[testCost]));
        Assert.Equal(("nan", "inf"), (rows[2].Split(',')[validationCost], rows[2].Split(',')[testCost]));

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "history.json")));
        JsonElement[] records = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(JsonValueKind.Null, records[0].GetProperty("validation_cost").ValueKind);
        Assert.Equal(reports[0].TestCost, records[0].GetProperty("test_cost").GetDouble());
        Assert.Equal(JsonValueKind.Null, records[1].GetProperty("validation_cost").ValueKind);
        Assert.Equal(JsonValueKind.Null, records[1].GetProperty("test_cost").ValueKind);
        Assert.Equal(reports[1].TrainingCost, records[1].GetProperty("training_cost").GetDouble());

        string notDrawn = $"validation cost at epochs {reports[0].Epoch}, {reports[1].Epoch}; test cost at epoch {reports[1].Epoch}";
        Assert.Contains($"Not finite, not drawn: {notDrawn}", File.ReadAllText(Path.Combine(directory, "cost.svg")));
        Assert.Contains($"Not finite, so not drawn: {notDrawn}.", File.ReadAllText(Path.Combine(directory, "index.html")));
    }
}
