using System;
using System.IO;
using MlpGen.Interop.Network2;
using MlpGen.Interop.Onnx;
using MlpGen.Persistence;

namespace MlpGen.Interop;

/// <summary>The formats a network converts between, by file extension.</summary>
public enum ModelFormat
{
    /// <summary>MlpGen's weights file, <c>.mlpw</c> (what the generator bakes).</summary>
    MlpGenWeights,

    /// <summary>ONNX, <c>.onnx</c>: imported from PyTorch's <c>torch.onnx.export</c> of an MLP, exported for ONNX Runtime.</summary>
    Onnx,

    /// <summary>network2.py's JSON, <c>.json</c> (Michael Nielsen's <c>Network.save</c>).</summary>
    Network2Json,
}

/// <summary>
/// Reads and writes a network in any of the formats of <see cref="ModelFormat"/>, chosen by the file's extension.
/// Every read checks the whole file before it returns; every write goes through a temporary file renamed into
/// place, so a failed conversion never leaves a half-written output.
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// A larger file is not an MLP's model: refused, whatever its format, before it is read into memory. 256 MiB of
    /// float32 weights are 64 million parameters; reading them takes the file's bytes plus about three copies as
    /// doubles (the decoded tensors, the layers, the parameters), a few GiB at most.
    /// </summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>The format of <paramref name="path"/> by its extension, or null for an extension of none of them.</summary>
    public static ModelFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mlpw" => ModelFormat.MlpGenWeights,
        ".onnx" => ModelFormat.Onnx,
        ".json" => ModelFormat.Network2Json,
        _ => null,
    };

    /// <summary>Reads the network in <paramref name="path"/>, in the format its extension names.</summary>
    /// <exception cref="ModelFormatException">The file is not a network of its format MlpGen can hold, or larger than <see cref="MaxFileBytes"/>; the message says where and why.</exception>
    /// <exception cref="WeightsFormatException">A <c>.mlpw</c> file is malformed or corrupt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NetworkWeights Read(string path) => Read(path, note: null);

    /// <summary>Reads the network in <paramref name="path"/>, and says what the import changed about the model (an ONNX model's flattened input, folded BatchNormalization, GELU and SiLU subgraphs) to <paramref name="note"/>.</summary>
    /// <inheritdoc cref="Read(string)"/>
    public static NetworkWeights Read(string path, Action<string>? note)
    {
        ModelFormat format = FormatOf(path) ?? throw new ModelFormatException(path, $"unknown extension '{Path.GetExtension(path)}'; expected .onnx, .json (network2.py) or .mlpw");
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
            throw new ModelFormatException(path, $"{length:N0} bytes; MlpGen reads models of at most {MaxFileBytes:N0} bytes ({MaxFileBytes >> 20} MiB)");
        try
        {
            if (format == ModelFormat.MlpGenWeights) return WeightsFile.Read(path);
            byte[] bytes = File.ReadAllBytes(path);
            return format == ModelFormat.Onnx ? OnnxImporter.Import(bytes, path, note) : Network2Json.Read(bytes, path);
        }
        catch (ArgumentException e)
        {
            // The readers check what they build NetworkWeights from; should a check be missing, NetworkWeights' own
            // (the parts do not make one network) still ends as one line naming the file, not as a stack trace.
            throw new ModelFormatException(path, $"not a network MlpGen can hold: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>The bytes of <paramref name="network"/> in <paramref name="format"/>.</summary>
    /// <exception cref="ModelFormatException">The format cannot hold this network (network2.py's JSON: sigmoid networks only), or its activations are not known (version 1 weights); <paramref name="path"/> names the output in the message.</exception>
    public static byte[] Encode(NetworkWeights network, ModelFormat format, string path)
    {
        if (format is ModelFormat.Onnx or ModelFormat.Network2Json && network.Activations is null)
            throw new ModelFormatException(path, UnknownActivations);
        return format switch
        {
            ModelFormat.Onnx => OnnxExporter.Export(network),
            ModelFormat.Network2Json => Network2Json.Write(network, path),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "weights files are written by WeightsFile.Write"),
        };
    }

    /// <summary>Why a network of unknown activations is not written as ONNX or JSON.</summary>
    internal const string UnknownActivations =
        "version 1 weights do not record their activations, which ONNX and network2.py's JSON need; load the file into its network class "
        + "(WeightsFile.Load) and save it with WeightsFile.Save, which writes version 2 with the class's activations, then convert that";

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> in the format its extension names, atomically.</summary>
    /// <remarks>A network of unknown activations (read from a version 1 weights file) is written to <c>.mlpw</c> as version 1, and refused for <c>.onnx</c> and <c>.json</c>.</remarks>
    /// <exception cref="ModelFormatException">The extension is unknown, or its format cannot hold this network; nothing is written.</exception>
    /// <exception cref="IOException">The file cannot be written; nothing is left behind.</exception>
    public static void Write(string path, NetworkWeights network)
    {
        ModelFormat format = FormatOf(path) ?? throw new ModelFormatException(path, $"unknown extension '{Path.GetExtension(path)}'; expected .onnx, .json (network2.py) or .mlpw");
        if (format == ModelFormat.MlpGenWeights)
        {
            WeightsFile.Write(path, network);
            return;
        }
        AtomicFile.Write(path, Encode(network, format, path), format == ModelFormat.Onnx ? "the ONNX model" : "the JSON");
    }
}
