using System;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using MlpGen.Quantization;

namespace MlpGen.Persistence;

/// <summary>A weights file that cannot be loaded; the message names the file, the line, what was expected and what was found.</summary>
public sealed class WeightsFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> at <paramref name="line"/>; <paramref name="problem"/> says what was expected and found.</summary>
    public WeightsFormatException(string path, int line, string problem)
        : base($"{path}: line {line}: {problem}")
    {
        FilePath = path;
        Line = line;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line of the file where the problem is.</summary>
    public int Line { get; }
}

/// <summary>
/// Saves and loads a network's parameters in the MlpGen weights format (extension <c>.mlpw</c>),
/// version 2 (version 1 files still load): ASCII text, so that the file can also be handed to the compiler as an
/// <c>AdditionalFiles</c> item and baked into a network class by the generator (the compiler
/// refuses binary additional files with CS2015). The layout is described on <see cref="FormatVersion"/>.
/// Loading checks every line, the topology, element type and (version 2) activations against the
/// network, the parameter count against the topology, the data length and the checksum before it
/// touches the network. Saving writes a temporary file beside the target and
/// renames it into place, so a crash never leaves a half-written weights file under the real name;
/// a symbolic link is written through (its final target gets the data, the link stays a link), and
/// the file keeps its permissions.
/// </summary>
public static class WeightsFile
{
    /// <summary>
    /// The format version this library writes and reads:
    /// <code>
    /// MLPW 2                      magic and format version
    /// topology 784-16-16-10       layer sizes, input first
    /// element float32             float32 or float64
    /// parameters 13002            number of weights and biases
    /// crc32 1a2b3c4d              CRC-32 (IEEE) of the parameter bytes below
    /// activations relu relu softmax  the activation of each layer after the input, the output's last
    /// cost log-likelihood         quadratic, cross-entropy, log-likelihood or unspecified
    /// data
    /// AAAAPz8/...                 the parameters as little-endian IEEE 754 bytes, base64, 76 characters a line:
    /// ...                         for each layer l, W_l row-major [out, in], then b_l
    /// end
    /// </code>
    /// Lines end in LF (CRLF is accepted). Version 1 files have no <c>activations</c> and <c>cost</c>
    /// lines; they load into any network of their topology and element type.
    /// </summary>
    public const int FormatVersion = WeightsFormat.Version;

    /// <summary>The format version of a quantized (int8) network's file (<see cref="Write(string, QuantizedNetwork)"/>): version 2 with <c>element int8</c> and the int8 data.</summary>
    public const int QuantizedFormatVersion = WeightsFormat.QuantizedVersion;

    /// <summary>
    /// Writes the network's topology and parameters to <paramref name="path"/>, atomically: through a
    /// temporary file beside the file that is written, renamed over it. When <paramref name="path"/> is a
    /// symbolic link, its final target is written and the link stays; an existing file keeps its
    /// permissions (on Unix).
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and says why (a <see cref="DirectoryNotFoundException"/> for a missing directory). Nothing is left behind.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission to write the file is denied; the message names <paramref name="path"/>.</exception>
    public static void Save<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        string text = WeightsFormat.Format(network.LayerSizes.ToArray(), ElementName<T>(), MemoryMarshal.AsBytes<T>(network.Parameters).ToArray(),
            NetworkRules.Names(network.Activations.ToArray()), NetworkRules.Name(network.CostFunction));
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(text), "the weights");
    }

    /// <summary>
    /// Writes <paramref name="weights"/> to <paramref name="path"/> in the current format version, atomically, as
    /// <see cref="Save{T}"/> does; weights of unknown activations (read from a version 1 file) are written as version 1,
    /// which records none, so that the file does not claim activations the network may not have had.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and says why. Nothing is left behind.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission to write the file is denied.</exception>
    public static void Write(string path, NetworkWeights weights)
    {
        EnsureLittleEndian();
        byte[] data = weights.Element == WeightsElement.Float32
            ? MemoryMarshal.AsBytes<float>(Array.ConvertAll(weights.Parameters, p => (float)p)).ToArray()
            : MemoryMarshal.AsBytes<double>(weights.Parameters).ToArray();
        string text = WeightsFormat.Format([.. weights.LayerSizes], weights.ElementName, data,
            weights.Activations is { } activations ? NetworkRules.Names(activations) : null, weights.CostName);
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(text), "the weights");
    }

    /// <summary>
    /// Reads a whole weights file without a network class: topology, activations, cost and parameters.
    /// A version 1 file does not record its activations or cost (MlpGen wrote sigmoid, tanh, ReLU and softmax networks
    /// alike as version 1): both are read as unknown, <see cref="NetworkWeights.Activations"/> and
    /// <see cref="NetworkWeights.Cost"/> null.
    /// </summary>
    /// <exception cref="WeightsFormatException">The file is malformed, corrupt or of an unknown version; the message names the file and line.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory or cannot be read; the message names it.</exception>
    public static NetworkWeights Read(string path)
    {
        EnsureLittleEndian();
        WeightsFormat.Result result = WeightsFormat.Parse(ReadText(path));
        if (result.Value is not { } contents) throw new WeightsFormatException(path, result.Line, result.Message);
        Require(contents.Element != WeightsFormat.Int8, path, 3, "expected element float32 or float64, found int8: a quantized network, which WeightsFile.ReadQuantized reads");
        double[] parameters = contents.Element == "float32"
            ? Array.ConvertAll(MemoryMarshal.Cast<byte, float>(contents.Parameters).ToArray(), p => (double)p)
            : MemoryMarshal.Cast<byte, double>(contents.Parameters).ToArray();
        // The parser has checked the names: each is one of NetworkRules' (or the cost 'unspecified').
        ActivationFunction[]? activations = contents.Activations is { } names ? Array.ConvertAll(names, ParseActivation) : null;
        CostFunction? cost = contents.Cost is { } costName && NetworkRules.TryParseCost(costName, out CostFunction known) ? known : null;
        return new NetworkWeights(contents.LayerSizes, activations, cost,
            contents.Element == "float32" ? WeightsElement.Float32 : WeightsElement.Float64, parameters);
    }

    /// <summary>Reads a quantized (int8, format version 3) network written by <see cref="Write(string, QuantizedNetwork)"/>.</summary>
    /// <exception cref="WeightsFormatException">The file is malformed or corrupt, or holds a float network; the message names the file and line.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory or cannot be read; the message names it.</exception>
    public static QuantizedNetwork ReadQuantized(string path)
    {
        EnsureLittleEndian();
        WeightsFormat.Result result = WeightsFormat.Parse(ReadText(path));
        if (result.Value is not { } contents) throw new WeightsFormatException(path, result.Line, result.Message);
        Require(contents.Element == WeightsFormat.Int8, path, 3, $"expected element int8 (a quantized network), found {contents.Element}: a float network, which WeightsFile.Read reads");
        // The parser has checked the layout, the scales, the biases and the codes (WeightsFormat's int8 data).
        int[] sizes = contents.LayerSizes;
        ReadOnlySpan<byte> data = contents.Parameters;
        var layers = new QuantizedLayer[sizes.Length - 1];
        for (int l = 1; l < sizes.Length; l++)
        {
            int n = sizes[l - 1], m = sizes[l];
            float inputScale = MemoryMarshal.Read<float>(data);
            float[] scales = MemoryMarshal.Cast<byte, float>(data.Slice(4, 4 * m)).ToArray();
            float[] biases = MemoryMarshal.Cast<byte, float>(data.Slice(4 + 4 * m, 4 * m)).ToArray();
            sbyte[] weights = MemoryMarshal.Cast<byte, sbyte>(data.Slice(4 + 8 * m, m * n)).ToArray();
            layers[l - 1] = new QuantizedLayer(n, m, inputScale, scales, biases, weights);
            data = data[(int)WeightsFormat.Int8LayerBytes(n, m)..];
        }
        CostFunction? cost = contents.Cost is { } costName && NetworkRules.TryParseCost(costName, out CostFunction known) ? known : null;
        return new QuantizedNetwork(sizes, Array.ConvertAll(contents.Activations!, ParseActivation), cost, layers);
    }

    /// <summary>Writes a quantized network to <paramref name="path"/> as format version 3 (<c>element int8</c>), atomically, as <see cref="Save{T}"/> does.</summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and says why. Nothing is left behind.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission to write the file is denied.</exception>
    public static void Write(string path, QuantizedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        EnsureLittleEndian();
        var data = new byte[network.DataBytes];
        Span<byte> rest = data;
        foreach (QuantizedLayer layer in network.Layers)
        {
            MemoryMarshal.Write(rest, layer.InputScale);
            MemoryMarshal.AsBytes(layer.WeightScales).CopyTo(rest[4..]);
            MemoryMarshal.AsBytes(layer.Biases).CopyTo(rest[(4 + 4 * layer.Outputs)..]);
            MemoryMarshal.AsBytes(layer.Weights).CopyTo(rest[(4 + 8 * layer.Outputs)..]);
            rest = rest[(int)WeightsFormat.Int8LayerBytes(layer.Inputs, layer.Outputs)..];
        }
        string text = WeightsFormat.Format([.. network.LayerSizes], WeightsFormat.Int8, data, NetworkRules.Names([.. network.Activations]),
            network.Cost is { } cost ? NetworkRules.Name(cost) : WeightsFormat.UnspecifiedCost);
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(text), "the weights");
    }

    private static ActivationFunction ParseActivation(string name) =>
        NetworkRules.TryParseActivation(name, out ActivationFunction activation) ? activation : throw new ArgumentException($"Not an activation: '{name}'.", nameof(name));

    /// <summary>Reads the parameters in <paramref name="path"/> into <paramref name="network"/>, after checking that the file is intact and of the same topology and element type.</summary>
    /// <exception cref="WeightsFormatException">The file is malformed or corrupt, of another version, element type or topology.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory or cannot be read; the message names it.</exception>
    public static void Load<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        WeightsFormat.Result result = WeightsFormat.Parse(ReadText(path));
        // The header first: a file of another network is that, whatever else is wrong with its data.
        if (result.LayerSizes is { } layerSizes)
        {
            string networkTopology = ParameterLayout.Topology(network.LayerSizes.ToArray());
            string fileTopology = ParameterLayout.Topology(layerSizes);
            Require(fileTopology == networkTopology, path, 2, $"expected the topology {networkTopology} of the network, found {fileTopology}");
            string quantized = result.Element == WeightsFormat.Int8 ? " (a quantized network, which WeightsFile.ReadQuantized reads)" : "";
            Require(result.Element == ElementName<T>(), path, 3, $"expected element {ElementName<T>()} for this network, found {result.Element}{quantized}");
        }
        if (result.Activations is { } fileActivations)
        {
            string networkActivations = string.Join(" ", NetworkRules.Names(network.Activations.ToArray()));
            string trained = string.Join(" ", fileActivations);
            Require(trained == networkActivations, path, 6,
                $"expected the activations {networkActivations} of the network, found {trained} (the weights were trained with other activations)");
        }
        if (result.Value is not { } contents) throw new WeightsFormatException(path, result.Line, result.Message);
        contents.Parameters.CopyTo(MemoryMarshal.AsBytes(network.Parameters));
    }

    private static string ElementName<T>() => WeightsFormat.ElementName(Unsafe.SizeOf<T>());

    /// <summary>The file's text; a directory is named as such, not reported as a denied access.</summary>
    private static string ReadText(string path)
    {
        if (Directory.Exists(path)) throw new IOException($"{path}: expected a weights file, found a directory");
        return File.ReadAllText(path, Encoding.ASCII);
    }

    private static void Require(bool condition, string path, int line, string problem)
    {
        if (!condition) throw new WeightsFormatException(path, line, problem);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("MlpGen weights files are read and written on little-endian machines only.");
    }
}
