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
    /// <summary>p ← fma(g_0 + g_1 + …, −rate, p), where rate is η/m; every gradient holds at least p.Length values.</summary>
    public static void Descend<T>(Span<T> p, ReadOnlySpan<T[]> gradients, T rate) where T : unmanaged, IFloatingPointIeee754<T> =>
        DescendSlice(p, gradients, rate, 0, p.Length);

    /// <summary>
    /// The same step on the parameters from <paramref name="from"/> up to <paramref name="to"/> only: each parameter's
    /// update reads only its own values, so a step cut into ranges gives every parameter the bits of the whole step.
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
        T[] first = gradients[0];
        int i = from;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> step = Vector256.Create(-rate);
            for (; i <= to - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> sum = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(first), (nuint)i);
                for (int w = 1; w < gradients.Length; w++) sum += Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(gradients[w]), (nuint)i);
                Fused.MultiplyAdd(sum, step, Vector256.LoadUnsafe(ref rp, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < to; i++)
        {
            T sum = first[i];
            for (int w = 1; w < gradients.Length; w++) sum += gradients[w][i];
            Unsafe.Add(ref rp, i) = T.FusedMultiplyAdd(sum, -rate, Unsafe.Add(ref rp, i));
        }
    }
}
