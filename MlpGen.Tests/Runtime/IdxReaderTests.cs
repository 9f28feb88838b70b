using System;
using System.IO;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using static MlpGen.Tests.Infrastructure.IdxFiles;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>The IDX reader reads real files and rejects each kind of malformed file with a message naming the file, the place, and what was expected and found.</summary>
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
    public void Truncated_Raw() =>
        Rejects("t", Idx(0x08, new[] { 2, 3, 4 }, Pixels(20)), 3, "at byte 16", "claims 40 bytes", "holds 36", "truncated");

    [Fact]
    public void Truncated_Gzip() =>
        Rejects("t.gz", Gzip(Idx(0x08, new[] { 2, 3, 4 }, Pixels(20))), 3, "claims 40 bytes", "gzip trailer records 36", "truncated");

    [Fact]
    public void Truncated_HeaderItself() =>
        Rejects("h", new byte[] { 0, 0, 8, 3, 0, 0 }, 3, "truncated", "dimension 0", "found only 2 of 4 bytes");

    [Fact]
    public void ExtraBytes_Raw() =>
        Rejects("x", Idx(0x08, new[] { 2, 3, 4 }, Pixels(30)), 3, "claims 40 bytes", "holds 46", "extra bytes");

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
        Rejects("b.gz", gz, 2, "not a valid gzip stream");
    }

    [Fact]
    public void NotGzipAtAll_ThoughNamedGz() =>
        Rejects("plain.gz", Idx(0x08, new[] { 2, 3, 4 }, Pixels(24)), 3, "expected the gzip signature 1F 8B", "found 00 00");

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
