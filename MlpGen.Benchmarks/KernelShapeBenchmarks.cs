using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace MlpGen.Benchmarks;

/// <summary>
/// Candidate shapes of the batch kernel, written by hand, on the layer that dominates 784-100-10: z = W·x for 100 rows
/// of 784 weights over 2,400 samples, per sample. The evidence behind the generated grouped kernel
/// (docs/design/codegen-evidence.md, "What the generator does today"):
/// <list type="bullet">
/// <item>dot products, the generator's form: each (row, sample) pair one accumulator over the row's weights in
/// row-major order, then summed across the lanes; every weight vector loaded once for 4 samples, 2 rows (8
/// accumulators, the previous kernel) or 3 rows (12) at a time; in Vector256 and in Vector512;</item>
/// <item>outer products, the register-blocked GEMM micro-kernel of BLAS libraries: the weights packed column by column
/// in panels of 16 rows, each step broadcasting one input of each of 6 (Vector256) or 8 (Vector512) samples and
/// multiplying it into 2 vectors of the panel; no sums across lanes, but the 100 rows padded to 112.</item>
/// </list>
/// </summary>
[WarmupCount(3)]
[IterationCount(15)]
public class BatchKernelShapes : IFlopCounted
{
    private const int In = 784, Out = 100, Samples = 2400, Panel = 16;
    private float[] _weights = null!, _packed = null!, _inputs = null!, _outputs = null!;
    private int _panels;

    public double FlopsPerOperation(string method) => 2.0 * In * Out;

    [GlobalSetup]
    public void SetUp()
    {
        var random = new Random(1);
        _weights = GC.AllocateArray<float>(Out * In + 64, pinned: true);
        for (int i = 0; i < Out * In; i++) _weights[i] = (float)(random.NextDouble() - 0.5);
        _inputs = FashionMnist.Test.Inputs.Slice(0, Samples * In).ToArray();
        _panels = (Out + Panel - 1) / Panel;
        _packed = GC.AllocateArray<float>(_panels * Panel * In + 64, pinned: true);
        for (int p = 0; p < _panels; p++)
        {
            for (int k = 0; k < In; k++)
            {
                for (int i = 0; i < Panel; i++) _packed[(p * In + k) * Panel + i] = p * Panel + i < Out ? _weights[(p * Panel + i) * In + k] : 0;
            }
        }
        _outputs = new float[Samples * _panels * Panel];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public void Dot2x4_Vector256()
    {
        for (int s = 0; s < Samples; s += 4) Dot2x4(ref _weights[0], ref _inputs[s * In], ref _outputs[s * Out]);
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public void Dot3x4_Vector256()
    {
        for (int s = 0; s < Samples; s += 4) Dot3x4_256(ref _weights[0], ref _inputs[s * In], ref _outputs[s * Out]);
    }

    /// <summary>
    /// The generated shape with its inputs in L1: the same 4 samples every time (their 12.5 KB stay in L1; the weights
    /// still stream from L2). Against <see cref="Dot3x4_Vector256"/>, what bringing new inputs in costs the kernel.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Samples)]
    public void Dot3x4_Vector256_SameFourSamples()
    {
        for (int s = 0; s < Samples; s += 4) Dot3x4_256(ref _weights[0], ref _inputs[0], ref _outputs[s * Out]);
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public void Dot3x4_Vector512()
    {
        if (!Vector512.IsHardwareAccelerated) throw new PlatformNotSupportedException("Vector512 is not accelerated here.");
        for (int s = 0; s < Samples; s += 4) Dot3x4_512(ref _weights[0], ref _inputs[s * In], ref _outputs[s * Out]);
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public void OuterPacked6x2_Vector256()
    {
        int stride = _panels * Panel;
        for (int s = 0; s + 6 <= Samples; s += 6) Outer6x2_256(ref _packed[0], ref _inputs[s * In], ref _outputs[s * stride], _panels, stride);
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public void OuterPacked8x1_Vector512()
    {
        if (!Vector512.IsHardwareAccelerated) throw new PlatformNotSupportedException("Vector512 is not accelerated here.");
        int stride = _panels * Panel;
        for (int s = 0; s + 8 <= Samples; s += 8) Outer8x1_512(ref _packed[0], ref _inputs[s * In], ref _outputs[s * stride], _panels, stride);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Dot2x4(ref float w, ref float x0, ref float z)
    {
        ref float x1 = ref Unsafe.Add(ref x0, In), x2 = ref Unsafe.Add(ref x0, 2 * In), x3 = ref Unsafe.Add(ref x0, 3 * In);
        for (int j = 0; j < Out; j += 2)
        {
            ref float w0 = ref Unsafe.Add(ref w, j * In), w1 = ref Unsafe.Add(ref w0, In);
            Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
            for (int k = 0; k < In; k += 8)
            {
                Vector256<float> v0 = Vector256.LoadUnsafe(ref w0, (uint)k), v1 = Vector256.LoadUnsafe(ref w1, (uint)k);
                Vector256<float> x = Vector256.LoadUnsafe(ref x0, (uint)k);
                a00 = Vector256.MultiplyAddEstimate(v0, x, a00); a10 = Vector256.MultiplyAddEstimate(v1, x, a10);
                x = Vector256.LoadUnsafe(ref x1, (uint)k);
                a01 = Vector256.MultiplyAddEstimate(v0, x, a01); a11 = Vector256.MultiplyAddEstimate(v1, x, a11);
                x = Vector256.LoadUnsafe(ref x2, (uint)k);
                a02 = Vector256.MultiplyAddEstimate(v0, x, a02); a12 = Vector256.MultiplyAddEstimate(v1, x, a12);
                x = Vector256.LoadUnsafe(ref x3, (uint)k);
                a03 = Vector256.MultiplyAddEstimate(v0, x, a03); a13 = Vector256.MultiplyAddEstimate(v1, x, a13);
            }
            ref float o = ref Unsafe.Add(ref z, j);
            o = Vector256.Sum(a00); Unsafe.Add(ref o, 1) = Vector256.Sum(a10);
            o = ref Unsafe.Add(ref o, Out); o = Vector256.Sum(a01); Unsafe.Add(ref o, 1) = Vector256.Sum(a11);
            o = ref Unsafe.Add(ref o, Out); o = Vector256.Sum(a02); Unsafe.Add(ref o, 1) = Vector256.Sum(a12);
            o = ref Unsafe.Add(ref o, Out); o = Vector256.Sum(a03); Unsafe.Add(ref o, 1) = Vector256.Sum(a13);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Dot3x4_256(ref float w, ref float x0, ref float z)
    {
        ref float x1 = ref Unsafe.Add(ref x0, In), x2 = ref Unsafe.Add(ref x0, 2 * In), x3 = ref Unsafe.Add(ref x0, 3 * In);
        for (int j = 0; j < Out - 1; j += 3)   // 33 blocks of 3 rows (the 100th row is left out of both 3-row forms)
        {
            ref float w0 = ref Unsafe.Add(ref w, j * In), w1 = ref Unsafe.Add(ref w0, In), w2 = ref Unsafe.Add(ref w0, 2 * In);
            Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
            Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
            for (int k = 0; k < In; k += 8)
            {
                Vector256<float> v0 = Vector256.LoadUnsafe(ref w0, (uint)k), v1 = Vector256.LoadUnsafe(ref w1, (uint)k), v2 = Vector256.LoadUnsafe(ref w2, (uint)k);
                Vector256<float> x = Vector256.LoadUnsafe(ref x0, (uint)k);
                a00 = Vector256.MultiplyAddEstimate(v0, x, a00); a10 = Vector256.MultiplyAddEstimate(v1, x, a10); a20 = Vector256.MultiplyAddEstimate(v2, x, a20);
                x = Vector256.LoadUnsafe(ref x1, (uint)k);
                a01 = Vector256.MultiplyAddEstimate(v0, x, a01); a11 = Vector256.MultiplyAddEstimate(v1, x, a11); a21 = Vector256.MultiplyAddEstimate(v2, x, a21);
                x = Vector256.LoadUnsafe(ref x2, (uint)k);
                a02 = Vector256.MultiplyAddEstimate(v0, x, a02); a12 = Vector256.MultiplyAddEstimate(v1, x, a12); a22 = Vector256.MultiplyAddEstimate(v2, x, a22);
                x = Vector256.LoadUnsafe(ref x3, (uint)k);
                a03 = Vector256.MultiplyAddEstimate(v0, x, a03); a13 = Vector256.MultiplyAddEstimate(v1, x, a13); a23 = Vector256.MultiplyAddEstimate(v2, x, a23);
            }
            ref float o = ref Unsafe.Add(ref z, j);
            o = Vector256.Sum(a00); Unsafe.Add(ref o, 1) = Vector256.Sum(a10); Unsafe.Add(ref o, 2) = Vector256.Sum(a20);
            o = ref Unsafe.Add(ref o, Out); o = Vector256.Sum(a01); Unsafe.Add(ref o, 1) = Vector256.Sum(a11); Unsafe.Add(ref o, 2) = Vector256.Sum(a21);
            o = ref Unsafe.Add(ref o, Out); o = Vector256.Sum(a02); Unsafe.Add(ref o, 1) = Vector256.Sum(a12); Unsafe.Add(ref o, 2) = Vector256.Sum(a22);
            o = ref Unsafe.Add(ref o, Out); o = Vector256.Sum(a03); Unsafe.Add(ref o, 1) = Vector256.Sum(a13); Unsafe.Add(ref o, 2) = Vector256.Sum(a23);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Dot3x4_512(ref float w, ref float x0, ref float z)
    {
        ref float x1 = ref Unsafe.Add(ref x0, In), x2 = ref Unsafe.Add(ref x0, 2 * In), x3 = ref Unsafe.Add(ref x0, 3 * In);
        for (int j = 0; j < Out - 1; j += 3)
        {
            ref float w0 = ref Unsafe.Add(ref w, j * In), w1 = ref Unsafe.Add(ref w0, In), w2 = ref Unsafe.Add(ref w0, 2 * In);
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            for (int k = 0; k < In; k += 16)
            {
                Vector512<float> v0 = Vector512.LoadUnsafe(ref w0, (uint)k), v1 = Vector512.LoadUnsafe(ref w1, (uint)k), v2 = Vector512.LoadUnsafe(ref w2, (uint)k);
                Vector512<float> x = Vector512.LoadUnsafe(ref x0, (uint)k);
                a00 = Vector512.MultiplyAddEstimate(v0, x, a00); a10 = Vector512.MultiplyAddEstimate(v1, x, a10); a20 = Vector512.MultiplyAddEstimate(v2, x, a20);
                x = Vector512.LoadUnsafe(ref x1, (uint)k);
                a01 = Vector512.MultiplyAddEstimate(v0, x, a01); a11 = Vector512.MultiplyAddEstimate(v1, x, a11); a21 = Vector512.MultiplyAddEstimate(v2, x, a21);
                x = Vector512.LoadUnsafe(ref x2, (uint)k);
                a02 = Vector512.MultiplyAddEstimate(v0, x, a02); a12 = Vector512.MultiplyAddEstimate(v1, x, a12); a22 = Vector512.MultiplyAddEstimate(v2, x, a22);
                x = Vector512.LoadUnsafe(ref x3, (uint)k);
                a03 = Vector512.MultiplyAddEstimate(v0, x, a03); a13 = Vector512.MultiplyAddEstimate(v1, x, a13); a23 = Vector512.MultiplyAddEstimate(v2, x, a23);
            }
            ref float o = ref Unsafe.Add(ref z, j);
            o = Vector512.Sum(a00); Unsafe.Add(ref o, 1) = Vector512.Sum(a10); Unsafe.Add(ref o, 2) = Vector512.Sum(a20);
            o = ref Unsafe.Add(ref o, Out); o = Vector512.Sum(a01); Unsafe.Add(ref o, 1) = Vector512.Sum(a11); Unsafe.Add(ref o, 2) = Vector512.Sum(a21);
            o = ref Unsafe.Add(ref o, Out); o = Vector512.Sum(a02); Unsafe.Add(ref o, 1) = Vector512.Sum(a12); Unsafe.Add(ref o, 2) = Vector512.Sum(a22);
            o = ref Unsafe.Add(ref o, Out); o = Vector512.Sum(a03); Unsafe.Add(ref o, 1) = Vector512.Sum(a13); Unsafe.Add(ref o, 2) = Vector512.Sum(a23);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Outer6x2_256(ref float packed, ref float x, ref float z, int panels, int stride)
    {
        for (int p = 0; p < panels; p++)
        {
            ref float wp = ref Unsafe.Add(ref packed, p * In * Panel);
            Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
            Vector256<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
            for (int k = 0; k < In; k++)
            {
                Vector256<float> w0 = Vector256.LoadUnsafe(ref wp, (uint)(k * Panel)), w1 = Vector256.LoadUnsafe(ref wp, (uint)(k * Panel + 8));
                ref float xk = ref Unsafe.Add(ref x, k);
                Vector256<float> b = Vector256.Create(xk);
                a00 = Vector256.MultiplyAddEstimate(w0, b, a00); a01 = Vector256.MultiplyAddEstimate(w1, b, a01);
                b = Vector256.Create(Unsafe.Add(ref xk, In)); a10 = Vector256.MultiplyAddEstimate(w0, b, a10); a11 = Vector256.MultiplyAddEstimate(w1, b, a11);
                b = Vector256.Create(Unsafe.Add(ref xk, 2 * In)); a20 = Vector256.MultiplyAddEstimate(w0, b, a20); a21 = Vector256.MultiplyAddEstimate(w1, b, a21);
                b = Vector256.Create(Unsafe.Add(ref xk, 3 * In)); a30 = Vector256.MultiplyAddEstimate(w0, b, a30); a31 = Vector256.MultiplyAddEstimate(w1, b, a31);
                b = Vector256.Create(Unsafe.Add(ref xk, 4 * In)); a40 = Vector256.MultiplyAddEstimate(w0, b, a40); a41 = Vector256.MultiplyAddEstimate(w1, b, a41);
                b = Vector256.Create(Unsafe.Add(ref xk, 5 * In)); a50 = Vector256.MultiplyAddEstimate(w0, b, a50); a51 = Vector256.MultiplyAddEstimate(w1, b, a51);
            }
            ref float o = ref Unsafe.Add(ref z, p * Panel);
            a00.StoreUnsafe(ref o); a01.StoreUnsafe(ref o, 8); o = ref Unsafe.Add(ref o, stride);
            a10.StoreUnsafe(ref o); a11.StoreUnsafe(ref o, 8); o = ref Unsafe.Add(ref o, stride);
            a20.StoreUnsafe(ref o); a21.StoreUnsafe(ref o, 8); o = ref Unsafe.Add(ref o, stride);
            a30.StoreUnsafe(ref o); a31.StoreUnsafe(ref o, 8); o = ref Unsafe.Add(ref o, stride);
            a40.StoreUnsafe(ref o); a41.StoreUnsafe(ref o, 8); o = ref Unsafe.Add(ref o, stride);
            a50.StoreUnsafe(ref o); a51.StoreUnsafe(ref o, 8);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Outer8x1_512(ref float packed, ref float x, ref float z, int panels, int stride)
    {
        for (int p = 0; p < panels; p++)
        {
            ref float wp = ref Unsafe.Add(ref packed, p * In * Panel);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (int k = 0; k < In; k++)
            {
                Vector512<float> w0 = Vector512.LoadUnsafe(ref wp, (uint)(k * Panel));
                ref float xk = ref Unsafe.Add(ref x, k);
                a0 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(xk), a0);
                a1 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, In)), a1);
                a2 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, 2 * In)), a2);
                a3 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, 3 * In)), a3);
                a4 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, 4 * In)), a4);
                a5 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, 5 * In)), a5);
                a6 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, 6 * In)), a6);
                a7 = Vector512.MultiplyAddEstimate(w0, Vector512.Create(Unsafe.Add(ref xk, 7 * In)), a7);
            }
            ref float o = ref Unsafe.Add(ref z, p * Panel);
            a0.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride); a1.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride);
            a2.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride); a3.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride);
            a4.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride); a5.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride);
            a6.StoreUnsafe(ref o); o = ref Unsafe.Add(ref o, stride); a7.StoreUnsafe(ref o);
        }
    }
}
