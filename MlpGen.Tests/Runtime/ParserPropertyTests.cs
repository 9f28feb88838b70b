using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using CsCheck;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// Property tests of the two parsers of untrusted files, the IDX reader (raw and gzip) and the
/// weights file loader: random mutations of valid files (bit flips, truncations, insertions,
/// deletions, duplicated or removed lines, header fields set to extremes, forged gzip trailers)
/// either load or throw the documented exception (<see cref="IdxFormatException"/>,
/// <see cref="WeightsFormatException"/>), never another; each case allocates less than
/// <see cref="AllocationBound"/> and takes less than <see cref="CaseTimeLimit"/>.
/// CsCheck draws a new seed each run and prints it with any failure (set CsCheck_Seed to replay it);
/// the suite runs in a few seconds.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class ParserPropertyTests : IDisposable
{
    /// <summary>What one case may allocate: the files are at most a few KB, so this is ample for reading them (cases stay under 200 KB: the first 64 KiB gzip buffer, the deflate stream, the text of a weights file) and far below what any forged size claims (0.5 to 2 GB).</summary>
    private const long AllocationBound = 1_000_000;

    private static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(5);

    /// <summary>If a case hangs, the property fails after this instead of stopping the test run.</summary>
    private static readonly TimeSpan PropertyTimeLimit = TimeSpan.FromSeconds(120);

    private const int Iterations = 3000;

    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    // ---- Mutations -----------------------------------------------------------------------------

    private enum Kind { FlipBit, Truncate, Insert, Delete, Overwrite, AppendZeros, AppendBytes, Duplicate, SetField, SetTrailer }

    /// <summary>One change to a file; <see cref="Where"/> and <see cref="Value"/> are reduced to the file at hand when applied.</summary>
    private readonly record struct Mutation(Kind Kind, int Where, int Value, int Count)
    {
        public override string ToString() => $"{Kind}(where {Where}, value {Value}, count {Count})";
    }

    /// <summary>The values header fields are set to: zero, negatives, the largest, and sizes that claim gigabytes.</summary>
    private static readonly int[] Extremes = { 0, -1, 1, 2, int.MaxValue, int.MinValue, 28, 60000, 65536, 1_500_000_000, 0x7FFFFFC0, 16 };

    private static Gen<Mutation> Mutations(params Kind[] kinds) =>
        Gen.Select(Gen.OneOf(kinds), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[1, 64],
            (kind, where, value, count) => new Mutation(kind, where, value, count));

    private static byte[] Apply(byte[] bytes, Mutation m, bool gzipTrailer = false)
    {
        var list = new List<byte>(bytes);
        int n = list.Count;
        switch (m.Kind)
        {
            case Kind.FlipBit when n > 0:
                list[m.Where % n] ^= (byte)(1 << (m.Value % 8));
                break;
            case Kind.Truncate when n > 0:
                list.RemoveRange(m.Where % n, n - m.Where % n);
                break;
            case Kind.Insert:
                list.InsertRange(m.Where % (n + 1), Enumerable.Range(0, m.Count).Select(i => (byte)(m.Value + 37 * i)));
                break;
            case Kind.Delete when n > 0:
                int from = m.Where % n;
                list.RemoveRange(from, Math.Min(m.Count, n - from));
                break;
            case Kind.Overwrite when n > 0:
                list[m.Where % n] = (byte)m.Value;
                break;
            case Kind.AppendZeros:
                list.AddRange(new byte[m.Count]);
                break;
            case Kind.AppendBytes:
                list.AddRange(Enumerable.Range(0, m.Count).Select(i => (byte)(m.Value * 31 + 7 * i)));
                break;
            case Kind.Duplicate when n > 0:
                int start = m.Where % n;
                list.InsertRange(start, list.GetRange(start, Math.Min(m.Count * 4, n - start)));
                break;
            case Kind.SetField when n >= 4:
                // An IDX header word (magic, dimension 0, 1 or 2), set to an extreme.
                int at = 4 * (m.Where % Math.Min(4, n / 4));
                byte[] word = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(word, Extremes[m.Value % Extremes.Length]);
                if (at == 0) word[0] = word[1] = 0; // keep the magic's zeros, so that the type and count bytes are what varies
                for (int i = 0; i < 4; i++) list[at + i] = word[i];
                break;
            case Kind.SetTrailer when gzipTrailer && n >= 8:
                // The gzip trailer's CRC-32 or length (ISIZE), set to an extreme: 1.5 GB, 4 GB - 1, 0, ...
                byte[] field = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(field, unchecked((uint)Extremes[m.Value % Extremes.Length]));
                int trailer = n - (m.Where % 2 == 0 ? 8 : 4);
                for (int i = 0; i < 4; i++) list[trailer + i] = field[i];
                break;
        }
        return list.ToArray();
    }

    private static byte[] ApplyAll(byte[] bytes, Mutation[] mutations, bool gzipTrailer = false)
    {
        foreach (Mutation m in mutations) bytes = Apply(bytes, m, gzipTrailer);
        return bytes;
    }

    // ---- One bounded case ------------------------------------------------------------------------

    /// <summary>Runs <paramref name="load"/> and checks that it succeeds or throws <typeparamref name="TDocumented"/>, within the allocation and time bounds.</summary>
    private static void Bounded<TDocumented>(Action load, string what) where TDocumented : Exception
    {
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            load();
        }
        catch (TDocumented)
        {
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: expected success or {typeof(TDocumented).Name}, found {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBound, $"{what}: allocated {allocated:N0} bytes, the bound is {AllocationBound:N0}");
        Assert.True(clock.Elapsed < CaseTimeLimit, $"{what}: took {clock.Elapsed.TotalSeconds:F1} s, the limit is {CaseTimeLimit.TotalSeconds} s");
    }

    /// <summary>Samples <paramref name="gen"/>, failing if the property as a whole exceeds <see cref="PropertyTimeLimit"/> (a hung case).</summary>
    private static void Property<T>(Gen<T> gen, Action<T> check, Func<T, string> print)
    {
        Task sampling = Task.Run(() => gen.Sample(check, iter: Iterations, threads: 1, print: print));
        Assert.True(sampling.Wait(PropertyTimeLimit), $"the property did not finish within {PropertyTimeLimit.TotalSeconds} s: a case hangs");
    }

    private string FreshPath(string extension) => _temporary.File(Guid.NewGuid().ToString("N") + extension);

    // ---- IDX -------------------------------------------------------------------------------------

    private static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = IdxReader.UnsignedByte;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static readonly byte[] ValidIdx = Idx(new[] { 3, 7, 5 }, Enumerable.Range(0, 105).Select(i => (byte)(i * 11 % 251)).ToArray());

    private enum Container { Raw, Gzip, MultiMemberGzip, WithEmptyMembers }

    /// <summary>An empty member as the gzip tool writes it: its trailer is 8 zero bytes.</summary>
    private static readonly byte[] EmptyMember = { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    private static byte[] Contain(Container container, byte[] idx, int split) => container switch
    {
        Container.Raw => idx,
        Container.Gzip => Gzip(idx),
        Container.WithEmptyMembers => EmptyMember.Concat(Gzip(idx)).Concat(EmptyMember).ToArray(),
        _ => Gzip(idx[..(split % (idx.Length + 1))]).Concat(Gzip(idx[(split % (idx.Length + 1))..])).ToArray(),
    };

    private static readonly Gen<(Container Container, int Split, Mutation[] Before, Mutation[] After)> IdxCases =
        Gen.Select(
            Gen.OneOf(Enum.GetValues<Container>()),
            Gen.Int[0, int.MaxValue],
            Mutations(Kind.SetField, Kind.FlipBit, Kind.Truncate, Kind.Insert, Kind.Delete, Kind.AppendZeros, Kind.AppendBytes, Kind.Duplicate).Array[0, 2],
            Mutations(Kind.FlipBit, Kind.Truncate, Kind.Insert, Kind.Delete, Kind.Overwrite, Kind.AppendZeros, Kind.AppendBytes, Kind.Duplicate, Kind.SetTrailer).Array[0, 3]);

    [Fact]
    public void MutatedIdxFiles_LoadOrThrowIdxFormatException_WithinBounds()
    {
        Property(IdxCases, c =>
        {
            // Mutations before compression change the IDX data (header fields to extremes among them); after, the file itself.
            byte[] file = ApplyAll(Contain(c.Container, ApplyAll(ValidIdx, c.Before), c.Split), c.After, gzipTrailer: c.Container != Container.Raw);
            string path = FreshPath(c.Container == Container.Raw ? "" : ".gz");
            File.WriteAllBytes(path, file);
            try
            {
                Bounded<IdxFormatException>(() =>
                {
                    IdxArray array = IdxReader.Read(path, 3);
                    Assert.Equal(3, array.Dimensions.Length);
                    Assert.Equal(array.Dimensions.Aggregate(1L, (p, d) => p * d), array.Data.LongLength);
                }, $"{c.Container} {path} ({file.Length} bytes)");
            }
            finally
            {
                File.Delete(path);
            }
        }, c => $"{c.Container}, split {c.Split}, before [{string.Join(", ", c.Before)}], after [{string.Join(", ", c.After)}]");
    }

    [Fact]
    public void UnmutatedIdxFiles_Load()
    {
        // The property's base cases are valid: what it finds is due to the mutations.
        foreach (Container container in Enum.GetValues<Container>())
        {
            string path = FreshPath(container == Container.Raw ? "" : ".gz");
            File.WriteAllBytes(path, Contain(container, ValidIdx, 40));
            Assert.Equal(ValidIdx[16..], IdxReader.Read(path, 3).Data);
        }
    }

    // ---- Weights files ---------------------------------------------------------------------------

    private enum LineEdit { None, DuplicateLine, RemoveLine, SwapLines, SetField, CrLf }

    private static readonly string[] FieldExtremes =
    {
        "topology 0-0", "topology -1-2", "topology 2147483647-2147483647", "topology 2147483647-2147483647-2147483647-2147483647",
        "topology 2", "topology ", "topology 2--1", "topology 100000-100000-100000",
        "element float16", "element float64", "element float32", "element ",
        "parameters 0", "parameters -1", "parameters 2147483647", "parameters 99999999999999999999", "parameters 9223372036854775807",
        "crc32 ffffffff", "crc32 00000000", "crc32 -1", "crc32 1234567890",
        "activations sigmoid sigmoid", "activations relu softmax", "activations softmax sigmoid", "activations ", "activations leaky-relu relu sigmoid",
        "cost quadratic", "cost unspecified", "cost hinge", "cost ",
        "MLPW 0", "MLPW 1", "MLPW 2147483647", "data", "end", "",
    };

    private static string EditLines(string text, LineEdit edit, int where, int value)
    {
        var lines = text.Split('\n').ToList();
        int i = where % lines.Count;
        switch (edit)
        {
            case LineEdit.DuplicateLine:
                lines.Insert(i, lines[i]);
                break;
            case LineEdit.RemoveLine:
                lines.RemoveAt(i);
                break;
            case LineEdit.SwapLines:
                int j = value % lines.Count;
                (lines[i], lines[j]) = (lines[j], lines[i]);
                break;
            case LineEdit.SetField:
                string field = FieldExtremes[value % FieldExtremes.Length];
                int line = field.StartsWith("MLPW", StringComparison.Ordinal) ? 0
                    : field.Length == 0 || field is "data" or "end" ? i
                    : Array.FindIndex(new[] { "topology", "element", "parameters", "crc32", "activations", "cost" }, f => field.StartsWith(f, StringComparison.Ordinal)) + 1;
                lines[line] = field;
                break;
            case LineEdit.CrLf:
                return string.Join("\r\n", lines);
        }
        return string.Join('\n', lines);
    }

    private static readonly Gen<(bool SaveDouble, bool LoadDouble, LineEdit Edit, int Where, int Value, Mutation[] Bytes)> WeightsCases =
        Gen.Select(
            Gen.Bool, Gen.Bool,
            Gen.OneOf(Enum.GetValues<LineEdit>()),
            Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue],
            Mutations(Kind.FlipBit, Kind.Truncate, Kind.Insert, Kind.Delete, Kind.Overwrite, Kind.AppendZeros, Kind.AppendBytes, Kind.Duplicate).Array[0, 2]);

    [Fact]
    public void MutatedWeightsFiles_LoadOrThrowWeightsFormatException_WithinBounds()
    {
        string floatFile = FreshPath(".mlpw"), doubleFile = FreshPath(".mlpw");
        WeightsFile.Save(floatFile, new Net2x2x1(1));
        WeightsFile.Save(doubleFile, new Net2x2x1D(1));
        string floatText = File.ReadAllText(floatFile), doubleText = File.ReadAllText(doubleFile);

        Property(WeightsCases, c =>
        {
            string text = EditLines(c.SaveDouble ? doubleText : floatText, c.Edit, c.Where, c.Value);
            byte[] file = ApplyAll(Encoding.ASCII.GetBytes(text), c.Bytes);
            string path = FreshPath(".mlpw");
            File.WriteAllBytes(path, file);
            try
            {
                if (c.LoadDouble)
                {
                    var network = new Net2x2x1D(2);
                    double[] before = network.Parameters.ToArray();
                    Bounded<WeightsFormatException>(() => Loads(path, network, before), $"{path} ({file.Length} bytes)");
                }
                else
                {
                    var network = new Net2x2x1(2);
                    float[] before = network.Parameters.ToArray();
                    Bounded<WeightsFormatException>(() => Loads(path, network, before), $"{path} ({file.Length} bytes)");
                }
            }
            finally
            {
                File.Delete(path);
            }
        }, c => $"saved {(c.SaveDouble ? "float64" : "float32")}, loaded into {(c.LoadDouble ? "float64" : "float32")}, {c.Edit} (where {c.Where}, value {c.Value}), bytes [{string.Join(", ", c.Bytes)}]");
    }

    /// <summary>Loads <paramref name="path"/>; a refused file must leave the network as it was.</summary>
    private static void Loads<T>(string path, INetwork<T> network, T[] before) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        try
        {
            WeightsFile.Load(path, network);
        }
        catch (WeightsFormatException e)
        {
            Assert.StartsWith($"{path}: line {e.Line}: ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Equal(before, network.Parameters.ToArray());
            throw;
        }
    }
}
