using System;
using System.Buffers.Binary;
using System.IO;

namespace MlpGen.Data;

/// <summary>An array read from an IDX file: its dimensions and its unsigned bytes, in row-major order.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data);

/// <summary>
/// Reads the IDX format of the MNIST files (raw, or gzip-compressed when the name ends in .gz):
/// a magic number 0x00 0x00 type dims, then each dimension as a big-endian int32, then the data.
/// No buffer is sized from an unverified claim: a raw file's header is checked against the file's
/// length before the data is allocated; a .gz file's data buffer grows as data really decompresses,
/// never beyond what the header needs. A .gz file may have several gzip members (as concatenating
/// gzip files makes); each is checked, and a file that ends inside one or has anything after the
/// last is refused.
/// </summary>
public static class IdxReader
{
    /// <summary>The element type code of unsigned bytes, the only type MNIST uses.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>The most data bytes an IDX array may declare (arrays beyond it are taken as corrupt headers).</summary>
    public const long MaxDataBytes = int.MaxValue - 64;

    /// <summary>The size of the first data buffer of a .gz file, which then doubles as data arrives.</summary>
    internal const int InitialBufferBytes = 64 * 1024;

    /// <summary>How many bytes after the IDX data of a .gz file are counted for the message before it says "more than".</summary>
    private const long TrailingBytesCounted = 1024 * 1024;

    /// <summary>Reads an IDX file of unsigned bytes with <paramref name="dimensionCount"/> dimensions.</summary>
    /// <exception cref="IdxFormatException">The file is not such an IDX file; the message says what is wrong and where.</exception>
    public static IdxArray Read(string path, int dimensionCount)
    {
        using FileStream file = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new GzipMemberStream(file, path);
            return Read(gzip, path, dimensionCount, fileLength: null);
        }
        return Read(file, path, dimensionCount, file.Length);
    }

    /// <summary>Reads the IDX data in <paramref name="stream"/>: a raw file of <paramref name="fileLength"/> bytes, or decompressed gzip data (null) whose length is known only once it has all been read.</summary>
    private static IdxArray Read(Stream stream, string path, int dimensionCount, long? fileLength)
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
        long claimed = headerBytes + dataBytes;
        string shape = string.Join(" × ", dimensions);
        byte[] data;
        if (fileLength is { } length)
        {
            // A raw file's length is a fact: the header must match it before anything is allocated.
            if (length < claimed)
            {
                throw new IdxFormatException(path, length,
                    $"the file is truncated: the header ({shape}) claims {claimed:N0} bytes in all, but the file ends after {length:N0}");
            }
            if (length > claimed)
            {
                throw new IdxFormatException(path, claimed,
                    $"{length - claimed:N0} bytes follow the IDX data (trailing garbage): the header ({shape}) claims {claimed:N0} bytes in all, the file holds {length:N0}");
            }
            data = new byte[dataBytes];
            ReadExactly(stream, data, path, headerBytes, $"{dataBytes:N0} bytes of data ({shape})");
        }
        else
        {
            data = ReadGrowing(stream, path, headerBytes, dataBytes, shape);
        }

        // Also for a raw file: it may have grown since its length was taken.
        long extra = CountRest(stream);
        if (extra > 0)
        {
            string count = extra > TrailingBytesCounted ? $"more than {TrailingBytesCounted:N0}" : $"{extra:N0}";
            throw new IdxFormatException(path, claimed, $"{count} bytes follow the IDX data of {claimed:N0} bytes (trailing garbage)");
        }
        return new IdxArray(dimensions, data);
    }

    /// <summary>
    /// Reads <paramref name="dataBytes"/> bytes of decompressed data into a buffer that starts small
    /// and doubles only as data really arrives, so that a header claiming more than the file holds
    /// costs no more than what the file holds.
    /// </summary>
    private static byte[] ReadGrowing(Stream stream, string path, long headerBytes, long dataBytes, string shape)
    {
        var data = new byte[Math.Min(dataBytes, InitialBufferBytes)];
        int filled = 0;
        while (filled < dataBytes)
        {
            if (filled == data.Length) Array.Resize(ref data, (int)Math.Min(dataBytes, 2L * data.Length));
            int n = stream.Read(data, filled, data.Length - filled);
            if (n == 0)
            {
                throw new IdxFormatException(path, headerBytes + filled,
                    $"the decompressed data is truncated: the header ({shape}) claims {dataBytes:N0} bytes of data, the gzip data holds only {filled:N0}");
            }
            filled += n;
        }
        return data;
    }

    /// <summary>Reads to the end of <paramref name="stream"/> (which checks the rest of a gzip file) and counts the bytes, up to a little more than <see cref="TrailingBytesCounted"/>.</summary>
    private static long CountRest(Stream stream)
    {
        byte[] discard = new byte[4096];
        long count = 0;
        int n;
        while (count <= TrailingBytesCounted && (n = stream.Read(discard, 0, discard.Length)) > 0) count += n;
        return count;
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
