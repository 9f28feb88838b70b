using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using MlpGen.InferenceSample;

// Classifies handwritten digits with a network whose trained weights are compiled into the app.
//   MlpGen.InferenceSample [--int8] <images.idx[.gz]> [<labels.idx[.gz]>]
//       prints the accuracy when labels are given, and SHA-256 digests of all predicted classes and
//       of all output activations, so that two builds of the app (JIT and NativeAOT, say) can be
//       compared exactly;
//   MlpGen.InferenceSample --first <images.idx[.gz]>
//       prints the class of the first image and exits: timing this run measures the time from
//       process start to the first prediction.
// --int8 runs the int8 network (DigitNetInt8, the same network quantized) instead of the float one.

bool int8 = args.Length > 0 && args[0] == "--int8";
if (int8) args = args[1..];
bool firstOnly = args.Length == 2 && args[0] == "--first";
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: MlpGen.InferenceSample [--int8] <images.idx[.gz]> [<labels.idx[.gz]>] | [--int8] --first <images.idx[.gz]>");
    return 2;
}

try
{
    var network = new DigitNet();   // the baked parameters: nothing to load
    var network8 = new DigitNetInt8();   // the int8 network: nothing to load either
    (byte[] pixels, int count) = Idx.ReadImages(firstOnly ? args[1] : args[0], DigitNet.InputSize, firstOnly ? 1 : int.MaxValue);
    var inputs = new float[count * DigitNet.InputSize];
    for (int p = 0; p < inputs.Length; p++) inputs[p] = pixels[p] / 255f;

    if (firstOnly)
    {
        if (count == 0) throw new InvalidDataException($"{args[1]}: expected at least one image, found none");
        Console.WriteLine($"first image: {(int8 ? network8.Classify(inputs) : network.Classify(inputs))}");
        return 0;
    }
    // Every sample's outputs, at once on every core (bit for bit the serial PredictBatch's); and each sample's class
    // from them, the index of its largest output (ClassOf).
    var outputs = new float[count * DigitNet.OutputSize];
    if (int8) network8.PredictBatch(inputs, outputs, Environment.ProcessorCount);
    else network.PredictBatch(inputs, outputs, Environment.ProcessorCount);
    var classes = new byte[count];
    for (int i = 0; i < count; i++) classes[i] = (byte)DigitNet.ClassOf(outputs.AsSpan(i * DigitNet.OutputSize, DigitNet.OutputSize));

    if (args.Length == 2)
    {
        byte[] labels = Idx.ReadLabels(args[1], count);
        int correct = 0;
        for (int i = 0; i < count; i++) if (labels[i] == classes[i]) correct++;
        Console.WriteLine($"accuracy {correct} / {count}");
    }
    Console.WriteLine($"classes sha256 {Convert.ToHexStringLower(SHA256.HashData(classes))}");
    Console.WriteLine($"outputs sha256 {Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(outputs.AsSpan())))}");
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

/// <summary>Just enough of the IDX format (raw or gzip) to read MNIST images and labels.</summary>
internal static class Idx
{
    /// <summary>Reads up to <paramref name="limit"/> images.</summary>
    public static (byte[] Pixels, int Count) ReadImages(string path, int pixelsPerImage, int limit)
    {
        byte[] data = Read(path, limit == int.MaxValue ? int.MaxValue : 16 + limit * pixelsPerImage);
        Check(path, data, 0x0803, 16);
        int count = BigEndian(data, 4), rows = BigEndian(data, 8), columns = BigEndian(data, 12);
        if ((long)rows * columns != pixelsPerImage) throw new InvalidDataException($"{path}: offset 8: expected images of {pixelsPerImage} pixels, found {rows}×{columns}");
        count = Math.Min(count, limit);
        if (data.Length < 16 + (long)count * pixelsPerImage) throw new InvalidDataException($"{path}: expected {16 + (long)count * pixelsPerImage} bytes for {count} images, found {data.Length}");
        if (limit == int.MaxValue && data.Length != 16 + (long)count * pixelsPerImage) throw new InvalidDataException($"{path}: expected {16 + (long)count * pixelsPerImage} bytes for {count} images, found {data.Length}");
        return (data[16..(16 + count * pixelsPerImage)], count);
    }

    public static byte[] ReadLabels(string path, int count)
    {
        byte[] data = Read(path, int.MaxValue);
        Check(path, data, 0x0801, 8);
        if (BigEndian(data, 4) != count || data.Length != 8 + count) throw new InvalidDataException($"{path}: offset 4: expected {count} labels, found {BigEndian(data, 4)} in {data.Length - 8} bytes");
        return data[8..];
    }

    /// <summary>The file's bytes (decompressed if it is gzip), at most <paramref name="limit"/> of them.</summary>
    private static byte[] Read(string path, int limit)
    {
        using FileStream file = File.OpenRead(path);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while (memory.Length < limit && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, limit - memory.Length))) > 0)
        {
            memory.Write(buffer, 0, read);
        }
        return memory.ToArray();
    }

    private static void Check(string path, byte[] data, int magic, int header)
    {
        if (data.Length < header) throw new InvalidDataException($"{path}: expected a {header}-byte IDX header, found {data.Length} bytes");
        if (BigEndian(data, 0) != magic) throw new InvalidDataException($"{path}: offset 0: expected IDX magic 0x{magic:x8}, found 0x{BigEndian(data, 0):x8}");
    }

    private static int BigEndian(byte[] data, int offset) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
}
