using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Quantization;

namespace MlpGen.Sample;

/// <summary>
/// <c>quantize IN OUT</c>: quantizes a float network (a <c>.mlpw</c> weights file) to int8 (<see cref="Quantizer"/>:
/// per-output-channel symmetric weights, input scales calibrated on the first training images), runs the float and
/// the int8 network on the test images and prints one line that begins <c>Quantized:</c> with both accuracies, their
/// agreement and the data sizes. It writes OUT (format version 3) only when the int8 network loses at most
/// <c>--max-drop</c> points of accuracy: a collapse is refused in one line, exit code 1, and nothing is written.
/// Both paths are checked before any data is read.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "The float network to quantize: a .mlpw weights file (float32 or float64, format version 2)." };
        var output = new Argument<string>("OUT") { Description = "The int8 weights file to write (.mlpw, format version 3)." };
        var data = new DataSource();
        Option<int> calibration = NumericOption.WholeNumber("--calibration", null,
            "Training images the input scales are calibrated on (the first ones; at most all of them).", defaultValue: 2000, minimum: 1);
        Option<double?> maxDrop = NumericOption.NonNegativeReal("--max-drop",
            "The most accuracy, in percentage points on the test images, the int8 network may lose; beyond it nothing is written (default: 1).");
        var fullRange = new Option<bool>("--full-range")
        {
            Description = "Code every row of weights on the whole −127…127, even where the x64 kernels then cannot pair their sums (slower batches; docs/quantization.md).",
        };
        var command = new Command("quantize", "Quantizes a network to 8-bit integers, compares it with the float one on the test images, and writes it if it kept its accuracy.")
        {
            input, output, data.Data, data.NoDownload, calibration, fullRange, maxDrop,
        };
        command.SetAction(parse => SampleError.Run(() => Run(parse.GetValue(input)!, parse.GetValue(output)!, data.Directory(parse), parse.GetValue(data.NoDownload),
            parse.GetValue(calibration), parse.GetValue(fullRange), parse.GetValue(maxDrop) ?? DefaultMaxDrop)));
        return command;
    }

    /// <summary>The most accuracy the int8 network may lose by default: one percentage point.</summary>
    private const double DefaultMaxDrop = 1;

    private static int Run(string inputPath, string outputPath, string dataDirectory, bool noDownload, int calibrationCount, bool fullRange, double maxDrop)
    {
        if (!IsWeightsFile(inputPath)) throw SampleError.Usage($"IN: {inputPath} has the extension '{Path.GetExtension(inputPath)}'; expected a .mlpw weights file (convert makes one from .onnx or .json).");
        if (!IsWeightsFile(outputPath)) throw SampleError.Usage($"OUT: {outputPath} has the extension '{Path.GetExtension(outputPath)}'; expected .mlpw.");
        if (Directory.Exists(inputPath)) throw SampleError.Usage($"IN: {Path.GetFullPath(inputPath)} is a directory, not a weights file.");
        if (!File.Exists(inputPath)) throw SampleError.Usage($"IN: the file {Path.GetFullPath(inputPath)} does not exist.");
        Preflight.CheckOutputPath(outputPath, "OUT");

        NetworkWeights network = WeightsFile.Read(inputPath);
        if (network.Activations is null)
            throw SampleError.Usage($"IN: {Path.GetFullPath(inputPath)} is a version 1 weights file, which does not record its activations; load it into its network and save it again (version 2) first.");
        (Dataset<float> train, Dataset<float> test) = DataSource.Load(dataDirectory, noDownload);
        Preflight.CheckImageSize(network.LayerSizes, train, dataDirectory, MnistSplit.Train);
        Preflight.CheckImageSize(network.LayerSizes, test, dataDirectory, MnistSplit.Test);
        if (network.LayerSizes[^1] < test.OutputSize)
            throw SampleError.Usage($"IN: the network has {network.LayerSizes[^1]} outputs; the test images have {test.OutputSize} classes.");

        int calibrationImages = Math.Min(calibrationCount, train.Count);
        Console.WriteLine($"Read {inputPath}: {network}.");
        Console.WriteLine($"Calibrating the int8 scales on the first {calibrationImages:N0} training images, comparing on the {test.Count:N0} test images.");
        QuantizedNetwork quantized = Quantizer.Quantize(network, train.Inputs[..(calibrationImages * train.InputSize)], fullRange);
        QuantizationReport report = Quantizer.Compare(network, quantized, test);

        long floatBytes = network.ParameterCount * (network.Element == WeightsElement.Float32 ? sizeof(float) : sizeof(double));
        double change = report.Int8Accuracy - report.FloatAccuracy;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Quantized: float {report.FloatAccuracy:0.00} %, int8 {report.Int8Accuracy:0.00} % ({Signed(change)} points) on {report.Samples:N0} test images; "
            + $"same class for {report.Agreement:0.0} %; weights {floatBytes:N0} → {quantized.DataBytes:N0} bytes."));
        if (report.Drop > maxDrop)
        {
            throw SampleError.Failure(string.Create(CultureInfo.InvariantCulture,
                $"quantize: the int8 network loses {report.Drop:0.00} points of accuracy, more than --max-drop {maxDrop:0.##}; {Path.GetFullPath(outputPath)} was not written."));
        }
        WeightsFile.Write(outputPath, quantized);
        Console.WriteLine($"Wrote {Path.GetFullPath(outputPath)} (int8, format version {WeightsFile.QuantizedFormatVersion}, {new FileInfo(outputPath).Length:N0} bytes; the float file has {new FileInfo(inputPath).Length:N0}).");
        Console.WriteLine($"Bake it into a class (docs/quantization.md): {BakingAttribute(quantized, Path.GetFileName(outputPath))}");
        return 0;
    }

    /// <summary>The attribute that bakes an int8 file into a class of its topology and activations (and the cost it was trained on, when known).</summary>
    internal static string BakingAttribute(QuantizedNetwork network, string fileName)
    {
        var arguments = new List<string> { string.Join(", ", network.LayerSizes) };
        ActivationFunction[] hidden = network.Activations.Take(network.Activations.Count - 1).ToArray();
        if (hidden.Length > 0)
        {
            arguments.Add(hidden.All(a => a == hidden[0])
                ? $"Hidden = NetworkActivation.{hidden[0]}"
                : $"HiddenLayers = new[] {{ {string.Join(", ", Array.ConvertAll(hidden, a => $"NetworkActivation.{a}"))} }}");
        }
        arguments.Add($"Output = NetworkOutput.{network.Activations[^1]}");
        if (network.Cost is { } cost) arguments.Add($"Cost = NetworkCost.{cost}");
        arguments.Add($"Weights = \"{fileName}\"");
        return $"[Network({string.Join(", ", arguments)})]";
    }

    private static bool IsWeightsFile(string path) => string.Equals(Path.GetExtension(path), ".mlpw", StringComparison.OrdinalIgnoreCase);

    /// <summary>A change with its sign, the minus sign typeset: <c>+0.05</c>, <c>−0.13</c>, <c>0.00</c>.</summary>
    private static string Signed(double change)
    {
        string magnitude = Math.Abs(change).ToString("0.00", CultureInfo.InvariantCulture);
        return magnitude == "0.00" ? magnitude : (change < 0 ? "−" : "+") + magnitude;
    }
}
