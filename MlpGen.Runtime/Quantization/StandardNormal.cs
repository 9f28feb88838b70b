using System;

namespace MlpGen.Quantization;

/// <summary>
/// The standard normal distribution function Φ in double, written from the textbook series and continued fraction of
/// erfc (about 1e-15 of Φ): GELU(z) = z·Φ(z) for the reference forward passes of <see cref="QuantizedNetwork"/> and
/// <see cref="Quantizer"/>, which run a network without a generated class. The generated kernels have their own,
/// faster fit (docs/design/normal-cdf-fit.py), measured against this one by the tests.
/// </summary>
internal static class StandardNormal
{
    /// <summary>Φ(x) = ½·erfc(−x/√2).</summary>
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
}
