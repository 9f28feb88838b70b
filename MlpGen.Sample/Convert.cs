using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using MlpGen.Interop;
using MlpGen.Persistence;

namespace MlpGen.Sample;

/// <summary>
/// <c>convert IN OUT</c>: converts a network between ONNX (<c>.onnx</c>), network2.py JSON (<c>.json</c>) and MlpGen
/// weights (<c>.mlpw</c>), by extension, and prints what it converted: topology, activations, cost, element type and
/// parameter count, what the import changed about the model (an ONNX model's flattened input and its shape, a folded
/// BatchNormalization, a GELU or SiLU subgraph read as one activation), and for a weights file the attribute that
/// bakes it. Both paths are checked before anything is read; the whole input is checked before anything is written;
/// the output is written to a temporary file renamed into place, so a failed conversion leaves no output behind.
/// </summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "The network to read: .onnx (an MLP exported by torch.onnx.export), .json (network2.py's save) or .mlpw." };
        var output = new Argument<string>("OUT") { Description = "The file to write: .onnx, .json or .mlpw, by extension." };
        var command = new Command("convert", "Converts a network between ONNX, network2.py JSON and MlpGen weights files (by extension).") { input, output };
        command.SetAction(parse => SampleError.Run(() => Run(parse.GetValue(input)!, parse.GetValue(output)!)));
        return command;
    }

    private static int Run(string inputPath, string outputPath)
    {
        if (ModelFile.FormatOf(inputPath) is null)
            throw SampleError.Usage($"IN: {inputPath} has the extension '{Path.GetExtension(inputPath)}'; expected .onnx, .json (network2.py) or .mlpw.");
        if (ModelFile.FormatOf(outputPath) is not { } outputFormat)
            throw SampleError.Usage($"OUT: {outputPath} has the extension '{Path.GetExtension(outputPath)}'; expected .onnx, .json (network2.py) or .mlpw.");
        if (Directory.Exists(inputPath)) throw SampleError.Usage($"IN: {Path.GetFullPath(inputPath)} is a directory, not a model file.");
        if (!File.Exists(inputPath)) throw SampleError.Usage($"IN: the file {Path.GetFullPath(inputPath)} does not exist.");
        Preflight.CheckOutputPath(outputPath, "OUT");

        var notes = new List<string>();
        NetworkWeights network = ModelFile.Read(inputPath, notes.Add);
        ModelFile.Write(outputPath, network);   // before anything is printed: a format that cannot hold the network is one line
        Console.WriteLine($"Read {inputPath}: {Describe(network)}.");
        foreach (string note in notes) Console.WriteLine($"  {note}.");   // what the import changed: a flattened input, a folded BatchNormalization, …
        Console.WriteLine($"Wrote {Path.GetFullPath(outputPath)} ({Name(outputFormat)}).");
        if (outputFormat == ModelFormat.MlpGenWeights)
        {
            Console.WriteLine($"Bake it into a class (with <AdditionalFiles Include=\"{Path.GetFileName(outputPath)}\" />):");
            Console.WriteLine($"  {NetworkDeclaration.Attribute(network, Path.GetFileName(outputPath))} public partial class Model {{ }}");
            if (network.Activations is null)
                Console.WriteLine("  (version 1 weights do not record their activations: add Hidden and Output as the network was trained)");
        }
        return 0;
    }

    private static string Name(ModelFormat format) => format switch
    {
        ModelFormat.Onnx => "ONNX, opset 13",
        ModelFormat.Network2Json => "network2.py JSON",
        _ => "MlpGen weights",
    };

    private static string Describe(NetworkWeights network)
    {
        string activations = "activations unknown (version 1 weights), ";
        if (network.Activations is { } known)
        {
            string hidden = string.Join(", ", NetworkRules.Names(known)[..^1].Distinct());
            activations = $"{(hidden.Length > 0 ? hidden + " hidden, " : "")}{NetworkRules.Name(known[^1])} output, ";
        }
        return $"{network.Topology}, {activations}cost {network.CostName}, {network.ElementName}, {network.ParameterCount:N0} parameters";
    }
}
