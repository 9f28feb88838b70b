using System;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.WebSample;
using Xunit;

namespace MlpGen.Tests.WebSample;

/// <summary>The digit pad's preprocessing: a drawing becomes a 28×28 image the way MNIST's digits were made.</summary>
public class MnistPreprocessorTests
{
    private const int Pad = 280;

    private static byte[] Drawing(params (int Left, int Top, int Width, int Height)[] rectangles)
    {
        var ink = new byte[Pad * Pad];
        foreach (var (left, top, width, height) in rectangles)
        {
            for (int y = top; y < top + height; y++) ink.AsSpan(y * Pad + left, width).Fill(255);
        }
        return ink;
    }

    private static float[] Prepare(byte[] ink)
    {
        var image = new float[28 * 28];
        Assert.True(MnistPreprocessor.Prepare(ink, Pad, Pad, image));
        return image;
    }

    [Fact]
    public void AnEmptyDrawing_GivesFalse_AndABlankImage()
    {
        var image = Enumerable.Repeat(0.5f, 784).ToArray();
        Assert.False(MnistPreprocessor.Prepare(new byte[Pad * Pad], Pad, Pad, image));
        Assert.All(image, p => Assert.Equal(0f, p));
    }

    [Fact]
    public void ATallBar_IsScaledTo20Pixels_KeepingItsAspectRatio_AndCentredByItsCentreOfMass()
    {
        // 100 × 200 pixels of full ink: scale 20/200 = 0.1, a 10 × 20 block of 1s whose centre of mass,
        // pixel (4.5, 9.5), goes to pixel (14, 14), rounded: columns 10..19, rows 5..24. Where it was drawn
        // does not matter.
        float[] expected = new float[784];
        for (int y = 5; y < 25; y++) for (int x = 10; x < 20; x++) expected[y * 28 + x] = 1f;
        Assert.Equal(expected, Prepare(Drawing((30, 40, 100, 200))));
        Assert.Equal(expected, Prepare(Drawing((170, 0, 100, 200))));
    }

    [Fact]
    public void AWideBar_IsScaledByItsLongerSide()
    {
        float[] image = Prepare(Drawing((0, 100, 280, 70)));   // 280 × 70 → 20 × 5
        int[] rows = Enumerable.Range(0, 28).Where(y => image.AsSpan(y * 28, 28).ToArray().Any(p => p > 0)).ToArray();
        int[] columns = Enumerable.Range(0, 28).Where(x => Enumerable.Range(0, 28).Any(y => image[y * 28 + x] > 0)).ToArray();
        Assert.Equal(Enumerable.Range(5, 20), columns);   // centre of mass (9.5, 2) → (14, 14), rounded
        Assert.Equal(Enumerable.Range(12, 5), rows);
    }

    [Fact]
    public void ThinInk_BecomesGreyLevels_AndTheInkIsConserved()
    {
        // Two 2-pixel-wide bars, 280 tall, 140 apart: scale 20/280 = 1/14, so each bar covers 1/7 of an
        // output column: grey 1/7, not black; the total ink is the drawing's ink times s².
        float[] image = Prepare(Drawing((0, 0, 2, 280), (140, 0, 2, 280)));
        float[] greys = image.Where(p => p > 0).Distinct().ToArray();
        Assert.All(greys, g => Assert.Equal(1f / 7, g, 1e-6f));
        double drawn = 2 * 2 * 280;                                   // full-ink pixels
        Assert.Equal(drawn / (14.0 * 14.0), image.Sum(p => (double)p), 1e-4);
    }

    [Fact]
    public void MnistDigitsDrawnLarge_ComeBackAsTheDigitsTheyWere()
    {
        // 100 test digits scaled up 10× (each pixel a 10 × 10 block of its grey) and prepared again: MNIST
        // made them with the same recipe, so the result is the same image up to rounding in the centring,
        // and a trained network (BakedDigitNet) reads the same class from both.
        Dataset<float> test = TestData.Test;
        var network = new BakedDigitNet();
        const int count = 100;
        int same = 0;
        double lowest = 1;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> digit = test.Input(i);
            var ink = new byte[Pad * Pad];
            for (int y = 0; y < Pad; y++)
            {
                for (int x = 0; x < Pad; x++) ink[y * Pad + x] = (byte)Math.Round(digit[(y / 10) * 28 + x / 10] * 255);
            }
            float[] image = Prepare(ink);
            lowest = Math.Min(lowest, Correlation(digit, image));
            if (network.Classify(digit) == network.Classify(image)) same++;
        }
        Assert.True(lowest > 0.9, $"lowest correlation {lowest:0.000} between an MNIST image and its prepared drawing");
        Assert.True(same >= 97, $"the network read the same class from {same} of {count} originals and their prepared drawings");
    }

    [Fact]
    public void WrongSizes_AreRefusedWithTheSizes()
    {
        var image = new float[784];
        Assert.Contains("expected 280×280", Assert.Throws<ArgumentException>(() => MnistPreprocessor.Prepare(new byte[10], Pad, Pad, image)).Message);
        Assert.Contains("expected 28×28", Assert.Throws<ArgumentException>(() => MnistPreprocessor.Prepare(new byte[Pad * Pad], Pad, Pad, new float[783])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MnistPreprocessor.Prepare(ReadOnlySpan<byte>.Empty, 0, 5, image));
    }

    [Fact]
    public void TheBitmap_IsAn8BitGreyBmp_BottomUp_InkDark()
    {
        var image = new float[28 * 28];
        image[0] = 1f;                // top left: full ink
        image[27 * 28 + 27] = 0.5f;   // bottom right: half
        byte[] bmp = GreyBitmap.Encode(image, 28);
        Assert.Equal("BM", System.Text.Encoding.ASCII.GetString(bmp, 0, 2));
        Assert.Equal(bmp.Length, BitConverter.ToInt32(bmp, 2));
        int offset = BitConverter.ToInt32(bmp, 10);
        Assert.Equal(54 + 1024, offset);
        Assert.Equal(28, BitConverter.ToInt32(bmp, 18));
        Assert.Equal((short)8, BitConverter.ToInt16(bmp, 28));
        Assert.Equal(offset + 28 * 28, bmp.Length);
        Assert.Equal(255, bmp[offset + 27 * 28]);           // the top row is stored last
        Assert.Equal(128, bmp[offset + 27]);                // the bottom row first
        Assert.Equal(0, bmp[54 + 4 * 255]);                 // palette: full ink is black
        Assert.Equal(255, bmp[54]);                         // no ink is white
        Assert.StartsWith("data:image/bmp;base64,Qk", GreyBitmap.DataUrl(image, 28));
    }

    private static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.Length; mb /= b.Length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++) { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) * (a[i] - ma); bb += (b[i] - mb) * (b[i] - mb); }
        return ab / Math.Sqrt(aa * bb);
    }
}
