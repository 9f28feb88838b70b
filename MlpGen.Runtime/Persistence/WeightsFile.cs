using System;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

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
/// version 1: ASCII text, so that the file can also be handed to the compiler as an
/// <c>AdditionalFiles</c> item (the compiler refuses binary additional files with CS2015).
/// <code>
/// MLPW 1                      magic and format version
/// topology 784-16-16-10       layer sizes, input first
/// element float32             float32 or float64
/// parameters 13002            number of weights and biases
/// crc32 1a2b3c4d              CRC-32 (IEEE) of the parameter bytes below
/// data
/// AAAAPz8/...                 the parameters as little-endian IEEE 754 bytes, base64, 76 characters a line:
/// ...                         for each layer l, W_l row-major [out, in], then b_l
/// end
/// </code>
/// Lines end in LF (CRLF is accepted). Loading checks every line, the parameter count against the
/// topology, the data length and the checksum before it touches the network. Saving writes a
/// temporary file beside the target and renames it into place, so a crash never leaves a
/// half-written weights file under the real name.
/// </summary>
public static class WeightsFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const int Base64LineLength = 76;

    /// <summary>Writes the network's topology and parameters to <paramref name="path"/>, atomically.</summary>
    public static void Save<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        string text = Format(network.LayerSizes, ElementName<T>(), MemoryMarshal.AsBytes<T>(network.Parameters));
        string fullPath = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.ASCII.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Reads the parameters in <paramref name="path"/> into <paramref name="network"/>, after checking that the file is intact and of the same topology and element type.</summary>
    /// <exception cref="WeightsFormatException">The file is malformed or corrupt, of another version, element type or topology.</exception>
    public static void Load<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        Contents contents = Parse(path, File.ReadAllText(path, Encoding.ASCII));
        string networkTopology = string.Join("-", network.LayerSizes.ToArray());
        Require(contents.Topology == networkTopology, path, 2, $"expected the topology {networkTopology} of the network, found {contents.Topology}");
        Require(contents.Element == ElementName<T>(), path, 3, $"expected element {ElementName<T>()} for this network, found {contents.Element}");
        contents.Parameters.CopyTo(MemoryMarshal.AsBytes(network.Parameters));
    }

    /// <summary>The text of a weights file.</summary>
    internal static string Format(ReadOnlySpan<int> layerSizes, string element, ReadOnlySpan<byte> parameters)
    {
        var text = new StringBuilder();
        text.Append("MLPW ").Append(FormatVersion).Append('\n');
        text.Append("topology ").Append(string.Join("-", layerSizes.ToArray())).Append('\n');
        text.Append("element ").Append(element).Append('\n');
        text.Append("parameters ").Append(parameters.Length / ElementSize(element)).Append('\n');
        text.Append("crc32 ").Append(Crc32.Append(0, parameters).ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        text.Append("data\n");
        string base64 = Convert.ToBase64String(parameters);
        for (int i = 0; i < base64.Length; i += Base64LineLength)
        {
            text.Append(base64, i, Math.Min(Base64LineLength, base64.Length - i)).Append('\n');
        }
        text.Append("end\n");
        return text.ToString();
    }

    /// <summary>What a well-formed weights file holds.</summary>
    internal sealed record Contents(string Topology, string Element, byte[] Parameters);

    /// <summary>Parses and checks the text of a weights file; every defect throws with its line.</summary>
    internal static Contents Parse(string path, string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        string Line(int number) => number <= lines.Length ? lines[number - 1] : "";
        string Found(int number) => number <= lines.Length && lines[number - 1].Length > 0
            ? $"'{(lines[number - 1].Length > 40 ? lines[number - 1][..40] + "…" : lines[number - 1])}'"
            : "nothing (truncated)";
        string Field(int number, string name)
        {
            string line = Line(number);
            Require(line.StartsWith(name + " ", StringComparison.Ordinal), path, number, $"expected '{name} …', found {Found(number)}");
            return line[(name.Length + 1)..];
        }

        Require(Line(1).StartsWith("MLPW ", StringComparison.Ordinal), path, 1, $"expected 'MLPW {FormatVersion}' (an MlpGen weights file), found {Found(1)}");
        Require(Line(1) == $"MLPW {FormatVersion}", path, 1, $"expected format version {FormatVersion}, found {Found(1)}");

        string topology = Field(2, "topology");
        string[] sizeTexts = topology.Split('-');
        var sizes = new long[sizeTexts.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            Require(int.TryParse(sizeTexts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size > 0, path, 2,
                $"expected layer sizes of at least 1 separated by '-', found '{topology}'");
            sizes[i] = size;
        }
        Require(sizes.Length >= 2, path, 2, $"expected at least two layer sizes, found '{topology}'");

        string element = Field(3, "element");
        Require(element is "float32" or "float64", path, 3, $"expected 'float32' or 'float64', found '{element}'");

        long expectedCount = 0;
        for (int l = 1; l < sizes.Length; l++) expectedCount += sizes[l] * (sizes[l - 1] + 1);
        string countText = Field(4, "parameters");
        Require(long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count == expectedCount, path, 4,
            $"expected {expectedCount} parameters for the topology {topology}, found '{countText}'");

        string crcText = Field(5, "crc32");
        Require(uint.TryParse(crcText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint crc) && crcText.Length == 8, path, 5,
            $"expected 8 hexadecimal digits, found '{crcText}'");
        Require(Line(6) == "data", path, 6, $"expected 'data', found {Found(6)}");

        long expectedBytes = expectedCount * ElementSize(element);
        // The base64 text bounds the data, so a header that claims a huge topology allocates nothing big.
        var data = new MemoryStream((int)Math.Min(expectedBytes, text.Length));
        int number = 7;
        for (; number <= lines.Length && lines[number - 1] != "end"; number++)
        {
            byte[] chunk;
            try
            {
                chunk = Convert.FromBase64String(lines[number - 1]);
            }
            catch (FormatException)
            {
                throw new WeightsFormatException(path, number, $"expected base64 data or 'end', found {Found(number)}");
            }
            data.Write(chunk);
        }
        Require(number <= lines.Length, path, number, $"expected 'end' after the data, found the end of the file (truncated)");
        Require(data.Length == expectedBytes, path, number,
            $"expected {expectedBytes} bytes of data ({expectedCount} {element} values), found {data.Length}{(data.Length < expectedBytes ? " (truncated)" : "")}");
        for (int rest = number + 1; rest <= lines.Length; rest++)
        {
            Require(lines[rest - 1].Length == 0, path, rest, $"expected nothing after 'end', found {Found(rest)}");
        }

        byte[] parameters = data.ToArray();
        uint actual = Crc32.Append(0, parameters);
        Require(actual == crc, path, 5, $"checksum mismatch: the file records CRC-32 {crc:x8}, its data gives {actual:x8} (the file is corrupt)");
        return new Contents(topology, element, parameters);
    }

    private static string ElementName<T>() => Unsafe.SizeOf<T>() == 4 ? "float32" : "float64";

    private static int ElementSize(string element) => element == "float32" ? 4 : 8;

    private static void Require(bool condition, string path, int line, string problem)
    {
        if (!condition) throw new WeightsFormatException(path, line, problem);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("MlpGen weights files are read and written on little-endian machines only.");
    }
}
