using System;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Layers as <c>Vector256</c> fused multiply-add loops with constant trip counts (shared/design/codegen-evidence.md,
/// shape E): unrolled across output rows (and samples), never across the wide input dimension, so every
/// method stays small whatever the layer size. Each (row, sample) dot product runs in one accumulator in
/// steps of one vector, then the leftover columns as constant-index scalar terms; the single-sample and the
/// grouped kernels therefore add in the same order and give the same bits.
/// Every kernel starts with <c>if (!Vector256.IsHardwareAccelerated)</c> (a constant to the JIT) and then runs
/// plain scalar loops instead, for machines and builds without 256-bit SIMD (NativeAOT's default x64 target, Arm64).
/// </summary>
internal sealed class SimdLayerEmitter : ILayerEmitter
{
    /// <summary>Output rows computed together for one sample: 8 independent FMA chains, each input vector loaded once for all 8.</summary>
    private const int RowsPerBlock = 8;

    /// <summary>Output rows computed together for a group of samples: 2 rows × <see cref="NetworkEmitter.Group"/> samples = 8 chains, each weight vector loaded once for all samples.</summary>
    private const int GroupRowsPerBlock = 2;

    /// <summary>Vectors per step in the transposed product and the gradient.</summary>
    private const int VectorsPerColumnStep = 4;

    public static readonly SimdLayerEmitter Instance = new();

    // ---- Feedforward -----------------------------------------------------------------------------------

    public void EmitForward(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        int vectorEnd = nIn / m.Lanes * m.Lanes;

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// z{l} = W{l}·a{l - 1} + b{l} with Vector256 FMA ({nOut}×{nIn} = {NetworkEmitter.Num((long)nOut * nIn)} multiply-adds): rows in blocks of {RowsPerBlock},");
        w.Line($"/// each row's dot product in one accumulator of {m.Lanes} lanes ({RowsPerBlock} independent FMA chains sharing each input load),");
        w.Line($"/// {vectorEnd / m.Lanes} vector steps" + (nIn > vectorEnd ? $", then {nIn - vectorEnd} scalar columns." : "."));
        w.Line("/// </summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void Layer{l}(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> input, Span<{t}> z)");
        EmitScalarDispatch(w, $"Layer{l}Scalar(p, input, z, 1);");
        w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} b = ref MemoryMarshal.GetReference(p.Slice(B{l}, {nOut}));");
        w.Line($"ref {t} x0 = ref MemoryMarshal.GetReference(input.Slice(0, {nIn}));");
        w.Line($"ref {t} o0 = ref MemoryMarshal.GetReference(z.Slice(0, {nOut}));");
        EmitBlocks(w, m, nIn, nOut, RowsPerBlock, samples: 1);
        w.Close();

        EmitForwardGroup(w, m, l);
        EmitForwardScalar(w, m, l);
    }

    /// <summary>The same product for <see cref="NetworkEmitter.Group"/> samples at once: every weight vector loaded serves all of them.</summary>
    private static void EmitForwardGroup(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l], g = NetworkEmitter.Group;
        w.Line();
        w.Line($"/// <summary>Layer{l} for {g} samples (inputs and outputs one after another): rows in blocks of {GroupRowsPerBlock} × {g} samples, the same additions per row and sample as Layer{l}.</summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void Layer{l}Group(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> inputs, Span<{t}> z)");
        EmitScalarDispatch(w, $"Layer{l}Scalar(p, inputs, z, {g});");
        w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} b = ref MemoryMarshal.GetReference(p.Slice(B{l}, {nOut}));");
        w.Line($"ref {t} x0 = ref MemoryMarshal.GetReference(inputs.Slice(0, {g} * {nIn}));");
        w.Line($"ref {t} o0 = ref MemoryMarshal.GetReference(z.Slice(0, {g} * {nOut}));");
        for (int s = 1; s < g; s++)
        {
            w.Line($"ref {t} x{s} = ref Unsafe.Add(ref x0, {s * nIn}); ref {t} o{s} = ref Unsafe.Add(ref o0, {s * nOut});");
        }
        EmitBlocks(w, m, nIn, nOut, GroupRowsPerBlock, samples: g);
        w.Close();
    }

    /// <summary>Row blocks of <paramref name="rows"/> rows × <paramref name="samples"/> samples, then one block for the leftover rows.</summary>
    private static void EmitBlocks(CodeWriter w, NetworkModel m, int nIn, int nOut, int rows, int samples)
    {
        int blocked = nOut / rows * rows;
        if (blocked > 0)
        {
            w.Open($"for (int j = 0; j < {blocked}; j += {rows})");
            EmitBlock(w, m, rows, samples, "j", nIn);
            w.Close();
        }
        if (nOut > blocked)
        {
            w.Line($"// The last {nOut - blocked} row(s).");
            w.Open("");
            EmitBlock(w, m, nOut - blocked, samples, blocked.ToString(), nIn);
            w.Close();
        }
    }

    private static void EmitBlock(CodeWriter w, NetworkModel m, int rows, int samples, string start, int nIn)
    {
        string t = m.ElementKeyword, v = $"Vector256<{t}>";
        int lanes = m.Lanes, vectorEnd = nIn / lanes * lanes;
        bool constant = start != "j";
        string Row(int r) => constant ? (int.Parse(start) + r).ToString() : r == 0 ? "j" : $"j + {r}";
        string RowOffset(int r) => constant ? ((int.Parse(start) + r) * nIn).ToString() : r == 0 ? $"j * {nIn}" : $"(j + {r}) * {nIn}";
        string Acc(int r, int s) => samples == 1 ? $"s{r}" : $"s{r}_{s}";

        for (int r = 0; r < rows; r++) w.Line($"ref {t} w{r} = ref Unsafe.Add(ref w, {RowOffset(r)});");
        if (vectorEnd > 0)
        {
            for (int r = 0; r < rows; r++)
            {
                w.Line(string.Join(" ", Enumerable.Range(0, samples).Select(s => $"{v} {Acc(r, s)} = {v}.Zero;")));
            }
            w.Open($"for (int k = 0; k < {vectorEnd}; k += {lanes})");
            if (samples == 1)
            {
                w.Line($"{v} x = Vector256.LoadUnsafe(ref x0, (nuint)k);");
                for (int r = 0; r < rows; r++) w.Line($"{Acc(r, 0)} = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w{r}, (nuint)k), x, {Acc(r, 0)});");
            }
            else
            {
                for (int r = 0; r < rows; r++) w.Line($"{v} v{r} = Vector256.LoadUnsafe(ref w{r}, (nuint)k);");
                for (int s = 0; s < samples; s++)
                {
                    w.Line($"{v} x{s}k = Vector256.LoadUnsafe(ref x{s}, (nuint)k);");
                    for (int r = 0; r < rows; r++) w.Line($"{Acc(r, s)} = Vector256.FusedMultiplyAdd(v{r}, x{s}k, {Acc(r, s)});");
                }
            }
            w.Close();
        }
        for (int s = 0; s < samples; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                string sum = $"Unsafe.Add(ref o{s}, {Row(r)}) = Unsafe.Add(ref b, {Row(r)})" + (vectorEnd > 0 ? $" + Vector256.Sum({Acc(r, s)})" : "");
                string tail = string.Concat(Enumerable.Range(vectorEnd, nIn - vectorEnd).Select(k => $" + Unsafe.Add(ref w{r}, {k}) * Unsafe.Add(ref x{s}, {k})"));
                w.Line(sum + tail + ";");
            }
        }
    }

    /// <summary>The scalar fallback of Layer{l} and Layer{l}Group: plain loops, four partial sums per row.</summary>
    private static void EmitForwardScalar(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        w.Line();
        w.Line($"/// <summary>z{l} = W{l}·a{l - 1} + b{l} for count samples, in scalar loops: the path where Vector256 is not hardware accelerated.</summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void Layer{l}Scalar(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> inputs, Span<{t}> z, int count)");
        w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} b = ref MemoryMarshal.GetReference(p.Slice(B{l}, {nOut}));");
        w.Line($"ref {t} x = ref MemoryMarshal.GetReference(inputs.Slice(0, count * {nIn}));");
        w.Line($"ref {t} o = ref MemoryMarshal.GetReference(z.Slice(0, count * {nOut}));");
        w.Open("for (int s = 0; s < count; s++)");
        w.Line($"ref {t} xs = ref Unsafe.Add(ref x, s * {nIn});");
        w.Open($"for (int j = 0; j < {nOut}; j++)");
        w.Line($"ref {t} wj = ref Unsafe.Add(ref w, j * {nIn});");
        w.Line($"{t} s0 = 0, s1 = 0, s2 = 0, s3 = 0;");
        w.Line("int k = 0;");
        w.Open($"for (; k < {nIn / 4 * 4}; k += 4)");
        for (int i = 0; i < 4; i++) w.Line($"s{i} += Unsafe.Add(ref wj, k + {i}) * Unsafe.Add(ref xs, k + {i});");
        w.Close();
        w.Line($"for (; k < {nIn}; k++) s0 += Unsafe.Add(ref wj, k) * Unsafe.Add(ref xs, k);");
        w.Line($"Unsafe.Add(ref o, s * {nOut} + j) = Unsafe.Add(ref b, j) + ((s0 + s1) + (s2 + s3));");
        w.Close();
        w.Close();
        w.Close();
    }

    private static void EmitScalarDispatch(CodeWriter w, string call)
    {
        w.Open("if (!Vector256.IsHardwareAccelerated)   // a constant to the JIT: only one of the two paths is compiled");
        w.Line(call);
        w.Line("return;");
        w.Close();
    }

    // ---- Backward ----------------------------------------------------------------------------------------

    public void EmitTransposed(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword, v = $"Vector256<{t}>";
        int lanes = m.Lanes, nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        ColumnPlan plan = new(nIn, lanes);

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// result = W{l}ᵀ·δ{l} ({NetworkEmitter.Num((long)nOut * nIn)} multiply-adds): result[k] = Σ_j W{l}[j, k]·δ{l}[j], vectorised along k, each");
        w.Line($"/// step running {VectorsPerColumnStep} accumulators down the {nOut} rows of W{l}.");
        w.Line("/// </summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void Layer{l}Transposed(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> delta, Span<{t}> result)");
        w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} e = ref MemoryMarshal.GetReference(delta.Slice(0, {nOut}));");
        w.Line($"ref {t} o = ref MemoryMarshal.GetReference(result.Slice(0, {nIn}));");
        w.Open("if (!Vector256.IsHardwareAccelerated)   // a constant to the JIT: only one of the two paths is compiled");
        EmitTransposedScalarColumns(w, m, "0", nIn.ToString(), nIn, nOut);
        w.Line("return;");
        w.Close();
        plan.Emit(w, vectors =>
        {
            for (int i = 0; i < vectors; i++) w.Line($"{v} t{i} = {v}.Zero;");
            w.Open($"for (int j = 0; j < {nOut}; j++)");
            w.Line($"{v} ej = Vector256.Create(Unsafe.Add(ref e, j));");
            w.Line($"ref {t} wj = ref Unsafe.Add(ref w, j * {nIn});");
            for (int i = 0; i < vectors; i++)
            {
                w.Line($"t{i} = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref wj, (nuint)(k + {i * lanes})), ej, t{i});");
            }
            w.Close();
            for (int i = 0; i < vectors; i++) w.Line($"t{i}.StoreUnsafe(ref o, (nuint)(k + {i * lanes}));");
        }, scalar: (from, to) => EmitTransposedScalarColumns(w, m, from, to, nIn, nOut));
        w.Close();
    }

    private static void EmitTransposedScalarColumns(CodeWriter w, NetworkModel m, string from, string to, int nIn, int nOut)
    {
        w.Open($"for (int k = {from}; k < {to}; k++)");
        w.Line($"{m.ElementKeyword} sum = 0;");
        w.Line($"for (int j = 0; j < {nOut}; j++) sum += Unsafe.Add(ref w, j * {nIn} + k) * Unsafe.Add(ref e, j);");
        w.Line("Unsafe.Add(ref o, k) = sum;");
        w.Close();
    }

    public void EmitGradient(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword, v = $"Vector256<{t}>";
        int lanes = m.Lanes, nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        ColumnPlan plan = new(nIn, lanes);

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// ∇W{l} += Σ_s δ{l},s·a{l - 1},sᵀ and ∇b{l} += Σ_s δ{l},s over count samples. Column blocks of {VectorsPerColumnStep} vectors go outermost,");
        w.Line("/// so the samples' inputs in a block stay in L1 while every row of the gradient takes them: each block of a");
        w.Line("/// gradient row is loaded once, takes the contributions of every sample, and is stored once.");
        w.Line("/// </summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void Layer{l}Gradient(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> delta, int count, Span<{t}> g)");
        w.Line($"ref {t} gw = ref MemoryMarshal.GetReference(g.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} gb = ref MemoryMarshal.GetReference(g.Slice(B{l}, {nOut}));");
        w.Line($"ref {t} x = ref MemoryMarshal.GetReference(a.Slice(0, count * {nIn}));");
        w.Line($"ref {t} e = ref MemoryMarshal.GetReference(delta.Slice(0, count * {nOut}));");
        w.Open("if (!Vector256.IsHardwareAccelerated)   // a constant to the JIT: only one of the two paths is compiled");
        EmitGradientScalarColumns(w, m, "0", nIn.ToString(), nIn, nOut);
        w.Close();
        w.Open("else");
        plan.Emit(w, vectors =>
        {
            // Two gradient rows at a time: 2 × vectors independent FMA chains, each input load serving both rows.
            int paired = nOut / 2 * 2;
            if (paired > 0)
            {
                w.Open($"for (int j = 0; j < {paired}; j += 2)");
                EmitGradientRows(w, m, vectors, rows: 2, "j", nIn, nOut);
                w.Close();
            }
            if (nOut > paired)
            {
                w.Open("");
                EmitGradientRows(w, m, vectors, rows: 1, paired.ToString(), nIn, nOut);
                w.Close();
            }
        }, scalar: (from, to) => EmitGradientScalarColumns(w, m, from, to, nIn, nOut));
        w.Close();
        w.Open($"for (int j = 0; j < {nOut}; j++)");
        w.Line($"{t} bias = 0;");
        w.Line($"for (int s = 0; s < count; s++) bias += Unsafe.Add(ref e, s * {nOut} + j);");
        w.Line("Unsafe.Add(ref gb, j) += bias;");
        w.Close();
        w.Close();
    }

    /// <summary>One step of <paramref name="vectors"/> vectors of <paramref name="rows"/> gradient rows: load, add every sample's δ·a, store.</summary>
    private static void EmitGradientRows(CodeWriter w, NetworkModel m, int vectors, int rows, string first, int nIn, int nOut)
    {
        string t = m.ElementKeyword, v = $"Vector256<{t}>";
        int lanes = m.Lanes;
        string Row(int r) => first == "j" ? (r == 0 ? "j" : $"j + {r}") : (int.Parse(first) + r).ToString();
        for (int r = 0; r < rows; r++)
        {
            w.Line($"ref {t} g{r}r = ref Unsafe.Add(ref gw, ({Row(r)}) * {nIn});");
            for (int i = 0; i < vectors; i++) w.Line($"{v} g{r}_{i} = Vector256.LoadUnsafe(ref g{r}r, (nuint)(k + {i * lanes}));");
        }
        w.Open("for (int s = 0; s < count; s++)");
        w.Line($"ref {t} xs = ref Unsafe.Add(ref x, s * {nIn});");
        for (int r = 0; r < rows; r++) w.Line($"{v} e{r} = Vector256.Create(Unsafe.Add(ref e, s * {nOut} + {Row(r)}));");
        for (int i = 0; i < vectors; i++)
        {
            w.Line($"{v} x{i} = Vector256.LoadUnsafe(ref xs, (nuint)(k + {i * lanes}));");
            for (int r = 0; r < rows; r++) w.Line($"g{r}_{i} = Vector256.FusedMultiplyAdd(x{i}, e{r}, g{r}_{i});");
        }
        w.Close();
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < vectors; i++) w.Line($"g{r}_{i}.StoreUnsafe(ref g{r}r, (nuint)(k + {i * lanes}));");
        }
    }

    private static void EmitGradientScalarColumns(CodeWriter w, NetworkModel m, string from, string to, int nIn, int nOut)
    {
        w.Open($"for (int j = 0; j < {nOut}; j++)");
        w.Open($"for (int k = {from}; k < {to}; k++)");
        w.Line($"{m.ElementKeyword} sum = Unsafe.Add(ref gw, j * {nIn} + k);");
        w.Line($"for (int s = 0; s < count; s++) sum += Unsafe.Add(ref e, s * {nOut} + j) * Unsafe.Add(ref x, s * {nIn} + k);");
        w.Line($"Unsafe.Add(ref gw, j * {nIn} + k) = sum;");
        w.Close();
        w.Close();
    }

    /// <summary>
    /// Splits n columns into steps of <see cref="VectorsPerColumnStep"/> vectors, then single vectors, then
    /// scalar columns, and emits a constant-bound loop over k for each vector part that is not empty.
    /// </summary>
    private readonly struct ColumnPlan
    {
        private readonly int _n, _lanes, _mainEnd, _vectorEnd;

        public ColumnPlan(int n, int lanes)
        {
            _n = n;
            _lanes = lanes;
            _mainEnd = n / (VectorsPerColumnStep * lanes) * (VectorsPerColumnStep * lanes);
            _vectorEnd = n / lanes * lanes;
        }

        public void Emit(CodeWriter w, Action<int> vectorBody, Action<string, string> scalar)
        {
            if (_mainEnd > 0)
            {
                w.Open($"for (int k = 0; k < {_mainEnd}; k += {VectorsPerColumnStep * _lanes})");
                vectorBody(VectorsPerColumnStep);
                w.Close();
            }
            if (_vectorEnd > _mainEnd)
            {
                w.Open($"for (int k = {_mainEnd}; k < {_vectorEnd}; k += {_lanes})");
                vectorBody(1);
                w.Close();
            }
            if (_n > _vectorEnd) scalar(_vectorEnd.ToString(), _n.ToString());
        }
    }
}
