using System;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// The standard normal distribution function Φ the generated GELU is measured against, written from the textbook
/// series and continued fraction of erfc, independent of the generated code's fit: in double for the reference network
/// (about 1e-15 of Φ), and in decimal (28 digits) for the accuracy sweep of <see cref="GeluAccuracyTests"/>.
/// </summary>
internal static class NormalDistribution
{
    /// <summary>Φ(x) = ½·erfc(−x/√2) in double.</summary>
    public static double Cdf(double x)
    {
        double u = Math.Abs(x) / Math.Sqrt(2);
        double q = 0.5 * Erfc(u);   // ½·erfc(|x|/√2) = Φ(−|x|)
        return x < 0 ? q : 1 - q;
    }

    /// <summary>φ(x) = e^(−x²/2)/√(2π).</summary>
    public static double Density(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    /// <summary>
    /// erfc(u) for u ≥ 0: 1 − erf(u) by the series erf(u) = (2/√π)·e^(−u²)·Σ_n 2ⁿu^(2n+1)/(1·3·…·(2n+1)) (every term
    /// positive) below u = 2, the continued fraction erfc(u) = (e^(−u²)/√π)·1/(u + ½/(u + 1/(u + (3/2)/(u + …)))) above.
    /// </summary>
    private static double Erfc(double u)
    {
        if (u < 2)
        {
            double term = u, sum = u;
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++)
            {
                term *= 2 * u * u / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-u * u) * sum;
        }
        double fraction = u;
        for (int k = 120; k >= 1; k--) fraction = u + k / 2.0 / fraction;
        return Math.Exp(-u * u) / Math.Sqrt(Math.PI) / fraction;
    }

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
