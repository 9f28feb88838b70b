using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
#if !NET9_0_OR_GREATER
using System.Runtime.Intrinsics.X86;
#endif

namespace MlpGen.Training;

/// <summary>
/// a·b + c on 256-bit vectors, each element rounded once, for the runtime's two element types (the JIT keeps only the
/// branch of T): the optimisers' steps (<see cref="ParameterUpdate"/>, <see cref="OptimizerStep{T}"/>) use it. .NET 9
/// has <c>Vector256.FusedMultiplyAdd</c>; the .NET 8 build gets the same bits from the FMA instruction where the CPU
/// has it, else from each element's scalar fused multiply-add (which is what .NET 9's method does without FMA).
/// </summary>
internal static class Fused
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        return typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
#else
        if (Fma.IsSupported)
        {
            return typeof(T) == typeof(float)
                ? Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        Vector256<T> result = Vector256<T>.Zero;
        for (int i = 0; i < Vector256<T>.Count; i++) result = result.WithElement(i, T.FusedMultiplyAdd(a[i], b[i], c[i]));
        return result;
#endif
    }
}
