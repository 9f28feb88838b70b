using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using MlpGen.Data;

namespace MlpGen.Tests.Infrastructure;

/// <summary>Writes IDX files (the MNIST format) for tests: any element type, dimensions and bytes, raw or gzipped.</summary>
internal static class IdxFiles
{
    /// <summary>The bytes of an IDX file: two zero bytes, the element type, the dimension count, each dimension big-endian, the data.</summary>
    public static byte[] Idx(byte type, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Writes both files of an MNIST split into <paramref name="directory"/>: one image of rows × columns pixels per label, gzipped.</summary>
    public static void WriteMnistSplit(string directory, MnistSplit split, int rows, int columns, byte[] labels)
    {
        (string images, string labelsName) = Mnist.FileNames(split);
        byte[] pixels = Enumerable.Range(0, labels.Length * rows * columns).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(Path.Combine(directory, images + ".gz"), Gzip(Idx(0x08, new[] { labels.Length, rows, columns }, pixels)));
        File.WriteAllBytes(Path.Combine(directory, labelsName + ".gz"), Gzip(Idx(0x08, new[] { labels.Length }, labels)));
    }
}
