using System;
using System.Buffers.Binary;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlpGen.Persistence;

/// <summary>A weights file that cannot be loaded; the message names the file, the byte offset, what was expected and what was found.</summary>
public sealed class WeightsFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> at <paramref name="offset"/>; <paramref name="problem"/> says what was expected and found.</summary>
    public WeightsFormatException(string path, long offset, string problem)
        : base($"{path}: at byte {offset}: {problem}")
    {
        FilePath = path;
        Offset = offset;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string FilePath { get; }

    /// <summary>Where in the file the problem is.</summary>
    public long Offset { get; }
}

/// <summary>
/// Saves and loads a network's parameters in the MlpGen weights format (extension <c>.mlpw</c>),
/// version 1. All integers are little-endian:
/// <code>
/// offset  size  field
///      0     4  magic "MLPW"
///      4     2  format version (1)
///      6     1  bytes per element: 4 (float32) or 8 (float64)
///      7     1  reserved, 0
///      8     4  number of layers L+1, input layer included
///     12  4(L+1) layer sizes, input first
///      …     8  number of parameters P
///      …  P×4|8 parameters: for each layer l, W_l row-major [out, in], then b_l (IEEE 754)
///      …     4  CRC-32 (IEEE) of every byte before it
/// </code>
/// Saving writes a temporary file beside the target and renames it into place, so a crash never
/// leaves a half-written weights file under the real name.
/// </summary>
public static class WeightsFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const ushort FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "MLPW"u8;

    /// <summary>Writes the network's topology and parameters to <paramref name="path"/>, atomically.</summary>
    public static void Save<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        byte[] bytes = Serialize(network.LayerSizes, MemoryMarshal.AsBytes<T>(network.Parameters), Unsafe.SizeOf<T>());
        string fullPath = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
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
    /// <exception cref="WeightsFormatException">The file is corrupt, of another version, element type or topology.</exception>
    public static void Load<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        byte[] file = File.ReadAllBytes(path);
        int elementSize = Unsafe.SizeOf<T>();
        Require(file.Length >= 16, path, 0, $"expected a weights file of at least 16 bytes, found {file.Length} bytes");
        Require(file.AsSpan(0, 4).SequenceEqual(Magic), path, 0,
            $"expected the magic \"MLPW\", found {Convert.ToHexString(file.AsSpan(0, 4))} (not an MlpGen weights file)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(4));
        Require(version == FormatVersion, path, 4, $"expected format version {FormatVersion}, found {version}");
        Require(file[6] == elementSize, path, 6,
            $"expected {elementSize}-byte elements ({typeof(T).Name}) for this network, found {file[6]}-byte elements");

        uint layerCount = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        long headerLength = 12 + 4L * layerCount + 8;
        Require(layerCount >= 2 && layerCount <= 1024 && headerLength <= file.Length, path, 8,
            $"expected a layer count from 2 to 1024 that fits the file, found {layerCount}");
        var sizes = new int[layerCount];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12 + 4 * i));
        string fileTopology = string.Join("-", sizes);
        string networkTopology = string.Join("-", network.LayerSizes.ToArray());
        Require(fileTopology == networkTopology, path, 12, $"expected the topology {networkTopology} of the network, found {fileTopology}");

        long parameterCount = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)headerLength - 8));
        Require(parameterCount == network.ParameterCount, path, headerLength - 8,
            $"expected {network.ParameterCount} parameters, found {parameterCount}");
        long expectedLength = headerLength + parameterCount * elementSize + 4;
        Require(file.Length == expectedLength, path, Math.Min(file.Length, expectedLength),
            $"expected {expectedLength} bytes in all, found {file.Length}{(file.Length < expectedLength ? " (truncated)" : " (extra bytes)")}");

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(file.Length - 4));
        uint actual = Crc32.Append(0, file.AsSpan(0, file.Length - 4));
        Require(stored == actual, path, file.Length - 4, $"checksum mismatch: the file records CRC-32 {stored:X8}, its contents give {actual:X8} (the file is corrupt)");

        file.AsSpan((int)headerLength, (int)(parameterCount * elementSize)).CopyTo(MemoryMarshal.AsBytes(network.Parameters));
    }

    /// <summary>The bytes of a weights file holding <paramref name="parameters"/>.</summary>
    internal static byte[] Serialize(ReadOnlySpan<int> layerSizes, ReadOnlySpan<byte> parameters, int elementSize)
    {
        int headerLength = 12 + 4 * layerSizes.Length + 8;
        var bytes = new byte[headerLength + parameters.Length + 4];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), FormatVersion);
        bytes[6] = (byte)elementSize;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)layerSizes.Length);
        for (int i = 0; i < layerSizes.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12 + 4 * i), layerSizes[i]);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(headerLength - 8), parameters.Length / elementSize);
        parameters.CopyTo(bytes.AsSpan(headerLength));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Append(0, bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    private static void Require(bool condition, string path, long offset, string problem)
    {
        if (!condition) throw new WeightsFormatException(path, offset, problem);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("MlpGen weights files are read and written on little-endian machines only.");
    }
}
