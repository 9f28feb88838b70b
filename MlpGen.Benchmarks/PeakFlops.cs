using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace MlpGen.Benchmarks;

/// <summary>
/// The machine's limit: the most GFLOP/s one core reaches when nothing but fused multiply-adds run, on values held in
/// registers. Twelve independent chains a = a·m + c (a fused multiply-add has a latency of 4 cycles and two pipes
/// take one each per cycle, so 8 chains fill them; 12 leave a margin), in Vector256 and in Vector512: on Zen 4 a
/// 512-bit FMA takes both 256-bit pipes, so both should reach the same FLOPs per cycle. Every training and inference
/// figure of the suite is measured against the faster of the two (<see cref="FlopLimitColumn"/>).
/// </summary>
public class PeakFlops : IFlopCounted
{
    /// <summary>Loop trips per call: 12 FMAs of 8 or 16 lanes each.</summary>
    public const int Trips = 1_000_000;

    private const int Chains = 12;

    private readonly float _start = 1f, _factor = 0.999999f, _addend = 1e-7f;

    public double FlopsPerOperation(string method) => 2.0 * Chains * Trips * (method == nameof(Vector512Fma) ? 16 : 8);

    [Benchmark(Baseline = true)]
    public float Vector256Fma() => Fma256(Trips, _start, _factor, _addend);

    [Benchmark]
    public float Vector512Fma() => Vector512.IsHardwareAccelerated ? Fma512(Trips, _start, _factor, _addend) : Fma256(2 * Trips, _start, _factor, _addend);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma256(int trips, float start, float factor, float addend)
    {
        Vector256<float> m = Vector256.Create(factor), c = Vector256.Create(addend);
        Vector256<float> a0 = Vector256.Create(start), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < trips; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Fma512(int trips, float start, float factor, float addend)
    {
        Vector512<float> m = Vector512.Create(factor), c = Vector512.Create(addend);
        Vector512<float> a0 = Vector512.Create(start), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < trips; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }

    /// <summary>
    /// The limit as the suite's columns use it: the best of 15 rounds of the Vector256 loop (about 10 ms each, after a
    /// warm-up), measured once per process, in the process that writes the summary, right after the benchmarks ran.
    /// </summary>
    public static double MeasuredGflops => Measured.Value;

    private static readonly Lazy<double> Measured = new(() =>
    {
        const int trips = 2_000_000;
        for (int i = 0; i < 5; i++) Fma256(trips / 10, 1f, 0.999999f, 1e-7f);
        double best = double.MaxValue;
        for (int round = 0; round < 15; round++)
        {
            long start = Stopwatch.GetTimestamp();
            Fma256(trips, 1f, 0.999999f, 1e-7f);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds);
        }
        return 2.0 * Chains * trips * 8 / best;
    });
}
