using System;
using MlpGen.Quantization;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// The standard normal distribution function Φ the generated GELU is measured against, independent of the generated
/// code's fit: in double (the runtime's <see cref="StandardNormal"/>, about 1e-15 of Φ) for the reference network, and in
/// decimal (28 digits, from the same textbook series and continued fraction of erfc) for the accuracy sweep of
/// <see cref="GeluAccuracyTests"/>.
/// </summary>
internal static class NormalDistribution
{
    /// <summary>Φ(x) in double: the runtime's (<see cref="StandardNormal"/>, the textbook erfc), which the reference forward passes use too.</summary>
    public static double Cdf(double x) => StandardNormal.Cdf(x);

    /// <summary>φ(x) = e^(−x²/2)/√(2π).</summary>
    public static double Density(double x) => StandardNormal.Density(x);

    /// <summary>Φ(x) in decimal, about 26 significant digits of Φ (of q = Φ(−|x|) too, far into the tail).</summary>
    public static decimal CdfDecimal(decimal x)
    {
        decimal u = Math.Abs(x) / Sqrt2;
        decimal q = ErfcDecimal(u) / 2;
        return x < 0 ? q : 1 - q;
    }

    private const decimal Sqrt2 = 1.4142135623730950488016887242m;
    private const decimal SqrtPi = 1.7724538509055160272981674833m;

    private static decimal ErfcDecimal(decimal u)
    {
        if (u < 2.5m)
        {
            decimal term = u, sum = u;
            for (int n = 1; n < 400 && term > 1e-28m * sum; n++)
            {
                term = term * 2 * u * u / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / SqrtPi / ExpDecimal(u * u) * sum;
        }
        decimal fraction = u;
        for (int k = 400; k >= 1; k--) fraction = u + k / 2m / fraction;
        return 1 / ExpDecimal(u * u) / SqrtPi / fraction;
    }

    /// <summary>e^v for 0 ≤ v ≤ 60 in decimal: e^(v/2^k) by its Taylor series (positive terms), squared k times.</summary>
    private static decimal ExpDecimal(decimal v)
    {
        int halvings = 0;
        while (v > 0.5m)
        {
            v /= 2;
            halvings++;
        }
        decimal term = 1, sum = 1;
        for (int n = 1; n < 60; n++)
        {
            term = term * v / n;
            sum += term;
        }
        for (int i = 0; i < halvings; i++) sum *= sum;
        return sum;
    }
}
