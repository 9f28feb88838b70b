using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Numerics;

// 8-8-8 networks whose weights are set to identity matrices: the outputs are GELU of the inputs, eight at a time
// (whole vectors on the SIMD paths, as every hidden layer of a real network).
[Network(8, 8, 8, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Identity)] public partial class GeluProbe { }
[Network(8, 8, 8, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Identity, ElementType = typeof(double))] public partial class GeluProbeD { }
[Network(1, 1, 1, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Identity)] public partial class GeluProbe1 { }
[Network(1, 1, 1, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Identity, ElementType = typeof(double))] public partial class GeluProbe1D { }

/// <summary>
/// How far the generated GELU is from the true z·Φ(z), on the kernel path this run takes: a dense sweep (6,593 points,
/// z from −40 to 12, every 1/256 for |z| ≤ 12) against GELU at 40 digits from mpmath (Fixtures/gelu-reference.f64,
/// written by Fixtures/make_gelu_reference.py), in ulps of the element type where the true value is a normal number,
/// and in absolute error below that (subnormal outputs, whose ulp is a fixed 1.4e-45 or 4.9e-324). Each run of .ci/run
/// measures the path it is on (Vector256, Vector128, scalar); the decimal and double references of the reference
/// network are checked against mpmath too.
/// </summary>
public class GeluAccuracyTests(ITestOutputHelper output)
{
    /// <summary>z, and GELU(z) as hi + lo (two doubles, about 32 digits).</summary>
    private static readonly (double Z, double Hi, double Lo)[] Reference = ReadReference();

    private static (double, double, double)[] ReadReference()
    {
        byte[] bytes = System.IO.File.ReadAllBytes(System.IO.Path.Combine(Infrastructure.Repository.Root, "MlpGen.Tests", "Numerics", "Fixtures", "gelu-reference.f64"));
        double[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray();
        return Enumerable.Range(0, values.Length / 3).Select(i => (values[3 * i], values[3 * i + 1], values[3 * i + 2])).ToArray();
    }

    /// <summary>W1 = W2 = I and b1 = b2 = 0, so that output = GELU(input) exactly (a sum of one product by 1 and zeros).</summary>
    private static void MakeIdentity<T>(INetwork<T> network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Span<T> p = network.Parameters;
        p.Clear();
        for (int j = 0; j < 8; j++)
        {
            p[j * 8 + j] = T.One;             // W1
            p[72 + j * 8 + j] = T.One;        // W2, after W1 (64) and b1 (8)
        }
    }

    /// <summary>The inputs in whole samples of 8 (zeros after the last).</summary>
    private static T[] Padded<T>(Func<double, T> convert) => Reference.Select(r => convert(r.Z)).Concat(Enumerable.Repeat(convert(0), (8 - Reference.Length % 8) % 8)).ToArray();

    [Theory]
    [InlineData(-10, 7.6198530241605260659733432516e-24)]
    [InlineData(-7, 1.27981254388583500438362369078e-12)]
    [InlineData(-3.5, 0.000232629079035525036349925886728)]
    [InlineData(-1, 0.158655253931457051414767454368)]
    [InlineData(0.5, 0.691462461274013103637704610608)]
    [InlineData(2.25, 0.9877755273449552968473760687)]
    public void TheReferenceNetworksNormalCdf_AgreesWithMpmath(double x, double expected)
    {
        // mpmath.ncdf at 40 digits. The decimal Φ holds 28 digits after the point: 1e-24 of an ordinary Φ, 1e-5 of Φ(−10).
        Assert.True(Math.Abs(NormalDistribution.Cdf(x) - expected) <= expected * 1e-13, $"double Φ({x}) = {NormalDistribution.Cdf(x):R}");
        Assert.True(Math.Abs((double)NormalDistribution.CdfDecimal((decimal)x) - expected) <= Math.Max(expected * 1e-15, 1e-27), $"decimal Φ({x}) = {NormalDistribution.CdfDecimal((decimal)x)}");
    }

    [Fact]
    public void Float_GeluIsWithinOneUlpOfTheTruth()
    {
        var network = new GeluProbe(seed: 1);
        MakeIdentity(network);
        float[] inputs = Padded(z => (float)z);
        var outputs = new float[inputs.Length];
        network.PredictBatch(inputs, outputs);
        double worstUlp = 0, worstTiny = 0, at = 0;
        for (int i = 0; i < Reference.Length; i++)
        {
            (double z, double hi, double lo) = Reference[i];
            double error = Math.Abs((outputs[i] - hi) - lo);
            if (Math.Abs(hi) < 1.17549435e-38)   // float's smallest normal number
            {
                worstTiny = Math.Max(worstTiny, error);
                continue;
            }
            float nearest = (float)hi;
            double ulp = MathF.BitIncrement(MathF.Abs(nearest)) - MathF.Abs(nearest);
            if (error / ulp > worstUlp) (worstUlp, at) = (error / ulp, z);
        }
        output.WriteLine($"float GELU against mpmath, {Reference.Length} points in [−40, 12]: worst {worstUlp:F3} ulp (at z = {at}); "
            + $"where GELU(z) is below float's normal range, worst absolute error {worstTiny:E2}");
        Assert.True(worstUlp <= 1.0, $"float GELU is {worstUlp} ulp off at z = {at}");
        Assert.True(worstTiny <= 2 * float.Epsilon, $"float GELU is {worstTiny:E2} off where it is subnormal");
        var single = new float[8];
        network.Predict(inputs.AsSpan(0, 8), single);
        Assert.Equal(outputs.Take(8), single);
    }

    [Fact]
    public void Double_GeluIsWithinEightUlpsOfTheTruth()
    {
        var network = new GeluProbeD(seed: 1);
        MakeIdentity(network);
        double[] inputs = Padded(z => z);
        var outputs = new double[inputs.Length];
        network.PredictBatch(inputs, outputs);
        double worstUlp = 0, worstTiny = 0, at = 0;
        for (int i = 0; i < Reference.Length; i++)
        {
            (double z, double hi, double lo) = Reference[i];
            double error = Math.Abs((outputs[i] - hi) - lo);
            // Below z ≈ −37.5, Φ(z) itself is below double's smallest normal number: z·Φ(z) keeps only the bits the
            // subnormal Φ has (fewer than 53), so its error is a fixed absolute one, not a number of ulps.
            if (Math.Abs(hi) < 2.2250738585072014e-308 * Math.Max(1, -z))
            {
                worstTiny = Math.Max(worstTiny, error);
                continue;
            }
            double ulp = Math.BitIncrement(Math.Abs(hi)) - Math.Abs(hi);
            if (error / ulp > worstUlp) (worstUlp, at) = (error / ulp, z);
        }
        output.WriteLine($"double GELU against mpmath, {Reference.Length} points in [−40, 12]: worst {worstUlp:F3} ulp (at z = {at}); "
            + $"where Φ(z) is below double's normal range, worst absolute error {worstTiny:E2}");
        Assert.True(worstUlp <= 8.0, $"double GELU is {worstUlp} ulp off at z = {at}");   // measured 6.43 (SIMD), 6.10 (scalar): Horner, two exponentials and three products, each rounded
        Assert.True(worstTiny <= 1e-320, $"double GELU is {worstTiny:E2} off where it is subnormal");
    }

    /// <summary>Beyond the sweep and at the special values, as PyTorch's z·Φ(z), through 1-1-1 networks (an ∞ times a zero weight of the 8-8-8 probes would be NaN).</summary>
    [Theory]
    [InlineData(1e10, 1e10)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity)]
    [InlineData(-1e30, 0.0)]
    [InlineData(double.NegativeInfinity, double.NaN)]   // −∞·Φ(−∞) = −∞·0
    [InlineData(double.NaN, double.NaN)]
    [InlineData(-0.0, 0.0)]
    public void SpecialValues_AreAsPyTorchs(double z, double expected)
    {
        var network = new GeluProbe1D(seed: 1);
        network.Parameters.Clear();
        network.Parameters[0] = network.Parameters[2] = 1;   // W1 = W2 = 1, b1 = b2 = 0
        var outputs = new double[1];
        network.Predict(new[] { z }, outputs);
        Assert.Equal(expected, outputs[0]);
        var single = new GeluProbe1(seed: 1);
        single.Parameters.Clear();
        single.Parameters[0] = single.Parameters[2] = 1;
        var y = new float[1];
        single.Predict(new[] { (float)z }, y);
        Assert.Equal((float)expected, y[0]);
    }
}
