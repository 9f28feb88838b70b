using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace MlpGen.Data;

/// <summary>An array read from an IDX file: its dimensions and its unsigned bytes, in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data);

/// <summary>
/// Reads the IDX format of the MNIST files (raw, or gzip-compressed when the name ends in .gz):
/// a magic number 0x00 0x00 type dims, then each dimension as a big-endian int32, then the data.
/// Everything the header claims is checked against the file before the data is allocated.
/// </summary>
public static class IdxReader
{
    /// <summary>The element type code of unsigned bytes, the only type MNIST uses.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>The most data bytes an IDX array may declare (arrays beyond it are taken as corrupt headers).</summary>
    public const long MaxDataBytes = int.MaxValue - 64;

    /// <summary>Reads an IDX file of unsigned bytes with <paramref name="dimensionCount"/> dimensions.</summary>
    /// <exception cref="IdxFormatException">The file is not such an IDX file; the message says what is wrong and where.</exception>
    public static IdxArray Read(string path, int dimensionCount)
    {
        using FileStream file = File.OpenRead(path);
        bool gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        long? decompressedLength = gzip ? ReadGzipLength(file, path) : file.Length;
        Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path, dimensionCount, decompressedLength);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, 0, $"not a valid gzip stream ({e.Message})", e);
        }
        finally
        {
            stream.Dispose();
        }
    }

    private static IdxArray Read(Stream stream, string path, int dimensionCount, long? totalLength)
    {
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path, 0, "the 4-byte magic number");
        if (header[0] != 0 || header[1] != 0)
        {
            throw new IdxFormatException(path, 0,
                $"expected an IDX magic number 0x0000{UnsignedByte:X2}{dimensionCount:X2}, found 0x{BinaryPrimitives.ReadUInt32BigEndian(header):X8} (not an IDX file)");
        }
        if (header[2] != UnsignedByte)
        {
            throw new IdxFormatException(path, 2, $"expected element type 0x{UnsignedByte:X2} (unsigned byte), found 0x{header[2]:X2} ({TypeName(header[2])})");
        }
        if (header[3] != dimensionCount)
        {
            throw new IdxFormatException(path, 3, $"expected {dimensionCount} dimension(s), found {header[3]}");
        }

        var dimensions = new int[dimensionCount];
        Span<byte> word = stackalloc byte[4];
        long dataBytes = 1;
        for (int i = 0; i < dimensionCount; i++)
        {
            long offset = 4 + 4 * i;
            ReadExactly(stream, word, path, offset, $"dimension {i}");
            int size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size <= 0)
            {
                throw new IdxFormatException(path, offset, $"expected dimension {i} to be at least 1, found {size}");
            }
            dimensions[i] = size;
            dataBytes *= size;
            if (dataBytes > MaxDataBytes)
            {
                throw new IdxFormatException(path, offset, $"the dimensions {string.Join(" × ", dimensions[..(i + 1)])} claim more than {MaxDataBytes:N0} bytes of data");
            }
        }

        long headerBytes = 4 + 4L * dimensionCount;
        if (totalLength is { } total)
        {
            // For a raw file this is its length; for gzip the size the trailer records (modulo 2^32).
            long claimed = headerBytes + dataBytes;
            bool matches = stream is GZipStream ? (claimed & 0xFFFFFFFF) == total : claimed == total;
            if (!matches)
            {
                string what = stream is GZipStream ? "the gzip trailer records" : "the file holds";
                throw new IdxFormatException(path, headerBytes,
                    $"the header ({string.Join(" × ", dimensions)}) claims {claimed:N0} bytes in all, but {what} {total:N0}{(total < claimed ? " (truncated)" : " (extra bytes)")}");
            }
        }

        var data = new byte[dataBytes];
        ReadExactly(stream, data, path, headerBytes, $"{dataBytes:N0} bytes of data ({string.Join(" × ", dimensions)})");
        if (stream.ReadByte() != -1)
        {
            throw new IdxFormatException(path, headerBytes + dataBytes, $"expected the end of the data after {dataBytes:N0} bytes, found more bytes");
        }
        return new IdxArray(dimensions, data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, long offset, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0)
            {
                throw new IdxFormatException(path, offset + read, $"the file is truncated: expected {what}, found only {read:N0} of {buffer.Length:N0} bytes");
            }
            read += n;
        }
    }

    /// <summary>Reads ISIZE, the uncompressed length modulo 2^32, from the last 4 bytes of a gzip file.</summary>
    private static long ReadGzipLength(FileStream file, string path)
    {
        if (file.Length < 18)
        {
            throw new IdxFormatException(path, 0, $"expected a gzip file (at least 18 bytes), found {file.Length} bytes");
        }
        Span<byte> magic = stackalloc byte[2];
        file.ReadExactly(magic);
        if (magic[0] != 0x1F || magic[1] != 0x8B)
        {
            throw new IdxFormatException(path, 0, $"expected the gzip signature 1F 8B (the name ends in .gz), found {magic[0]:X2} {magic[1]:X2}");
        }
        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Seek(0, SeekOrigin.Begin);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    private static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "short",
        0x0C => "int",
        0x0D => "float",
        0x0E => "double",
        _ => "unknown type",
    };
}
