using System;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using static MlpGen.Tests.Infrastructure.IdxFiles;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>The IDX reader reads real files and rejects each kind of malformed file with a message naming the file, the place, and what was expected and found.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class IdxReaderTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = _temporary.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Pixels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7)).ToArray();

    private IdxFormatException Rejects(string name, byte[] bytes, int dimensions, params string[] fragments)
    {
        string path = Write(name, bytes);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, dimensions));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsRawAndGzippedFiles(bool gzip)
    {
        byte[] idx = Idx(0x08, new[] { 2, 3, 4 }, Pixels(24));
        string path = Write(gzip ? "images.gz" : "images", gzip ? Gzip(idx) : idx);
        IdxArray array = IdxReader.Read(path, 3);
        Assert.Equal(new[] { 2, 3, 4 }, array.Dimensions);
        Assert.Equal(Pixels(24), array.Data);
    }

    [Fact]
    public void Truncated_Raw()
    {
        var e = Rejects("t", Idx(0x08, new[] { 2, 3, 4 }, Pixels(20)), 3,
            "at byte 36: the file is truncated: the header (2 × 3 × 4) claims 40 bytes in all, but the file ends after 36");
        Assert.False(e.OffsetInCompressedFile);
    }

    [Fact]
    public void Truncated_Gzip_DataShorterThanTheHeaderClaims()
    {
        var e = Rejects("t.gz", Gzip(Idx(0x08, new[] { 2, 3, 4 }, Pixels(20))), 3,
            "at byte 36: the decompressed data is truncated: the header (2 × 3 × 4) claims 24 bytes of data, the gzip data holds only 20");
        Assert.False(e.OffsetInCompressedFile);
    }

    [Fact]
    public void Truncated_HeaderItself() =>
        Rejects("h", new byte[] { 0, 0, 8, 3, 0, 0 }, 3, "truncated", "dimension 0", "found only 2 of 4 bytes");

    [Fact]
    public void ExtraBytes_Raw() =>
        Rejects("x", Idx(0x08, new[] { 2, 3, 4 }, Pixels(30)), 3,
            "at byte 40: 6 bytes follow the IDX data (trailing garbage): the header (2 × 3 × 4) claims 40 bytes in all, the file holds 46");

    [Fact]
    public void ExtraBytes_Gzip() =>
        Rejects("x.gz", Gzip(Idx(0x08, new[] { 2, 3, 4 }, Pixels(30))), 3, "at byte 40: 6 bytes follow the IDX data of 40 bytes (trailing garbage)");

    [Fact]
    public void WrongMagic() =>
        Rejects("m", new byte[] { 0x50, 0x4B, 3, 4, 0, 0, 0, 1 }, 1, "at byte 0", "expected an IDX magic number 0x00000801", "found 0x504B0304");

    [Fact]
    public void WrongElementType() =>
        Rejects("f", Idx(0x0D, new[] { 1 }, new byte[4]), 1, "at byte 2", "expected element type 0x08 (unsigned byte)", "found 0x0D (float)");

    [Fact]
    public void WrongNumberOfDimensions() =>
        Rejects("d", Idx(0x08, new[] { 4 }, Pixels(4)), 3, "at byte 3", "expected 3 dimension(s), found 1");

    [Fact]
    public void ZeroDimension() =>
        Rejects("z", Idx(0x08, new[] { 5, 0, 28 }, Array.Empty<byte>()), 3, "at byte 8", "expected dimension 1 to be at least 1, found 0");

    [Fact]
    public void NegativeDimension() =>
        Rejects("n", Idx(0x08, new[] { -3 }, Array.Empty<byte>()), 1, "at byte 4", "found -3");

    [Fact]
    public void AbsurdDimensions_RejectedBeforeAllocating() =>
        Rejects("a", Idx(0x08, new[] { 60000, 100000, 100000 }, Pixels(10)), 3, "at byte 8", "the dimensions 60000 × 100000 claim more than 2,147,483,583 bytes");

    [Fact]
    public void BrokenGzip()
    {
        byte[] gz = Gzip(Idx(0x08, new[] { 64, 64 }, Pixels(4096)));
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A; // keep header and trailer, corrupt the deflate stream
        var e = Rejects("b.gz", gz, 2, "at byte 0 of the compressed file: the gzip member that starts here is corrupt: its compressed data is not valid deflate data");
        Assert.True(e.OffsetInCompressedFile);
    }

    [Fact]
    public void NotGzipAtAll_ThoughNamedGz() =>
        Rejects("plain.gz", Idx(0x08, new[] { 2, 3, 4 }, Pixels(24)), 3, "expected the gzip signature 1F 8B", "found 00 00");

    // ---- gzip containers. .NET's GZipStream reads every member, but takes a cut file or trailing bytes
    // for a clean end and calls a bad CRC "an unsupported compression method"; these pin the reader's own checks.

    private static readonly byte[] Sample = Idx(0x08, new[] { 3, 50, 40 }, Pixels(6000));

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void MultiMemberGzip_IsReadWhole()
    {
        // As `cat a.gz b.gz > c.gz` makes, and `gzip -t` accepts: the header in one member, the data split over the rest, an empty member among them.
        byte[] gz = Concat(Gzip(Sample[..5]), Gzip(Sample[5..1000]), Gzip(Array.Empty<byte>()), Gzip(Sample[1000..]));
        IdxArray array = IdxReader.Read(Write("multi.gz", gz), 3);
        Assert.Equal(new[] { 3, 50, 40 }, array.Dimensions);
        Assert.Equal(Sample[16..], array.Data);
    }

    /// <summary>An empty member as the gzip tool writes it (GZipStream writes nothing for no data): a stored-nothing deflate block, then a trailer of 8 zero bytes.</summary>
    private static readonly byte[] GzipToolEmptyMember = { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    [Fact]
    public void MultiMemberGzip_WithEmptyMembersAsTheGzipToolWritesThem()
    {
        // Its zero trailer also matches one byte early; taking that would leave a 0 byte and call it trailing garbage.
        byte[] gz = Concat(GzipToolEmptyMember, Gzip(Sample[..100]), GzipToolEmptyMember, Gzip(Sample[100..]), GzipToolEmptyMember);
        Assert.Equal(Sample[16..], IdxReader.Read(Write("empties.gz", gz), 3).Data);
    }

    [Fact]
    public void MultiMemberGzip_ManySmallMembers()
    {
        byte[] gz = Sample.Chunk(97).SelectMany(Gzip).ToArray();
        Assert.Equal(Sample[16..], IdxReader.Read(Write("many.gz", gz), 3).Data);
    }

    /// <summary>A gzip member written by hand, with the optional header fields GZipStream never writes (FEXTRA, FNAME, FCOMMENT, FHCRC).</summary>
    private static byte[] GzipWithAllHeaderFields(byte[] data, bool corruptHeaderCrc = false)
    {
        var header = new System.Collections.Generic.List<byte> { 0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3 };
        header.AddRange(new byte[] { 3, 0, (byte)'a', (byte)'b', (byte)'c' });
        header.AddRange("images\0"u8.ToArray());
        header.AddRange("a comment\0"u8.ToArray());
        uint headerCrc = Crc32(header.ToArray());
        header.Add((byte)(headerCrc ^ (corruptHeaderCrc ? 1u : 0u)));
        header.Add((byte)(headerCrc >> 8));
        using var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal)) deflate.Write(data);
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32(data));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)data.Length);
        return Concat(header.ToArray(), deflated.ToArray(), trailer);
    }

    /// <summary>CRC-32 (IEEE), bit by bit: the test's own, independent of the library's table.</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void GzipHeaderWithOptionalFields_IsRead() =>
        Assert.Equal(Sample[16..], IdxReader.Read(Write("fields.gz", Concat(GzipWithAllHeaderFields(Sample[..100]), Gzip(Sample[100..]))), 3).Data);

    [Fact]
    public void GzipHeaderCrc_IsChecked() =>
        Rejects("hcrc.gz", GzipWithAllHeaderFields(Sample, corruptHeaderCrc: true), 3,
            "at byte 32 of the compressed file: the header of the gzip member that starts at byte 0 is corrupt: it records the header CRC");

    [Fact]
    public void TruncatedGzip_AtEveryLength_SaysWhereTheFileEnds()
    {
        byte[] first = Gzip(Sample[..3000]);
        byte[] gz = Concat(first, Gzip(Sample[3000..]));
        for (int length = 1; length < gz.Length; length++)
        {
            if (length == first.Length) continue; // a whole first member: the decompressed data is what is short
            string path = Write("cut.gz", gz[..length]);
            var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, 3));
            Assert.True(e.OffsetInCompressedFile, e.Message);
            Assert.Equal(length, e.Offset);
            Assert.Contains($"at byte {length} of the compressed file: the gzip data is truncated: it ends inside the ", e.Message);
            int member = length < first.Length ? 0 : first.Length;
            Assert.Contains($"of the member that starts at byte {member:N0}", e.Message);
        }
    }

    [Fact]
    public void TruncatedGzip_MessagesSayWhichPartIsMissing()
    {
        byte[] gz = Gzip(Sample);
        Rejects("h.gz", gz[..5], 3, "at byte 5 of the compressed file: the gzip data is truncated: it ends inside the header of the member that starts at byte 0");
        Rejects("d.gz", gz[..(gz.Length / 2)], 3, "the gzip data is truncated: it ends inside the compressed data of the member that starts at byte 0");
        Rejects("t.gz", gz[..^3], 3, $"at byte {gz.Length - 3} of the compressed file: the gzip data is truncated: it ends inside the 8-byte trailer (CRC-32 and length) of the member that starts at byte 0");
        Rejects("s.gz", Concat(gz, new byte[] { 0x1F }), 3, $"at byte {gz.Length + 1} of the compressed file: the gzip data is truncated: it ends inside the header of the member that starts at byte {gz.Length:N0}");
    }

    [Theory]
    [InlineData("zeros", "zero bytes")]
    [InlineData("random", "not a gzip member")]
    [InlineData("text", "not a gzip member")]
    public void TrailingGarbageAfterTheLastMember_IsNamedAsSuch(string kind, string what)
    {
        byte[] gz = Gzip(Sample);
        byte[] garbage = kind switch
        {
            "zeros" => new byte[100],
            "random" => Enumerable.Range(0, 100).Select(i => (byte)(i * 37 + 11)).ToArray(),
            _ => "a note appended by some tool\n"u8.ToArray(),
        };
        var e = Rejects("g.gz", Concat(gz, garbage), 3,
            $"at byte {gz.Length} of the compressed file: {garbage.Length} bytes follow the last gzip member, which ends here (trailing garbage: {what})");
        Assert.True(e.OffsetInCompressedFile);
    }

    [Fact]
    public void CorruptCrc_IsNamedAsSuch()
    {
        byte[] gz = Gzip(Sample);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 8));
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 8), crc ^ 0x00010000);
        Rejects("crc.gz", gz, 3, $"at byte {gz.Length - 8} of the compressed file: the gzip member that starts at byte 0 is corrupt: its trailer records the CRC-32 {crc ^ 0x00010000:x8}, its data gives {crc:x8}");

        // The same in the first of two members.
        byte[] first = Gzip(Sample[..3000]);
        first[^6] ^= 0x40;
        Rejects("crc2.gz", Concat(first, Gzip(Sample[3000..])), 3, $"at byte {first.Length - 8} of the compressed file: the gzip member that starts at byte 0 is corrupt: its trailer records the CRC-32");
    }

    [Fact]
    public void WrongMemberLength_IsNamedAsSuch()
    {
        byte[] gz = Gzip(Sample);
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), 1_500_000_016);
        Rejects("len.gz", gz, 3, $"at byte {gz.Length - 4} of the compressed file: the gzip member that starts at byte 0 is corrupt: its trailer records a length of 1,500,000,016 bytes (modulo 2^32), its data has {Sample.Length:N0}");
    }

    [Fact]
    public void GzipHeaderDefects_AreNamed()
    {
        byte[] gz = Gzip(Sample);
        gz[2] = 7;
        Rejects("cm.gz", gz, 3, "at byte 2 of the compressed file: expected compression method 8 (deflate) in the gzip member that starts at byte 0, found 7");
        gz[2] = 8;
        gz[3] = 0x80;
        Rejects("flg.gz", gz, 3, "at byte 3 of the compressed file: expected the reserved flag bits of the gzip member that starts at byte 0 to be 0, found flags 0x80");
        Rejects("empty.gz", Array.Empty<byte>(), 3, "at byte 0 of the compressed file: expected gzip data (the name ends in .gz), found an empty file");
    }

    /// <summary>
    /// The bound on what a forged claim may cost: a .gz file's buffer starts at 64 KiB and grows only
    /// with data that really decompresses, so a tiny file costs well under this however much its header
    /// or trailer claims: about 105 KB measured, 1 MB asserted (the old reader sized its buffer from the trailer and allocated 1.5 GB here).
    /// </summary>
    internal const long ForgedClaimAllocationBound = 1_000_000;

    [Fact]
    public void ForgedSizes_OverATinyGzip_FailWithoutAllocatingForThem()
    {
        // Dimensions claiming 1.5 GB, and a trailer forged to agree with them (modulo 2^32).
        byte[] idx = Idx(0x08, new[] { 1500, 1000, 1000 }, Pixels(40));
        byte[] gz = Gzip(idx);
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), (uint)(16 + 1_500_000_000L));
        string path = Write("forged.gz", gz);
        string honest = Write("honest.gz", Gzip(idx));
        Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, 3)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path, 3));
        long forged = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var e2 = Assert.Throws<IdxFormatException>(() => IdxReader.Read(honest, 3));
        long headerOnly = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("its trailer records a length of 1,500,000,016 bytes (modulo 2^32), its data has 56", e.Message);
        Assert.Contains("the decompressed data is truncated: the header (1500 × 1000 × 1000) claims 1,500,000,000 bytes of data, the gzip data holds only 40", e2.Message);
        Assert.True(forged < ForgedClaimAllocationBound, $"allocated {forged:N0} bytes for a forged trailer");
        Assert.True(headerOnly < ForgedClaimAllocationBound, $"allocated {headerOnly:N0} bytes for a forged header");
    }

    [Fact]
    public void GzipBuffer_GrowsWithTheData()
    {
        // 3 × 300 × 300 = 270,000 bytes: more than the first buffer, so it has to grow (several times) and still come out exact.
        byte[] idx = Idx(0x08, new[] { 3, 300, 300 }, Pixels(270_000));
        Assert.Equal(idx[16..], IdxReader.Read(Write("big.gz", Gzip(idx)), 3).Data);
    }

    private void WriteSplit(int images, int rows, int columns, byte[] labels)
    {
        Write("train-images-idx3-ubyte.gz", Gzip(Idx(0x08, new[] { images, rows, columns }, Pixels(images * rows * columns))));
        Write("train-labels-idx1-ubyte", Idx(0x08, new[] { labels.Length }, labels));
    }

    [Fact]
    public void Mnist_ImagesOfAnySize_PixelsScaledAndLabelsOneHot()
    {
        WriteSplit(4, 5, 3, new byte[] { 0, 9, 3, 3 });
        Dataset<float> data = Mnist.Load(_temporary.Path, MnistSplit.Train);
        Assert.Equal(4, data.Count);
        Assert.Equal(15, data.InputSize);
        Assert.Equal(10, data.OutputSize);
        Assert.Equal(new[] { 0, 9, 3, 3 }, data.Labels.ToArray());
        Assert.Equal(7f / 255f, data.Input(0)[1]);
        Assert.Equal(1f, data.Target(1)[9]);
        Assert.Equal(1f, data.Target(1).ToArray().Sum());
    }

    [Fact]
    public void Mnist_CountMismatch_NamesBothFiles()
    {
        WriteSplit(5, 2, 2, new byte[] { 1, 2, 3, 4 });
        var e = Assert.Throws<IdxFormatException>(() => Mnist.Load(_temporary.Path, MnistSplit.Train));
        Assert.Contains("train-labels-idx1-ubyte", e.Message);
        Assert.Contains("expected 5 labels, one for each image in train-images-idx3-ubyte.gz, found 4", e.Message);
    }

    [Fact]
    public void Mnist_LabelOutOfRange_NamesImageAndOffset()
    {
        WriteSplit(4, 2, 2, new byte[] { 1, 2, 12, 4 });
        var e = Assert.Throws<IdxFormatException>(() => Mnist.Load(_temporary.Path, MnistSplit.Train));
        Assert.Equal(10, e.Offset);
        Assert.Contains("expected a label from 0 to 9 for image 2, found 12", e.Message);
    }

    [Fact]
    public void Mnist_ReadsMultiMemberGzip_AndStillChecksLabels()
    {
        byte[] images = Idx(0x08, new[] { 4, 2, 2 }, Pixels(16));
        Write("train-images-idx3-ubyte.gz", Concat(Gzip(images[..10]), Gzip(images[10..])));
        byte[] labels = Idx(0x08, new[] { 4 }, new byte[] { 1, 2, 3, 4 });
        Write("train-labels-idx1-ubyte.gz", Concat(Gzip(labels[..9]), Gzip(labels[9..])));
        Assert.Equal(new[] { 1, 2, 3, 4 }, Mnist.Load(_temporary.Path, MnistSplit.Train).Labels.ToArray());

        labels[10] = 10;
        Write("train-labels-idx1-ubyte.gz", Concat(Gzip(labels[..9]), Gzip(labels[9..])));
        var e = Assert.Throws<IdxFormatException>(() => Mnist.Load(_temporary.Path, MnistSplit.Train));
        Assert.Contains("expected a label from 0 to 9 for image 2, found 10", e.Message);
    }

    [Fact]
    public void Mnist_MissingFiles_SaysWhichAndWhere()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(_temporary.Path, MnistSplit.Test));
        Assert.Contains("t10k-images-idx3-ubyte", e.Message);
        Assert.Contains(_temporary.Path, e.Message);
        Assert.False(Mnist.IsPresent(_temporary.Path));
    }

    [Fact]
    public void RealDigits_LoadWithConsistentShapes()
    {
        Dataset<float> train = TestData.Train, test = TestData.Test;
        Assert.Equal(784, train.InputSize);
        Assert.Equal(784, test.InputSize);
        Assert.All(new[] { train, test }, d => Assert.InRange(d.Inputs.ToArray().Max(), 0.99f, 1f));
        Assert.All(new[] { train, test }, d => Assert.Equal(0f, d.Inputs.ToArray().Min()));
        int[] counts = new int[10];
        foreach (int label in train.Labels) counts[label]++;
        foreach (int label in test.Labels) counts[label]++;
        Assert.All(counts, c => Assert.True(c > (train.Count + test.Count) / 20, "every digit is well represented"));
        if (TestData.MnistDirectory == TestData.SharedSubset)
        {
            // The subset's documented split and class counts (shared/data/README.md).
            Assert.Equal((8000, 2000), (train.Count, test.Count));
            Assert.Equal(new[] { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 }, counts);
        }
    }
}
