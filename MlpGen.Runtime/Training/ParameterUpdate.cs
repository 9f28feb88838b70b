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
    public static void Descend<T>(Span<T> p, ReadOnlySpan<T[]> gradients, T rate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (T[] g in gradients)
        {
            if (g.Length < p.Length) throw new ArgumentException($"A gradient holds {g.Length} values for {p.Length} parameters.", nameof(gradients));
        }
        ref T rp = ref MemoryMarshal.GetReference(p);
        T[] first = gradients[0];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> step = Vector256.Create(-rate);
            for (; i <= p.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> sum = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(first), (nuint)i);
                for (int w = 1; w < gradients.Length; w++) sum += Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(gradients[w]), (nuint)i);
                FusedMultiplyAdd(sum, step, Vector256.LoadUnsafe(ref rp, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);
            }
        }
        for (; i < p.Length; i++)
        {
            T sum = first[i];
            for (int w = 1; w < gradients.Length; w++) sum += gradients[w][i];
            Unsafe.Add(ref rp, i) = T.FusedMultiplyAdd(sum, -rate, Unsafe.Add(ref rp, i));
        }
    }

    /// <summary>a·b + c rounded once, for the two element types (the JIT keeps only the branch of T).</summary>
    private static Vector256<T> FusedMultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
}
