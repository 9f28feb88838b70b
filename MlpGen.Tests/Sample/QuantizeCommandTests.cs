using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using MlpGen.Persistence;
using MlpGen.Quantization;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Sample;

/// <summary>
/// <c>MlpGen.Sample quantize IN OUT</c> run as a process on the test digits: it prints the <c>Quantized:</c> line and
/// writes a version 3 file that reads back; it refuses a collapse (one line, exit code 1, nothing written, an existing
/// file kept); bad input is one line, no stack trace.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class QuantizeCommandTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private static string SampleDll { get; } = Path.Combine(
        Repository.Root, "MlpGen.Sample", "bin",
        typeof(QuantizeCommandTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration,
        "net10.0", "MlpGen.Sample.dll");

    private DotNetCli.Result Quantize(params string[] arguments)
    {
        Assert.True(File.Exists(SampleDll), $"{SampleDll} is missing: build MlpGen.Sample first.");
        return DotNetCli.Run("dotnet", _temporary.Path, null, [SampleDll, "quantize", .. arguments]);
    }

    private static void AssertNoStackTrace(DotNetCli.Result result) =>
        Assert.False(result.Output.Contains("   at ") || result.Output.Contains("Unhandled exception"), $"a stack trace:\n{result.Output}");

    /// <summary>784-30-10 ReLU/softmax trained for 2 epochs on the training digits, saved as a float file.</summary>
    private string TrainedFile(string name = "float.mlpw", Action<Net784x30x10ReLUSoftmax>? edit = null)
    {
        var network = new Net784x30x10ReLUSoftmax(seed: 7);
        Sgd.Train(network, TestData.Train, new SgdOptions { Epochs = 2, MiniBatchSize = 32, Eta = 0.001, Optimizer = Optimizer.Adam(), Seed = 7 });
        edit?.Invoke(network);
        string path = _temporary.File(name);
        WeightsFile.Save(path, network);
        return path;
    }

    private static readonly Regex QuantizedLine = new(
        @"^Quantized: float (?<float>\d+\.\d\d) %, int8 (?<int8>\d+\.\d\d) % \((?<change>[+−]?\d+\.\d\d) points\) on 2,000 test images; same class for (?<same>\d+\.\d) %; weights 95,440 → 24,148 bytes\.$",
        RegexOptions.Multiline);

    [Fact]
    public void AGoodNetwork_IsQuantized_ReportedInOneLine_AndWrittenAsVersion3()
    {
        string input = TrainedFile(), output = _temporary.File("int8.mlpw");
        DotNetCli.Result result = Quantize(input, output, "--data", TestData.MnistDirectory).Succeeded("quantize");
        Match line = QuantizedLine.Match(result.Output);
        Assert.True(line.Success, result.Output);

        // The figures are the API's, on the same data.
        NetworkWeights weights = WeightsFile.Read(input);
        QuantizedNetwork written = WeightsFile.ReadQuantized(output);
        QuantizationReport report = Quantizer.Compare(weights, written, TestData.Test);
        Assert.Equal(report.FloatAccuracy.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), line.Groups["float"].Value);
        Assert.Equal(report.Int8Accuracy.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), line.Groups["int8"].Value);
        Assert.True(report.Drop <= 1, result.Output);
        Assert.StartsWith("MLPW 3\n", File.ReadAllText(output));
        Assert.Contains($"Wrote {output} (int8, format version 3, ", result.Output);

        // The attribute it prints bakes the file into a class that compiles, with no diagnostic.
        const string attribute = "[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood, Weights = \"int8.mlpw\")]";
        Assert.Contains($"Bake it into a class (docs/quantization.md): {attribute}", result.Output);
        (Microsoft.CodeAnalysis.GeneratorRunResult run, Microsoft.CodeAnalysis.Compilation compiled) = GeneratorHarness.Run(
            GeneratorHarness.Compile($"using MlpGen; {attribute} public partial class Q {{ }}"), new InMemoryAdditionalText(output, File.ReadAllText(output)));
        Assert.Empty(run.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(compiled));
    }

    [Fact]
    public void ACollapse_IsRefused_InOneLine_WritingNothing_AndKeepingTheOldFile()
    {
        // The silent failure of quantized models, forced: every first-layer row gets a huge weight on pixel 0, which is
        // 0 in every MNIST digit, so the float network is unchanged, but each row's int8 scale grows to 1000/127 and its
        // real weights (|w| < 1) all round to 0: the int8 network answers one class for every image.
        Assert.All(Enumerable.Range(0, TestData.Train.Count), s => Assert.Equal(0f, TestData.Train.Input(s)[0]));
        Assert.All(Enumerable.Range(0, TestData.Test.Count), s => Assert.Equal(0f, TestData.Test.Input(s)[0]));
        string input = TrainedFile("outlier.mlpw", network =>
        {
            for (int j = 0; j < 30; j++) network.Parameters[j * 784] = 1000;
        });
        string output = _temporary.File("int8.mlpw");
        File.WriteAllText(output, "an older file, to be kept");

        DotNetCli.Result result = Quantize(input, output, "--data", TestData.MnistDirectory);
        AssertNoStackTrace(result);
        Assert.Equal(1, result.ExitCode);
        Match line = QuantizedLine.Match(result.Output);
        Assert.True(line.Success, result.Output);
        double drop = double.Parse(line.Groups["float"].Value, System.Globalization.CultureInfo.InvariantCulture)
            - double.Parse(line.Groups["int8"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(drop > 50, result.Output);   // a collapse, not a rounding
        // stdout and stderr reach the test through two pipes, so their lines' order is not kept: find the refusal by its start.
        string refusal = result.Output.Split(Environment.NewLine).Single(l => l.StartsWith("quantize: ", StringComparison.Ordinal));
        Assert.Matches(@"^quantize: the int8 network loses \d+\.\d\d points of accuracy, more than --max-drop 1; .*int8\.mlpw was not written\.$", refusal);
        Assert.Equal("an older file, to be kept", File.ReadAllText(output));
        Assert.Equal(2, Directory.GetFiles(_temporary.Path).Length);   // the two inputs: no temporary file left
    }

    [Fact]
    public void FullRange_CodesEveryRowOnTheWholeRange_WhereTheDefaultFitsThePairedSums()
    {
        string input = TrainedFile(), paired = _temporary.File("paired.mlpw"), full = _temporary.File("full.mlpw");
        Quantize(input, paired, "--data", TestData.MnistDirectory).Succeeded("quantize");
        Quantize(input, full, "--data", TestData.MnistDirectory, "--full-range").Succeeded("quantize --full-range");
        // The files are the API's on the same calibration images (the first 2,000 training images, the default).
        NetworkWeights weights = WeightsFile.Read(input);
        float[] calibration = TestData.Train.Inputs[..(2000 * 784)].ToArray();
        Assert.Equal(Codes(Quantizer.Quantize(weights, calibration)), Codes(WeightsFile.ReadQuantized(paired)));
        Assert.Equal(Codes(Quantizer.Quantize(weights, calibration, fullRange: true)), Codes(WeightsFile.ReadQuantized(full)));
        foreach (QuantizedLayer layer in WeightsFile.ReadQuantized(full).Layers)
        {
            for (int j = 0; j < layer.Outputs; j++)
            {
                Assert.Equal(Quantizer.MaxCode, layer.Weights.Slice(j * layer.Inputs, layer.Inputs).ToArray().Max(c => Math.Abs((int)c)));
            }
        }
        foreach (QuantizedLayer layer in WeightsFile.ReadQuantized(paired).Layers)
        {
            // Images and ReLU values: codes never negative.
            sbyte[] codes = layer.Weights.ToArray();
            for (int j = 0; j < layer.Outputs; j++) Assert.True(PairedSums.RowFits(codes, j * layer.Inputs, layer.Inputs, PairedSums.CodeSign.NonNegative));
        }

        static sbyte[] Codes(QuantizedNetwork network) => network.Layers.SelectMany(layer => layer.Weights.ToArray()).ToArray();
    }

    [Fact]
    public void MaxDrop_SetsTheGate()
    {
        string input = TrainedFile(), output = _temporary.File("int8.mlpw");
        // A gate of 0 points passes only when int8 loses nothing; whichever way, the exit code and the file agree with the line.
        DotNetCli.Result result = Quantize(input, output, "--data", TestData.MnistDirectory, "--max-drop", "0");
        AssertNoStackTrace(result);
        Match line = QuantizedLine.Match(result.Output);
        Assert.True(line.Success, result.Output);
        bool lost = line.Groups["change"].Value.StartsWith('−');
        Assert.Equal(lost ? 1 : 0, result.ExitCode);
        Assert.Equal(!lost, File.Exists(output));
    }

    [Fact]
    public void BadInput_IsOneLine_WithNoStackTrace()
    {
        string missing = _temporary.File("missing.mlpw");
        string int8 = _temporary.File("already-int8.mlpw");
        WeightsFile.Write(int8, Quantizer.Quantize(
            new NetworkWeights([784, 2], [ActivationFunction.Softmax], null, WeightsElement.Float32, new double[784 * 2 + 2]), new float[784]));
        string version1 = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw");
        Assert.StartsWith("MLPW 1\n", File.ReadAllText(version1));
        string output = _temporary.File("out.mlpw");
        (string[] Arguments, int ExitCode, string Line)[] cases =
        [
            ([missing, output, "--data", TestData.MnistDirectory], 2, $"IN: the file {missing} does not exist."),
            ([_temporary.File("model.onnx"), output], 2, $"IN: {_temporary.File("model.onnx")} has the extension '.onnx'; expected a .mlpw weights file (convert makes one from .onnx or .json)."),
            ([int8, _temporary.File("out.txt")], 2, $"OUT: {_temporary.File("out.txt")} has the extension '.txt'; expected .mlpw."),
            ([int8, Path.Combine(_temporary.Path, "no-such-directory", "out.mlpw")], 2, $"OUT: the directory {Path.Combine(_temporary.Path, "no-such-directory")} does not exist."),
            ([int8, output, "--data", TestData.MnistDirectory], 1, $"{int8}: line 3: expected element float32 or float64, found int8: a quantized network, which WeightsFile.ReadQuantized reads"),
            ([version1, output, "--data", TestData.MnistDirectory], 2, $"IN: {version1} is a version 1 weights file, which does not record its activations; load it into its network and save it again (version 2) first."),
            ([int8, output, "--max-drop", "-1"], 2, "--max-drop: expected a finite number of 0 or more, found '-1'."),
            ([int8, output, "--calibration", "0"], 2, "--calibration: expected a whole number of 1 or more, found '0'."),
        ];
        foreach ((string[] arguments, int exitCode, string expected) in cases)
        {
            DotNetCli.Result result = Quantize(arguments);
            AssertNoStackTrace(result);
            Assert.Equal(expected + Environment.NewLine, result.Output);
            Assert.Equal(exitCode, result.ExitCode);
            Assert.False(File.Exists(output), string.Join(" ", arguments));
        }
    }
}
