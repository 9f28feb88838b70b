using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Quantization;
using MlpGen.Training;

namespace MlpGen.Benchmarks;

/// <summary>
/// Design evidence for issue 20's generated int8 kernels, before the generator writes any: a hand-written int8 forward
/// pass of 784-100-10 ReLU/softmax (<see cref="Int8Prototype"/>) against the generated float <c>Predict</c> of the same
/// network and the plain integer reference (<see cref="QuantizedNetwork.Predict"/>), one sample at a time, on
/// Fashion-MNIST test images. The prototype must give the reference's bits (checked in the setup on 1,000 images), so
/// its speed is the speed of the arithmetic the file defines. Two forms of the int8 dot product: AVX2's
/// <c>vpmaddubsw</c> + <c>vpmaddwd</c> (u8 × s8 pairs into 16 bits, which cannot saturate because codes are at most
/// 127 in magnitude), and VNNI's <c>vpdpbusd</c> (four u8 × s8 products added into 32 bits in one instruction) where
/// .NET exposes it (<c>AvxVnni</c>).
/// </summary>
public class Int8PrototypeBenchmarks
{
    private const int Samples = 100;

    private Net784x100x10ReLUSoftmax _float = null!;
    private QuantizedNetwork _reference = null!;
    private Int8Prototype _prototype = null!;
    private float[] _inputs = null!;
    private readonly float[] _output = new float[10];
    private readonly float[] _outputs = new float[Samples * 10];

    [GlobalSetup]
    public void SetUp()
    {
        _float = new Net784x100x10ReLUSoftmax();
        Dataset<float> train = FashionMnist.Train, test = FashionMnist.Test;
        Sgd.Train(_float, train.Slice(0, 10_000), new SgdOptions { Epochs = 1, MiniBatchSize = 32, Eta = 0.001, Optimizer = Optimizer.Adam(), Seed = 1 });
        INetwork<float> network = _float;
        var weights = new NetworkWeights(network.LayerSizes.ToArray(), network.Activations.ToArray(), network.CostFunction, WeightsElement.Float32,
            Array.ConvertAll(network.Parameters.ToArray(), p => (double)p));
        _reference = Quantizer.Quantize(weights, train.Inputs[..(2000 * 784)]);
        _prototype = new Int8Prototype(_reference);
        _inputs = test.Inputs[..(1000 * 784)].ToArray();

        // The prototype is the reference's arithmetic, bit for bit, on both dot-product forms.
        float[] expected = new float[10], actual = new float[10];
        foreach (bool vnni in AvxVnni.IsSupported ? new[] { false, true } : new[] { false })
        {
            for (int s = 0; s < 1000; s++)
            {
                _reference.Predict(_inputs.AsSpan(s * 784, 784), expected);
                _prototype.Predict(_inputs.AsSpan(s * 784, 784), actual, vnni);
                if (!expected.AsSpan().SequenceEqual(actual)) throw new InvalidOperationException($"The int8 prototype ({(vnni ? "VNNI" : "AVX2")}) differs from the reference on image {s}.");
            }
        }
        var batch = new float[1000 * 10];
        _prototype.PredictBatch(_inputs, batch);
        for (int s = 0; s < 1000; s++)
        {
            _reference.Predict(_inputs.AsSpan(s * 784, 784), expected);
            if (!expected.AsSpan().SequenceEqual(batch.AsSpan(s * 10, 10))) throw new InvalidOperationException($"The int8 prototype's batch differs from the reference on image {s}.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples, Description = "float Predict (generated)")]
    public void Float()
    {
        for (int s = 0; s < Samples; s++) _float.Predict(_inputs.AsSpan(s * 784, 784), _output);
    }

    [Benchmark(OperationsPerInvoke = Samples, Description = "int8, AVX2 maddubs (prototype)")]
    public void Int8Avx2()
    {
        for (int s = 0; s < Samples; s++) _prototype.Predict(_inputs.AsSpan(s * 784, 784), _output, vnni: false);
    }

    [Benchmark(OperationsPerInvoke = Samples, Description = "int8, VNNI vpdpbusd (prototype)")]
    public void Int8Vnni()
    {
        if (!AvxVnni.IsSupported) throw new PlatformNotSupportedException("AvxVnni is not supported on this machine.");
        for (int s = 0; s < Samples; s++) _prototype.Predict(_inputs.AsSpan(s * 784, 784), _output, vnni: true);
    }

    [Benchmark(OperationsPerInvoke = Samples, Description = "float PredictBatch (generated), one thread")]
    public void FloatBatch() => _float.PredictBatch(_inputs.AsSpan(0, Samples * 784), _outputs);

    [Benchmark(OperationsPerInvoke = Samples, Description = "int8 batch, AVX2, 4 rows × 2 samples (prototype)")]
    public void Int8Batch() => _prototype.PredictBatch(_inputs.AsSpan(0, Samples * 784), _outputs);

    [Benchmark(OperationsPerInvoke = Samples, Description = "int8 reference (QuantizedNetwork)")]
    public void Int8Reference()
    {
        for (int s = 0; s < Samples; s++) _reference.Predict(_inputs.AsSpan(s * 784, 784), _output);
    }
}

/// <summary>
/// A hand-written int8 forward pass of a network whose every layer takes non-negative inputs (pixels, then ReLU
/// hidden layers), so that every input code is 0…127 and can be the unsigned operand of the u8 × s8 instructions.
/// Weights are packed once: each row padded with zero codes to a multiple of 32 bytes. Per layer: the inputs become
/// codes (8 floats at a time: × 1/s_in, clamped, converted with rounding to nearest even, packed to bytes), four rows'
/// int32 sums share each 32-byte load of codes, and z_j = float(acc_j) · m_j + b_j as the reference has it.
/// </summary>
internal sealed class Int8Prototype
{
    private readonly QuantizedNetwork _network;
    private readonly sbyte[][] _rows;       // per layer: Outputs rows of Padded(Inputs) codes
    private readonly int _widest;

    public Int8Prototype(QuantizedNetwork network)
    {
        _network = network;
        _rows = new sbyte[network.Layers.Count][];
        for (int l = 0; l < network.Layers.Count; l++)
        {
            QuantizedLayer layer = network.Layers[l];
            int padded = Padded(layer.Inputs);
            var packed = new sbyte[layer.Outputs * padded];
            for (int j = 0; j < layer.Outputs; j++) layer.Weights.Slice(j * layer.Inputs, layer.Inputs).CopyTo(packed.AsSpan(j * padded));
            _rows[l] = packed;
            _widest = Math.Max(_widest, Math.Max(padded, layer.Outputs));
        }
    }

    private static int Padded(int n) => (n + 31) / 32 * 32;

    [SkipLocalsInit]
    public void Predict(ReadOnlySpan<float> input, Span<float> output, bool vnni)
    {
        Span<byte> codes = stackalloc byte[_widest];
        Span<float> z = stackalloc float[_widest];
        scoped ReadOnlySpan<float> a = input;
        for (int l = 0; l < _rows.Length; l++)
        {
            QuantizedLayer layer = _network.Layers[l];
            int padded = Padded(layer.Inputs);
            Code(a, codes[..padded], layer.InverseInputScale);
            Span<float> zl = z[..layer.Outputs];
            Sums(codes[..padded], _rows[l], padded, layer, zl, vnni);
            if (l < _rows.Length - 1)
            {
                for (int j = 0; j < zl.Length; j++) zl[j] = zl[j] > 0 ? zl[j] : 0;   // ReLU, as the reference
                a = zl;
            }
            else
            {
                zl.CopyTo(output);
                ReferenceActivations.Apply(_network.Activations[l], output);
            }
        }
    }

    /// <summary>
    /// Feedforward of many samples (an even count): pairs of samples layer by layer, each 32-byte load of four weight rows
    /// shared by both samples (8 int32 accumulators), as the float batch kernels share their weight loads.
    /// </summary>
    [SkipLocalsInit]
    public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int n0 = _network.LayerSizes[0], outputSize = _network.LayerSizes[^1];
        Span<byte> codes = stackalloc byte[2 * _widest];
        Span<float> z = stackalloc float[2 * _widest];
        for (int s = 0; s < inputs.Length / n0; s += 2)
        {
            for (int l = 0; l < _rows.Length; l++)
            {
                QuantizedLayer layer = _network.Layers[l];
                int padded = Padded(layer.Inputs), m = layer.Outputs;
                if (l == 0)
                {
                    Code(inputs.Slice(s * n0, n0), codes[..padded], layer.InverseInputScale);
                    Code(inputs.Slice((s + 1) * n0, n0), codes.Slice(padded, padded), layer.InverseInputScale);
                }
                else
                {
                    Span<float> a = z[..(2 * _network.LayerSizes[l])];
                    for (int j = 0; j < a.Length; j++) a[j] = a[j] > 0 ? a[j] : 0;   // ReLU of the previous layer
                    Code(a[..layer.Inputs], codes[..padded], layer.InverseInputScale);
                    Code(a[layer.Inputs..], codes.Slice(padded, padded), layer.InverseInputScale);
                }
                SumsOfTwo(codes[..(2 * padded)], _rows[l], padded, layer, z[..(2 * m)]);
            }
            for (int t = 0; t < 2; t++)
            {
                Span<float> output = outputs.Slice((s + t) * outputSize, outputSize);
                z.Slice(t * outputSize, outputSize).CopyTo(output);
                ReferenceActivations.Apply(_network.Activations[^1], output);
            }
        }
    }

    /// <summary>z of two samples (their codes one after the other, as their z), four rows at a time.</summary>
    private static void SumsOfTwo(ReadOnlySpan<byte> codes, sbyte[] rows, int padded, QuantizedLayer layer, Span<float> z)
    {
        ref byte q = ref MemoryMarshal.GetReference(codes);
        ref sbyte w = ref MemoryMarshal.GetArrayDataReference(rows);
        Vector256<short> ones = Vector256.Create((short)1);
        ReadOnlySpan<float> m = layer.Multipliers, b = layer.Biases;
        int outputs = layer.Outputs, j = 0;
        for (; j + 4 <= outputs; j += 4)
        {
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, c0 = default, c1 = default, c2 = default, c3 = default;
            ref sbyte w0 = ref Unsafe.Add(ref w, j * padded);
            for (int k = 0; k < padded; k += 32)
            {
                Vector256<byte> x = Vector256.LoadUnsafe(ref q, (nuint)k), y = Vector256.LoadUnsafe(ref q, (nuint)(padded + k));
                Vector256<sbyte> r0 = Vector256.LoadUnsafe(ref w0, (nuint)k), r1 = Vector256.LoadUnsafe(ref w0, (nuint)(padded + k));
                Vector256<sbyte> r2 = Vector256.LoadUnsafe(ref w0, (nuint)(2 * padded + k)), r3 = Vector256.LoadUnsafe(ref w0, (nuint)(3 * padded + k));
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, r0), ones);
                a1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, r1), ones);
                a2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, r2), ones);
                a3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(x, r3), ones);
                c0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(y, r0), ones);
                c1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(y, r1), ones);
                c2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(y, r2), ones);
                c3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(y, r3), ones);
            }
            z[j] = Vector256.Sum(a0) * m[j] + b[j];
            z[j + 1] = Vector256.Sum(a1) * m[j + 1] + b[j + 1];
            z[j + 2] = Vector256.Sum(a2) * m[j + 2] + b[j + 2];
            z[j + 3] = Vector256.Sum(a3) * m[j + 3] + b[j + 3];
            z[outputs + j] = Vector256.Sum(c0) * m[j] + b[j];
            z[outputs + j + 1] = Vector256.Sum(c1) * m[j + 1] + b[j + 1];
            z[outputs + j + 2] = Vector256.Sum(c2) * m[j + 2] + b[j + 2];
            z[outputs + j + 3] = Vector256.Sum(c3) * m[j + 3] + b[j + 3];
        }
        for (; j < outputs; j++)
        {
            Vector256<int> a = default, c = default;
            ref sbyte row = ref Unsafe.Add(ref w, j * padded);
            for (int k = 0; k < padded; k += 32)
            {
                Vector256<sbyte> r = Vector256.LoadUnsafe(ref row, (nuint)k);
                a += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref q, (nuint)k), r), ones);
                c += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref q, (nuint)(padded + k)), r), ones);
            }
            z[j] = Vector256.Sum(a) * m[j] + b[j];
            z[outputs + j] = Vector256.Sum(c) * m[j] + b[j];
        }
    }

    /// <summary>codes[i] = clamp(round(a[i] · inverse), 0, 127) for non-negative a; zeros after a's end.</summary>
    private static void Code(ReadOnlySpan<float> a, Span<byte> codes, float inverse)
    {
        Vector256<float> scale = Vector256.Create(inverse), top = Vector256.Create(127f);
        int i = 0;
        ref float source = ref MemoryMarshal.GetReference(a);
        for (; i + 32 <= a.Length; i += 32)
        {
            // 4 × 8 floats → 4 × 8 int32 → 2 × 16 int16 → 32 bytes; the packs interleave 128-bit lanes, which one permute undoes.
            Vector256<int> i0 = Avx.ConvertToVector256Int32(Vector256.Min(Vector256.LoadUnsafe(ref source, (nuint)i) * scale, top));
            Vector256<int> i1 = Avx.ConvertToVector256Int32(Vector256.Min(Vector256.LoadUnsafe(ref source, (nuint)i + 8) * scale, top));
            Vector256<int> i2 = Avx.ConvertToVector256Int32(Vector256.Min(Vector256.LoadUnsafe(ref source, (nuint)i + 16) * scale, top));
            Vector256<int> i3 = Avx.ConvertToVector256Int32(Vector256.Min(Vector256.LoadUnsafe(ref source, (nuint)i + 24) * scale, top));
            Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(i0, i1), Avx2.PackSignedSaturate(i2, i3));
            Avx2.PermuteVar8x32(packed.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(codes), (nuint)i);
        }
        for (; i < a.Length; i++) codes[i] = (byte)Math.Clamp(MathF.Round(a[i] * inverse), 0f, 127f);
        codes[a.Length..].Clear();
    }

    /// <summary>z_j = float(Σ_i Q[j, i] · q_i) · m_j + b_j, four rows at a time sharing each load of the codes.</summary>
    private static void Sums(ReadOnlySpan<byte> codes, sbyte[] rows, int padded, QuantizedLayer layer, Span<float> z, bool vnni)
    {
        ref byte q = ref MemoryMarshal.GetReference(codes);
        ref sbyte w = ref MemoryMarshal.GetArrayDataReference(rows);
        Vector256<short> ones = Vector256.Create((short)1);
        ReadOnlySpan<float> m = layer.Multipliers, b = layer.Biases;
        int j = 0;
        for (; j + 4 <= z.Length; j += 4)
        {
            Vector256<int> s0 = default, s1 = default, s2 = default, s3 = default;
            ref sbyte w0 = ref Unsafe.Add(ref w, j * padded);
            for (int k = 0; k < padded; k += 32)
            {
                Vector256<byte> a = Vector256.LoadUnsafe(ref q, (nuint)k);
                Vector256<sbyte> r0 = Vector256.LoadUnsafe(ref w0, (nuint)k), r1 = Vector256.LoadUnsafe(ref w0, (nuint)(padded + k));
                Vector256<sbyte> r2 = Vector256.LoadUnsafe(ref w0, (nuint)(2 * padded + k)), r3 = Vector256.LoadUnsafe(ref w0, (nuint)(3 * padded + k));
                if (vnni)
                {
                    s0 = AvxVnni.MultiplyWideningAndAdd(s0, a, r0);
                    s1 = AvxVnni.MultiplyWideningAndAdd(s1, a, r1);
                    s2 = AvxVnni.MultiplyWideningAndAdd(s2, a, r2);
                    s3 = AvxVnni.MultiplyWideningAndAdd(s3, a, r3);
                }
                else
                {
                    s0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, r0), ones);
                    s1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, r1), ones);
                    s2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, r2), ones);
                    s3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, r3), ones);
                }
            }
            z[j] = Vector256.Sum(s0) * m[j] + b[j];
            z[j + 1] = Vector256.Sum(s1) * m[j + 1] + b[j + 1];
            z[j + 2] = Vector256.Sum(s2) * m[j + 2] + b[j + 2];
            z[j + 3] = Vector256.Sum(s3) * m[j + 3] + b[j + 3];
        }
        for (; j < z.Length; j++)
        {
            Vector256<int> s = default;
            ref sbyte row = ref Unsafe.Add(ref w, j * padded);
            for (int k = 0; k < padded; k += 32)
            {
                Vector256<byte> a = Vector256.LoadUnsafe(ref q, (nuint)k);
                Vector256<sbyte> r = Vector256.LoadUnsafe(ref row, (nuint)k);
                s = vnni ? AvxVnni.MultiplyWideningAndAdd(s, a, r) : s + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, r), ones);
            }
            z[j] = Vector256.Sum(s) * m[j] + b[j];
        }
    }
}
