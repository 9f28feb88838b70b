using System;
using System.IO;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>Weights files round-trip exactly, and every kind of bad file is refused with a clear message.</summary>
public sealed class WeightsFileTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private string PathOf(string name) => _temporary.File(name);

    private string Saved(INetwork<float> network, string name = "net.mlpw")
    {
        string path = PathOf(name);
        WeightsFile.Save(path, network);
        return path;
    }

    private static WeightsFormatException Refused<T>(string path, INetwork<T> into, params string[] fragments)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path, into));
        Assert.StartsWith(path, e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
        return e;
    }

    [Fact]
    public void RoundTrip_Float_RestoresParametersAndPredictionsExactly()
    {
        var trained = new Net784x16x16x10(1);
        string path = Saved(trained);
        var loaded = new Net784x16x16x10(2);
        WeightsFile.Load(path, loaded);
        Assert.True(trained.Parameters.SequenceEqual(loaded.Parameters));

        var input = Samples.ToSingle(Samples.For(784, 10, 1, 3).Inputs);
        float[] a = new float[10], b = new float[10];
        trained.Predict(input, a);
        loaded.Predict(input, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void RoundTrip_Double()
    {
        var trained = new Net3x5x7x2x4D(1);
        string path = PathOf("d.mlpw");
        WeightsFile.Save(path, trained);
        var loaded = new Net3x5x7x2x4D(2);
        WeightsFile.Load(path, loaded);
        Assert.True(trained.Parameters.SequenceEqual(loaded.Parameters));
    }

    [Fact]
    public void Header_IsTheDocumentedLayout()
    {
        byte[] bytes = File.ReadAllBytes(Saved(new Net2x2x1(1)));
        Assert.Equal("MLPW"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BitConverter.ToUInt16(bytes, 4));      // version
        Assert.Equal(4, bytes[6]);                              // float32
        Assert.Equal(3u, BitConverter.ToUInt32(bytes, 8));      // layers
        Assert.Equal(2, BitConverter.ToInt32(bytes, 12));
        Assert.Equal(2, BitConverter.ToInt32(bytes, 16));
        Assert.Equal(1, BitConverter.ToInt32(bytes, 20));
        Assert.Equal(9L, BitConverter.ToInt64(bytes, 24));      // parameters
        Assert.Equal(32 + 9 * 4 + 4, bytes.Length);
    }

    [Fact]
    public void OtherTopology_IsAClearError()
    {
        string path = Saved(new Net784x30x10(1));
        Refused(path, new Net784x16x16x10(1), "at byte 12", "expected the topology 784-16-16-10 of the network, found 784-30-10");
    }

    [Fact]
    public void OtherElementType_IsAClearError()
    {
        string path = Saved(new Net2x2x1(1));
        Refused(path, new Net2x2x1D(1), "at byte 6", "expected 8-byte elements (Double)", "found 4-byte elements");
    }

    [Fact]
    public void CorruptByte_FailsTheChecksum_AndLeavesTheNetworkUntouched()
    {
        string path = Saved(new Net784x16x16x10(1));
        byte[] bytes = File.ReadAllBytes(path);
        bytes[5000] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var network = new Net784x16x16x10(2);
        float[] before = network.Parameters.ToArray();
        Refused(path, network, "checksum mismatch", "corrupt");
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Truncated_IsAClearError()
    {
        string path = Saved(new Net2x2x1(1));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        Refused(path, new Net2x2x1(1), "expected 72 bytes in all, found 62", "truncated");
    }

    [Fact]
    public void NotAWeightsFile_IsAClearError()
    {
        string path = PathOf("readme.txt");
        File.WriteAllText(path, "This is not a weights file at all.");
        Refused(path, new Net2x2x1(1), "at byte 0", "expected the magic \"MLPW\"", "not an MlpGen weights file");
    }

    [Fact]
    public void FutureVersion_IsAClearError()
    {
        string path = Saved(new Net2x2x1(1));
        byte[] bytes = File.ReadAllBytes(path);
        bytes[4] = 2;
        File.WriteAllBytes(path, bytes);
        Refused(path, new Net2x2x1(1), "at byte 4", "expected format version 1, found 2");
    }

    [Fact]
    public void Save_ReplacesAtomically_AndLeavesNoTemporaryFiles()
    {
        string path = Saved(new Net2x2x1(1));
        byte[] first = File.ReadAllBytes(path);
        Saved(new Net2x2x1(2));
        Assert.NotEqual(first, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_temporary.Path));
    }

    [Fact]
    public void Save_ThatFails_KeepsTheOldFileAndLeavesNoTemporaryFiles()
    {
        string target = PathOf("occupied");
        Directory.CreateDirectory(target); // a directory where the file should go: the rename must fail
        Assert.ThrowsAny<IOException>(() => WeightsFile.Save(target, new Net2x2x1(1)));
        Assert.Empty(Directory.GetFiles(_temporary.Path));
        Assert.True(Directory.Exists(target));
    }
}
