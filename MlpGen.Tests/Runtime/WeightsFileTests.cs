using System;
using System.IO;
using System.Linq;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>Weights files round-trip exactly, are plain text, and every kind of bad file is refused with a clear message.</summary>
public sealed class WeightsFileTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private string Saved(INetwork<float> network, string name = "net.mlpw")
    {
        string path = _temporary.File(name);
        WeightsFile.Save(path, network);
        return path;
    }

    /// <summary>Saves a 2-2-1 network, rewrites its text with <paramref name="edit"/>, and expects loading to fail at <paramref name="line"/>.</summary>
    private WeightsFormatException Refused(Func<string, string> edit, int line, params string[] fragments)
    {
        string path = Saved(new Net2x2x1(1));
        File.WriteAllText(path, edit(File.ReadAllText(path)));
        return Refused(path, new Net2x2x1(2), line, fragments);
    }

    private static WeightsFormatException Refused<T>(string path, INetwork<T> into, int line, params string[] fragments)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T[] before = into.Parameters.ToArray();
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path, into));
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"{path}: line {line}: ", e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
        Assert.Equal(before, into.Parameters.ToArray()); // a refused file leaves the network as it was
        return e;
    }

    [Fact]
    public void FileOfOtherActivations_IsRefusedNamingBoth() =>
        Refused(t => t.Replace("activations sigmoid sigmoid", "activations relu softmax"), 6,
            "expected the activations sigmoid sigmoid of the network, found relu softmax (the weights were trained with other activations)");

    [Fact]
    public void UnknownActivationOrCost_IsAClearError()
    {
        Refused(t => t.Replace("activations sigmoid sigmoid", "activations sigmoid gelu"), 6, "expected 2 activations separated by spaces", "found 'sigmoid gelu'");
        Refused(t => t.Replace("activations sigmoid sigmoid", "activations softmax sigmoid"), 6, "found 'softmax sigmoid'");
        Refused(t => t.Replace("cost quadratic", "cost hinge"), 7, "expected one of quadratic, cross-entropy, log-likelihood, unspecified, found 'hinge'");
    }

    [Fact]
    public void Version1File_StillLoads_IntoAnyNetworkOfItsShape()
    {
        // The inference sample's weights were saved by MlpGen before version 2; they load (and bake, see BakedWeightsTests).
        string version1 = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw");
        Assert.StartsWith("MLPW 1\n", File.ReadAllText(version1));
        var network = new Net784x16x16x10(1);
        WeightsFile.Load(version1, network);
        NetworkWeights read = WeightsFile.Read(version1);
        Assert.Equal("784-16-16-10", read.Topology);
        // Version 1 records no activations or cost (MlpGen saved relu, tanh and softmax networks as version 1 too): unknown.
        Assert.Null(read.Activations);
        Assert.Null(read.Cost);
        Assert.Equal("unknown (version 1)", read.ActivationNames);
        Assert.Equal(network.Parameters.ToArray().Select(p => (double)p), read.Parameters);
    }

    [Fact]
    public void Version1File_ReadThenWritten_StaysVersion1_ByteForByte()
    {
        string version1 = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw");
        string copy = _temporary.File("copy.mlpw");
        WeightsFile.Write(copy, WeightsFile.Read(version1));
        Assert.Equal(File.ReadAllText(version1).Replace("\r\n", "\n"), File.ReadAllText(copy));
    }

    [Fact]
    public void ReadThenWrite_GivesTheSameFile()
    {
        string path = Saved(new Net784x16x16x10(3));
        NetworkWeights read = WeightsFile.Read(path);
        Assert.Equal(WeightsElement.Float32, read.Element);
        Assert.Equal(CostFunction.Quadratic, read.Cost);
        string copy = _temporary.File("copy.mlpw");
        WeightsFile.Write(copy, read);
        Assert.Equal(File.ReadAllText(path), File.ReadAllText(copy));
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
    public void RoundTrip_Double_IncludingSpecialValues()
    {
        var trained = new Net3x5x7x2x4D(1);
        trained.Parameters[0] = double.Epsilon;
        trained.Parameters[1] = -0.0;
        trained.Parameters[2] = double.MaxValue;
        string path = _temporary.File("d.mlpw");
        WeightsFile.Save(path, trained);
        var loaded = new Net3x5x7x2x4D(2);
        WeightsFile.Load(path, loaded);
        Assert.True(trained.Parameters.SequenceEqual(loaded.Parameters));
        Assert.True(double.IsNegative(loaded.Parameters[1]));
    }

    [Fact]
    public void File_IsTheDocumentedPlainText()
    {
        string path = Saved(new Net2x2x1(1));
        byte[] bytes = File.ReadAllBytes(path);
        Assert.All(bytes, b => Assert.True(b is (byte)'\n' or >= 0x20 and < 0x7F, $"byte {b} is not printable ASCII"));
        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.Equal("MLPW 2", lines[0]);
        Assert.Equal("topology 2-2-1", lines[1]);
        Assert.Equal("element float32", lines[2]);
        Assert.Equal("parameters 9", lines[3]);
        Assert.Matches("^crc32 [0-9a-f]{8}$", lines[4]);
        Assert.Equal("activations sigmoid sigmoid", lines[5]);
        Assert.Equal("cost quadratic", lines[6]);
        Assert.Equal("data", lines[7]);
        Assert.Equal(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new Net2x2x1(1).Parameters)), lines[8]);
        Assert.Equal(new[] { "end", "" }, lines[9..]);
    }

    [Fact]
    public void LongData_IsWrappedAt76Characters_AndCrlfLineEndsAreAccepted()
    {
        var trained = new Net784x30x10(1);
        string path = Saved(trained);
        string[] data = File.ReadAllText(path).Split('\n').SkipWhile(l => l != "data").Skip(1).TakeWhile(l => l != "end").ToArray();
        Assert.True(data.Length > 100);
        Assert.All(data[..^1], l => Assert.Equal(76, l.Length));

        File.WriteAllText(path, File.ReadAllText(path).Replace("\n", "\r\n")); // as git may check it out on Windows
        var loaded = new Net784x30x10(2);
        WeightsFile.Load(path, loaded);
        Assert.True(trained.Parameters.SequenceEqual(loaded.Parameters));
    }

    [Fact]
    public void OtherTopology_IsAClearError() =>
        Refused(Saved(new Net784x30x10(1)), new Net784x16x16x10(1), 2, "expected the topology 784-16-16-10 of the network, found 784-30-10");

    [Fact]
    public void OtherElementType_IsAClearError() =>
        Refused(Saved(new Net2x2x1(1)), new Net2x2x1D(1), 3, "expected element float64 for this network, found float32");

    [Fact]
    public void ElementLineSaysFloat64_ForAFloatNetwork_IsAnElementMismatch_NotTruncation()
    {
        // A float32 file whose line 3 says float64: the network's element is checked before the data's length.
        var e = Refused(t => t.Replace("element float32", "element float64"), 3, "expected element float32 for this network, found float64");
        Assert.DoesNotContain("truncated", e.Message);
    }

    [Fact]
    public void ElementLineSaysFloat32_ForADoubleNetwork_IsAnElementMismatch()
    {
        string path = _temporary.File("d.mlpw");
        WeightsFile.Save(path, new Net2x2x1D(1));
        File.WriteAllText(path, File.ReadAllText(path).Replace("element float64", "element float32"));
        Refused(path, new Net2x2x1D(2), 3, "expected element float64 for this network, found float32");
    }

    [Fact]
    public void ElementLineContradictingTheData_SaysWhatTheDataHolds()
    {
        // The same edited files loaded into a network of the element line 3 claims: the data is of the other one.
        string single = Saved(new Net2x2x1(1));
        File.WriteAllText(single, File.ReadAllText(single).Replace("element float32", "element float64"));
        Refused(single, new Net2x2x1D(2), 3, "the data holds 9 float32 values (36 bytes), but line 3 says element float64 (which would be 72 bytes)");

        string dual = _temporary.File("d.mlpw");
        WeightsFile.Save(dual, new Net2x2x1D(1));
        File.WriteAllText(dual, File.ReadAllText(dual).Replace("element float64", "element float32"));
        Refused(dual, new Net2x2x1(2), 3, "the data holds 9 float64 values (72 bytes), but line 3 says element float32 (which would be 36 bytes)");
    }

    [Fact]
    public void OtherTopology_IsReportedBeforeDefectsOfTheData()
    {
        string path = Saved(new Net784x30x10(1));
        string[] lines = File.ReadAllText(path).Split('\n');
        File.WriteAllText(path, string.Join('\n', lines[..50]));
        Refused(path, new Net784x16x16x10(1), 2, "expected the topology 784-16-16-10 of the network, found 784-30-10");
    }

    [Fact]
    public void TopologyWhoseParameterCountOverflows_IsAClearError() =>
        Refused(t => t.Replace("topology 2-2-1", "topology 2147483647-2147483647-2147483647-2147483647"), 2,
            "expected a topology of at most 576460752303423487 parameters, found '2147483647-2147483647-2147483647-2147483647'");

    [Fact]
    public void CorruptData_FailsTheChecksum()
    {
        string path = Saved(new Net784x16x16x10(1));
        string[] lines = File.ReadAllText(path).Split('\n');
        char[] line = lines[100].ToCharArray();
        line[10] = line[10] == 'A' ? 'B' : 'A';
        lines[100] = new string(line);
        File.WriteAllText(path, string.Join('\n', lines));
        Refused(path, new Net784x16x16x10(2), 5, "checksum mismatch", "the file is corrupt");
    }

    [Fact]
    public void NotBase64_IsAClearError() =>
        Refused(t => t.Replace("\nend\n", "\nthis is not base64!\nend\n"), 10, "expected base64 data or 'end', found 'this is not base64!'");

    [Fact]
    public void TruncatedData_IsAClearError()
    {
        string path = Saved(new Net784x16x16x10(1));
        string[] lines = File.ReadAllText(path).Split('\n');
        File.WriteAllText(path, string.Join('\n', lines[..50]));
        Refused(path, new Net784x16x16x10(2), 51, "expected 'end' after the data, found the end of the file (truncated)");
    }

    [Fact]
    public void MissingDataLines_IsAClearError() =>
        Refused(t => string.Join('\n', t.Split('\n').Where((_, index) => index != 8)), 9, "expected 36 bytes of data (9 float32 values), found 0 (truncated)");

    [Fact]
    public void NotAWeightsFile_IsAClearError() =>
        Refused(_ => "This is not a weights file at all.\n", 1, "expected 'MLPW 2' (an MlpGen weights file), found 'This is not a weights file at all.'");

    [Fact]
    public void EmptyFile_IsAClearError() =>
        Refused(_ => "", 1, "expected 'MLPW 2'", "found nothing (truncated)");

    [Fact]
    public void FutureVersion_IsAClearError() =>
        Refused(t => t.Replace("MLPW 2", "MLPW 4"), 1, "expected format version 1, 2 or 3, found 'MLPW 4'");

    [Fact]
    public void InconsistentParameterCount_IsAClearError() =>
        Refused(t => t.Replace("parameters 9", "parameters 10"), 4, "expected 9 parameters for the topology 2-2-1, found '10'");

    [Fact]
    public void UnknownElement_IsAClearError() =>
        Refused(t => t.Replace("element float32", "element float16"), 3, "expected 'float32' or 'float64', found 'float16'");

    [Fact]
    public void BadTopology_IsAClearError() =>
        Refused(t => t.Replace("topology 2-2-1", "topology 2-x-1"), 2, "expected layer sizes of at least 1 separated by '-', found '2-x-1'");

    [Fact]
    public void AHugeOrMultiLineValue_IsQuotedAsAShortExcerptOnOneLine()
    {
        string topology = "2-x\r" + new string('9', 5_000);
        var e = Refused(t => t.Replace("topology 2-2-1", "topology " + topology), 2,
            "expected layer sizes of at least 1 separated by '-', found '2-x\\r999");
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.EndsWith("…'", e.Message);
        Assert.True(e.Message.Length < 200, $"a {e.Message.Length}-character message");
    }

    [Fact]
    public void HugeClaimedTopology_IsRefusedWithoutAllocatingForIt()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Refused(t => t.Replace("topology 2-2-1", "topology 100000-100000").Replace("parameters 9", "parameters 10000100000"),
            2, "expected the topology 2-2-1 of the network, found 100000-100000");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "the claimed 40 GB were allocated for");
    }

    [Fact]
    public void TextAfterEnd_IsAClearError() =>
        Refused(t => t + "garbage\n", 11, "expected nothing after 'end', found 'garbage'");

    [Fact]
    public void Save_ReplacesAtomically_AndLeavesNoTemporaryFiles()
    {
        string path = Saved(new Net2x2x1(1));
        string first = File.ReadAllText(path);
        Saved(new Net2x2x1(2));
        Assert.NotEqual(first, File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_temporary.Path));
    }

    /// <summary>Asserts that a failed save's message names the path it was given and not the hidden temporary file.</summary>
    private static void NamesTheTarget(Exception e, string path)
    {
        Assert.StartsWith($"Cannot save the weights to {path}", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
    }

    [Fact]
    public void Save_ThatFails_KeepsWhatWasThereAndLeavesNoTemporaryFiles()
    {
        string target = _temporary.File("occupied");
        Directory.CreateDirectory(target); // a directory where the file should go: the rename must fail
        var e = Assert.ThrowsAny<IOException>(() => WeightsFile.Save(target, new Net2x2x1(1)));
        NamesTheTarget(e, target);
        Assert.Empty(Directory.GetFiles(_temporary.Path));
        Assert.True(Directory.Exists(target));
    }

    [Fact]
    public void Save_IntoAMissingDirectory_NamesTheTarget()
    {
        string target = _temporary.File(Path.Combine("missing", "net.mlpw"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => WeightsFile.Save(target, new Net2x2x1(1)));
        NamesTheTarget(e, target);
        Assert.Empty(Directory.GetFileSystemEntries(_temporary.Path));
    }

    [Fact]
    public void Save_UnderAPathWhoseParentIsAFile_NamesTheTargetAndLeavesNothingBehind()
    {
        // Root ignores a read-only directory, so the failure is provoked with a file where a directory should be.
        string file = _temporary.File("plain");
        File.WriteAllText(file, "not a directory");
        string target = Path.Combine(file, "net.mlpw");
        var e = Assert.ThrowsAny<IOException>(() => WeightsFile.Save(target, new Net2x2x1(1)));
        NamesTheTarget(e, target);
        Assert.Equal(new[] { file }, Directory.GetFileSystemEntries(_temporary.Path));
        Assert.Equal("not a directory", File.ReadAllText(file));
    }

    [Fact]
    public void Save_ThroughASymbolicLink_WritesItsTargetAndKeepsTheLink()
    {
        if (OperatingSystem.IsWindows()) return; // creating links needs a privilege there
        string models = Directory.CreateDirectory(_temporary.File("models")).FullName;
        string real = Path.Combine(models, "real.mlpw");
        WeightsFile.Save(real, new Net2x2x1(1));
        string link = _temporary.File("net.mlpw");
        File.CreateSymbolicLink(link, Path.Combine("models", "real.mlpw")); // relative, as `ln -s` makes it

        WeightsFile.Save(link, new Net2x2x1(2));

        Assert.Equal(Path.Combine("models", "real.mlpw"), new FileInfo(link).LinkTarget);
        var loaded = new Net2x2x1(3);
        WeightsFile.Load(real, loaded);
        Assert.Equal(new Net2x2x1(2).Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(new[] { link }, Directory.GetFiles(_temporary.Path));
        Assert.Equal(new[] { real }, Directory.GetFiles(models));
    }

    [Fact]
    public void Save_ThroughADanglingSymbolicLink_CreatesItsTarget()
    {
        if (OperatingSystem.IsWindows()) return;
        string link = _temporary.File("net.mlpw");
        string real = _temporary.File("real.mlpw");
        File.CreateSymbolicLink(link, real);
        WeightsFile.Save(link, new Net2x2x1(1));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        WeightsFile.Load(real, new Net2x2x1(2));
    }

    [Fact]
    public void Save_KeepsTheFilesPermissions()
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 600
        string path = Saved(new Net2x2x1(1));
        File.SetUnixFileMode(path, Private);
        Saved(new Net2x2x1(2));
        Assert.Equal(Private, File.GetUnixFileMode(path));

        // Through a link: the target keeps its mode.
        string link = _temporary.File("link.mlpw");
        File.CreateSymbolicLink(link, path);
        const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupWrite; // 660
        File.SetUnixFileMode(path, Shared);
        WeightsFile.Save(link, new Net2x2x1(3));
        Assert.Equal(Shared, File.GetUnixFileMode(path));
    }
    /// <summary>Issue 16, item 8: one prefix, one path ("Cannot save the weights to X: Cannot save the weights to X: …" before).</summary>
    [Fact]
    public void Save_ThatFails_NamesThePathOnce()
    {
        string target = _temporary.File(Path.Combine("missing", "net.mlpw"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => WeightsFile.Save(target, new Net2x2x1(1)));
        Assert.Equal($"Cannot save the weights to {target}: Could not find a part of the path.", e.Message);
    }

    /// <summary>Issue 16, item 6: a file its user made read-only is not replaced by the rename (as root too: the mode bits decide).</summary>
    [Fact]
    public void Save_OverAReadOnlyFile_IsRefused_AndTheFileKept()
    {
        if (OperatingSystem.IsWindows()) return;
        string path = Saved(new Net2x2x1(1));
        string before = File.ReadAllText(path);
        const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead; // 444
        File.SetUnixFileMode(path, ReadOnly);
        Assert.True(AtomicFile.IsReadOnly(path));

        var e = Assert.Throws<UnauthorizedAccessException>(() => WeightsFile.Save(path, new Net2x2x1(2)));
        Assert.Equal($"Cannot save the weights to {path}: the file is read-only; make it writable or choose another file.", e.Message);
        Assert.Equal(before, File.ReadAllText(path));
        Assert.Equal(ReadOnly, File.GetUnixFileMode(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_temporary.Path));

        File.SetUnixFileMode(path, ReadOnly | UnixFileMode.UserWrite); // 644: replaced, by the rename, as before
        Assert.False(AtomicFile.IsReadOnly(path));
        Saved(new Net2x2x1(2));
        Assert.NotEqual(before, File.ReadAllText(path));
    }

    /// <summary>Issue 16: loading a directory is a named error, not .NET's "Access to the path is denied".</summary>
    [Fact]
    public void Load_OfADirectory_SaysItIsADirectory()
    {
        string directory = Directory.CreateDirectory(_temporary.File("weights.mlpw")).FullName;
        var load = Assert.Throws<IOException>(() => WeightsFile.Load(directory, new Net2x2x1(1)));
        Assert.Equal($"{directory}: expected a weights file, found a directory", load.Message);
        var read = Assert.Throws<IOException>(() => WeightsFile.Read(directory));
        Assert.Equal(load.Message, read.Message);
    }
}
