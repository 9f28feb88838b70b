using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlpGen.Training;

/// <summary>
/// The runtime's one gradient-descent step, used by <see cref="Sgd"/> (through DataParallelEpoch) and by
/// <see cref="GradientDescent"/>: p ← fma(g_0 + g_1 + … + g_(P−1), −rate, p), the gradients summed in
/// the order given, each parameter rounded once after the multiply-add.
/// <para>
/// The generated networks carry their own copy of this step (the <c>Descend</c> kernel behind
/// <c>TrainMiniBatch</c>), because they must work without this library: it computes the same fused
/// multiply-add, p = fma(g, −rate, p), vectorised the same way. With one gradient (P = 1) this routine
/// therefore gives the bits of <c>TrainMiniBatch</c> (ParallelTrainingTests checks it, for float and double).
/// </para>
/// </summary>
internal static class ParameterUpdate
{
    /// <summary>p ← fma(g_0 + g_1 + …, −rate, p), where rate is η/m; every gradient holds at least p.Length values, and is left zero.</summary>
    public static void Descend<T>(Span<T> p, ReadOnlySpan<T[]> gradients, T rate) where T : unmanaged, IFloatingPointIeee754<T> =>
        DescendSlice(p, gradients, rate, 0, p.Length);

    /// <summary>
    /// The same step on the parameters from <paramref name="from"/> up to <paramref name="to"/> only: each parameter's
    /// update reads only its own values, so a step cut into ranges gives every parameter the bits of the whole step. The
    /// gradients are left zero from <paramref name="from"/> up to <paramref name="to"/> (<see cref="TakeSum"/>).
    /// </summary>
    public static void DescendSlice<T>(Span<T> p, ReadOnlySpan<T[]> gradients, T rate, int from, int to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, p.Length);
        foreach (T[] g in gradients)
        {
            if (g.Length < p.Length) throw new ArgumentException($"A gradient holds {g.Length} values for {p.Length} parameters.", nameof(gradients));
        }
        ref T rp = ref MemoryMarshal.GetReference(p);
        int i = from;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> step = Vector256.Create(-rate);
            for (; i <= to - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Fused.MultiplyAdd(TakeSum(gradients, i), step, Vector256.LoadUnsafe(ref rp, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < to; i++)
        {
            Unsafe.Add(ref rp, i) = T.FusedMultiplyAdd(TakeSumAt(gradients, i), -rate, Unsafe.Add(ref rp, i));
        }
    }

    /// <summary>
    /// g_0 + g_1 + … at the vector from i, summed in the order given, leaving each gradient zero there: the step consumes
    /// the gradients, so the next mini-batch can sum into them without a pass of its own to clear them (those values are
    /// in the cache now; a separate clear would fetch them again).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> TakeSum<T>(ReadOnlySpan<T[]> gradients, int i) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T g0 = ref MemoryMarshal.GetArrayDataReference(gradients[0]);
        Vector256<T> sum = Vector256.LoadUnsafe(ref g0, (nuint)i);
        Vector256<T>.Zero.StoreUnsafe(ref g0, (nuint)i);
        for (int w = 1; w < gradients.Length; w++)
        {
            ref T gw = ref MemoryMarshal.GetArrayDataReference(gradients[w]);
            sum += Vector256.LoadUnsafe(ref gw, (nuint)i);
            Vector256<T>.Zero.StoreUnsafe(ref gw, (nuint)i);
        }
        return sum;
    }

    /// <summary>g_0[i] + g_1[i] + …, summed in the order given, leaving each gradient zero at i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T TakeSumAt<T>(ReadOnlySpan<T[]> gradients, int i) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = gradients[0][i];
        gradients[0][i] = T.Zero;
        for (int w = 1; w < gradients.Length; w++)
        {
            sum += gradients[w][i];
            gradients[w][i] = T.Zero;
        }
        return sum;
    }
}
