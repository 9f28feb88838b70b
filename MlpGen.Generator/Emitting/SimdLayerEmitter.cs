using System;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Layers as SIMD multiply-add loops with constant trip counts (shared/design/codegen-evidence.md,
/// shape E): unrolled across output rows (and samples), never across the wide input dimension, so every
/// method stays small whatever the layer size. Each (row, sample) dot product runs in one accumulator in
/// steps of one vector, then the leftover columns as constant-index scalar terms; the single-sample and the
/// grouped kernels therefore add in the same order and give the same bits.
/// Every kernel takes <see cref="Vocabulary.SimdOrScalar"/>'s switch, and the same code below writes its
/// Vector256 and its Vector128 form (a <see cref="SimdWidth"/> parameter): Vector256 with AVX2, Vector128 where
/// only 128-bit SIMD is accelerated (NativeAOT's default x64 target, Arm64, WebAssembly), plain scalar loops
/// where there is no SIMD.
/// </summary>
internal sealed class SimdLayerEmitter : ILayerEmitter
{
    /// <summary>Output rows computed together for one sample: 8 independent FMA chains, each input vector loaded once for all 8.</summary>
    private const int RowsPerBlock = 8;

    /// <summary>Output rows computed together for a group of samples: 2 rows × <see cref="NetworkPlan.Group"/> samples = 8 chains, each weight vector loaded once for all samples.</summary>
    private const int GroupRowsPerBlock = 2;

    /// <summary>Vectors per step in the transposed product and the gradient.</summary>
    private const int VectorsPerColumnStep = 4;

    public static readonly SimdLayerEmitter Instance = new();

    // ---- Feedforward -----------------------------------------------------------------------------------

    public void EmitForward(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nIn = layer.InputSize, nOut = layer.OutputSize;

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// z{l} = W{l}·a{l - 1} + b{l} with SIMD multiply-adds ({nOut}×{nIn} = {Vocabulary.Num(layer.MultiplyAdds)} multiply-adds): rows in blocks of {RowsPerBlock},");
        w.Line($"/// each row's dot product in one accumulator ({RowsPerBlock} independent multiply-add chains sharing each input load):");
        w.Line($"/// {string.Join("; ", NetworkPlan.Widths.Select(width => Steps(plan, layer, width)))}.");
        w.Line("/// </summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void Layer{l}(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> input, Span<{t}> z)"))
        {
            Vocabulary.SimdOrScalar(w,
                scalar: () => w.Line($"Layer{l}Scalar(p, input, z, 1);"),
                simd: width =>
                {
                    EmitParameterReferences(w, plan, layer);
                    w.Line($"ref {t} x0 = ref MemoryMarshal.GetReference(input.Slice(0, {layer.In}));");
                    w.Line($"ref {t} o0 = ref MemoryMarshal.GetReference(z.Slice(0, {layer.Out}));");
                    EmitBlocks(w, plan, layer, width, RowsPerBlock, samples: 1);
                });
        }

        EmitForwardGroup(w, plan, layer);
        EmitForwardScalar(w, plan, layer);
    }

    /// <summary>A row's dot product in one width, in prose: <c>Vector256: 98 steps of 8 lanes</c>, then the scalar columns.</summary>
    private static string Steps(NetworkPlan plan, LayerPlan layer, SimdWidth width)
    {
        int lanes = plan.LanesOf(width), nIn = layer.InputSize, vectorEnd = nIn / lanes * lanes;
        return $"{width.Name}: {vectorEnd / lanes} step(s) of {lanes} lanes" + (nIn > vectorEnd ? $", then {nIn - vectorEnd} scalar column(s)" : "");
    }

    /// <summary>The same product for <see cref="NetworkPlan.Group"/> samples at once: every weight vector loaded serves all of them.</summary>
    private static void EmitForwardGroup(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, g = NetworkPlan.Group;
        w.Line();
        w.Line($"/// <summary>Layer{l} for {g} samples (inputs and outputs one after another): rows in blocks of {GroupRowsPerBlock} × {g} samples, the same additions per row and sample as Layer{l}.</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void Layer{l}Group(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> inputs, Span<{t}> z)"))
        {
            Vocabulary.SimdOrScalar(w,
                scalar: () => w.Line($"Layer{l}Scalar(p, inputs, z, Group);"),
                simd: width =>
                {
                    EmitParameterReferences(w, plan, layer);
                    w.Line($"ref {t} x0 = ref MemoryMarshal.GetReference(inputs.Slice(0, Group * {layer.In}));");
                    w.Line($"ref {t} o0 = ref MemoryMarshal.GetReference(z.Slice(0, Group * {layer.Out}));");
                    for (int s = 1; s < g; s++)
                    {
                        w.Line($"ref {t} x{s} = ref Unsafe.Add(ref x0, {Vocabulary.Times(s, layer.In)}); ref {t} o{s} = ref Unsafe.Add(ref o0, {Vocabulary.Times(s, layer.Out)});");
                    }
                    EmitBlocks(w, plan, layer, width, GroupRowsPerBlock, samples: g);
                });
        }
    }

    /// <summary><c>w</c> and <c>b</c>: references to the layer's weights and biases in the parameters p.</summary>
    private static void EmitParameterReferences(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        w.Line($"ref {plan.T} w = ref MemoryMarshal.GetReference(p.Slice({layer.W}, {layer.Out} * {layer.In}));");
        w.Line($"ref {plan.T} b = ref MemoryMarshal.GetReference(p.Slice({layer.B}, {layer.Out}));");
    }

    /// <summary>Row blocks of <paramref name="rows"/> rows × <paramref name="samples"/> samples, then one block for the leftover rows.</summary>
    private static void EmitBlocks(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int rows, int samples)
    {
        int nOut = layer.OutputSize;
        int blocked = nOut / rows * rows;
        if (blocked > 0)
        {
            using (w.Block($"for (int j = 0; j < {Vocabulary.Bound(blocked, nOut, layer.Out)}; j += {rows})"))
            {
                EmitBlock(w, plan, layer, width, rows, samples, first: null);
            }
        }
        if (nOut > blocked)
        {
            w.Line($"// The last {nOut - blocked} row(s).");
            using (w.Block(""))
            {
                EmitBlock(w, plan, layer, width, nOut - blocked, samples, first: blocked);
            }
        }
    }

    /// <summary>One block of rows, starting at the loop's row j (<paramref name="first"/> null) or at a constant row.</summary>
    private static void EmitBlock(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int rows, int samples, int? first)
    {
        string t = plan.T, vector = width.Name, v = $"{vector}<{t}>";
        int lanes = plan.LanesOf(width), nIn = layer.InputSize, vectorEnd = nIn / lanes * lanes;
        string Row(int r) => Rows.Index(first, r);
        string Acc(int r, int s) => samples == 1 ? $"s{r}" : $"s{r}_{s}";

        for (int r = 0; r < rows; r++) w.Line($"ref {t} w{r} = ref Unsafe.Add(ref w, {Rows.Offset(first, r, layer.In)});");
        if (vectorEnd > 0)
        {
            for (int r = 0; r < rows; r++)
            {
                w.Line(string.Join(" ", Enumerable.Range(0, samples).Select(s => $"{v} {Acc(r, s)} = {v}.Zero;")));
            }
            using (w.Block($"for (int k = 0; k < {Vocabulary.Bound(vectorEnd, nIn, layer.In)}; k += {lanes})"))
            {
                if (samples == 1)
                {
                    w.Line($"{v} x = {vector}.LoadUnsafe(ref x0, (nuint)k);");
                    for (int r = 0; r < rows; r++) w.Line($"{Acc(r, 0)} = {Vocabulary.MultiplyAdd(width, $"{vector}.LoadUnsafe(ref w{r}, (nuint)k)", "x", Acc(r, 0))};");
                }
                else
                {
                    for (int r = 0; r < rows; r++) w.Line($"{v} v{r} = {vector}.LoadUnsafe(ref w{r}, (nuint)k);");
                    for (int s = 0; s < samples; s++)
                    {
                        w.Line($"{v} x{s}k = {vector}.LoadUnsafe(ref x{s}, (nuint)k);");
                        for (int r = 0; r < rows; r++) w.Line($"{Acc(r, s)} = {Vocabulary.MultiplyAdd(width, $"v{r}", $"x{s}k", Acc(r, s))};");
                    }
                }
            }
        }
        for (int s = 0; s < samples; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                string sum = $"Unsafe.Add(ref o{s}, {Row(r)}) = Unsafe.Add(ref b, {Row(r)})" + (vectorEnd > 0 ? $" + {vector}.Sum({Acc(r, s)})" : "");
                string tail = string.Concat(Enumerable.Range(vectorEnd, nIn - vectorEnd).Select(k => $" + Unsafe.Add(ref w{r}, {k}) * Unsafe.Add(ref x{s}, {k})"));
                w.Line(sum + tail + ";");
            }
        }
    }

    /// <summary>The scalar path of Layer{l} and Layer{l}Group: plain loops, four partial sums per row.</summary>
    private static void EmitForwardScalar(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T, nIn = layer.In, nOut = layer.Out;
        int l = layer.Index, unrolled = layer.InputSize / 4 * 4;
        w.Line();
        w.Line($"/// <summary>z{l} = W{l}·a{l - 1} + b{l} for count samples, in scalar loops: the path where neither Vector256 nor Vector128 is hardware accelerated.</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void Layer{l}Scalar(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> inputs, Span<{t}> z, int count)"))
        {
            EmitParameterReferences(w, plan, layer);
            w.Line($"ref {t} x = ref MemoryMarshal.GetReference(inputs.Slice(0, count * {nIn}));");
            w.Line($"ref {t} o = ref MemoryMarshal.GetReference(z.Slice(0, count * {nOut}));");
            using (w.Block("for (int s = 0; s < count; s++)"))
            {
                w.Line($"ref {t} xs = ref Unsafe.Add(ref x, s * {nIn});");
                using (w.Block($"for (int j = 0; j < {nOut}; j++)"))
                {
                    w.Line($"ref {t} wj = ref Unsafe.Add(ref w, j * {nIn});");
                    w.Line($"{t} s0 = 0, s1 = 0, s2 = 0, s3 = 0;");
                    w.Line("int k = 0;");
                    if (unrolled > 0)
                    {
                        using (w.Block($"for (; k < {Vocabulary.Bound(unrolled, layer.InputSize, nIn)}; k += 4)"))
                        {
                            for (int i = 0; i < 4; i++) w.Line($"s{i} += Unsafe.Add(ref wj, {Columns.Index(i)}) * Unsafe.Add(ref xs, {Columns.Index(i)});");
                        }
                    }
                    if (unrolled < layer.InputSize) w.Line($"for (; k < {nIn}; k++) s0 += Unsafe.Add(ref wj, k) * Unsafe.Add(ref xs, k);");
                    w.Line($"Unsafe.Add(ref o, s * {nOut} + j) = Unsafe.Add(ref b, j) + ((s0 + s1) + (s2 + s3));");
                }
            }
        }
    }

    // ---- Backward ----------------------------------------------------------------------------------------

    public void EmitTransposed(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index;

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// result = W{l}ᵀ·δ{l} ({Vocabulary.Num(layer.MultiplyAdds)} multiply-adds): result[k] = Σ_j W{l}[j, k]·δ{l}[j], vectorised along k, each");
        w.Line($"/// step running {VectorsPerColumnStep} accumulators down the {layer.OutputSize} rows of W{l}.");
        w.Line("/// </summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void Layer{l}Transposed(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> delta, Span<{t}> result)"))
        {
            w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice({layer.W}, {layer.Out} * {layer.In}));");
            w.Line($"ref {t} e = ref MemoryMarshal.GetReference(delta.Slice(0, {layer.Out}));");
            w.Line($"ref {t} o = ref MemoryMarshal.GetReference(result.Slice(0, {layer.In}));");
            Vocabulary.SimdOrScalar(w,
                scalar: () => EmitTransposedScalarColumns(w, plan, layer, 0),
                simd: width =>
                {
                    string vector = width.Name, v = $"{vector}<{t}>";
                    int lanes = plan.LanesOf(width);
                    new ColumnPlan(layer, lanes).Emit(w, vectors =>
                    {
                        for (int i = 0; i < vectors; i++) w.Line($"{v} t{i} = {v}.Zero;");
                        using (w.Block($"for (int j = 0; j < {layer.Out}; j++)"))
                        {
                            w.Line($"{v} ej = {vector}.Create(Unsafe.Add(ref e, j));");
                            w.Line($"ref {t} wj = ref Unsafe.Add(ref w, j * {layer.In});");
                            for (int i = 0; i < vectors; i++)
                            {
                                w.Line($"t{i} = {Vocabulary.MultiplyAdd(width, $"{vector}.LoadUnsafe(ref wj, {Columns.Offset(i, lanes)})", "ej", $"t{i}")};");
                            }
                        }
                        for (int i = 0; i < vectors; i++) w.Line($"t{i}.StoreUnsafe(ref o, {Columns.Offset(i, lanes)});");
                    }, scalar: from => EmitTransposedScalarColumns(w, plan, layer, from));
                });
        }
    }

    /// <summary>result[k] = Σ_j W[j, k]·δ[j] for the columns k from <paramref name="from"/> to n_in, one by one.</summary>
    private static void EmitTransposedScalarColumns(CodeWriter w, NetworkPlan plan, LayerPlan layer, int from)
    {
        using (w.Block($"for (int k = {from}; k < {layer.In}; k++)"))
        {
            w.Line($"{plan.T} sum = 0;");
            w.Line($"for (int j = 0; j < {layer.Out}; j++) sum += Unsafe.Add(ref w, j * {layer.In} + k) * Unsafe.Add(ref e, j);");
            w.Line("Unsafe.Add(ref o, k) = sum;");
        }
    }

    public void EmitGradient(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nOut = layer.OutputSize;

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// ∇W{l} += Σ_s δ{l},s·a{l - 1},sᵀ and ∇b{l} += Σ_s δ{l},s over count samples. Column blocks of {VectorsPerColumnStep} vectors go outermost,");
        w.Line("/// so the samples' inputs in a block stay in L1 while every row of the gradient takes them: each block of a");
        w.Line("/// gradient row is loaded once, takes the contributions of every sample, and is stored once.");
        w.Line("/// </summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void Layer{l}Gradient(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> delta, int count, Span<{t}> g)"))
        {
            w.Line($"ref {t} gw = ref MemoryMarshal.GetReference(g.Slice({layer.W}, {layer.Out} * {layer.In}));");
            w.Line($"ref {t} gb = ref MemoryMarshal.GetReference(g.Slice({layer.B}, {layer.Out}));");
            w.Line($"ref {t} x = ref MemoryMarshal.GetReference(a.Slice(0, count * {layer.In}));");
            w.Line($"ref {t} e = ref MemoryMarshal.GetReference(delta.Slice(0, count * {layer.Out}));");
            Vocabulary.SimdOrScalar(w,
                scalar: () => EmitGradientScalarColumns(w, plan, layer, 0),
                simd: width => new ColumnPlan(layer, plan.LanesOf(width)).Emit(w, vectors =>
                {
                    // Two gradient rows at a time: 2 × vectors independent multiply-add chains, each input load serving both rows.
                    int paired = nOut / 2 * 2;
                    if (paired > 0)
                    {
                        using (w.Block($"for (int j = 0; j < {Vocabulary.Bound(paired, nOut, layer.Out)}; j += 2)"))
                        {
                            EmitGradientRows(w, plan, layer, width, vectors, rows: 2, first: null);
                        }
                    }
                    if (nOut > paired)
                    {
                        using (w.Block(""))
                        {
                            EmitGradientRows(w, plan, layer, width, vectors, rows: 1, first: paired);
                        }
                    }
                }, scalar: from => EmitGradientScalarColumns(w, plan, layer, from)));
            using (w.Block($"for (int j = 0; j < {layer.Out}; j++)"))
            {
                w.Line($"{t} bias = 0;");
                w.Line($"for (int s = 0; s < count; s++) bias += Unsafe.Add(ref e, s * {layer.Out} + j);");
                w.Line("Unsafe.Add(ref gb, j) += bias;");
            }
        }
    }

    /// <summary>One step of <paramref name="vectors"/> vectors of <paramref name="rows"/> gradient rows: load, add every sample's δ·a, store.</summary>
    private static void EmitGradientRows(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int vectors, int rows, int? first)
    {
        string t = plan.T, vector = width.Name, v = $"{vector}<{t}>";
        int lanes = plan.LanesOf(width);
        for (int r = 0; r < rows; r++)
        {
            w.Line($"ref {t} g{r}r = ref Unsafe.Add(ref gw, {Rows.Offset(first, r, layer.In)});");
            for (int i = 0; i < vectors; i++) w.Line($"{v} g{r}_{i} = {vector}.LoadUnsafe(ref g{r}r, {Columns.Offset(i, lanes)});");
        }
        using (w.Block("for (int s = 0; s < count; s++)"))
        {
            w.Line($"ref {t} xs = ref Unsafe.Add(ref x, s * {layer.In});");
            for (int r = 0; r < rows; r++) w.Line($"{v} e{r} = {vector}.Create(Unsafe.Add(ref e, s * {layer.Out} + {Rows.Index(first, r)}));");
            for (int i = 0; i < vectors; i++)
            {
                w.Line($"{v} x{i} = {vector}.LoadUnsafe(ref xs, {Columns.Offset(i, lanes)});");
                for (int r = 0; r < rows; r++) w.Line($"g{r}_{i} = {Vocabulary.MultiplyAdd(width, $"x{i}", $"e{r}", $"g{r}_{i}")};");
            }
        }
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < vectors; i++) w.Line($"g{r}_{i}.StoreUnsafe(ref g{r}r, {Columns.Offset(i, lanes)});");
        }
    }

    /// <summary>∇W[j, k] += Σ_s δ_s[j]·a_s[k] for every row and the columns k from <paramref name="from"/> to n_in, one by one.</summary>
    private static void EmitGradientScalarColumns(CodeWriter w, NetworkPlan plan, LayerPlan layer, int from)
    {
        using (w.Block($"for (int j = 0; j < {layer.Out}; j++)"))
        using (w.Block($"for (int k = {from}; k < {layer.In}; k++)"))
        {
            w.Line($"{plan.T} sum = Unsafe.Add(ref gw, j * {layer.In} + k);");
            w.Line($"for (int s = 0; s < count; s++) sum += Unsafe.Add(ref e, s * {layer.Out} + j) * Unsafe.Add(ref x, s * {layer.In} + k);");
            w.Line($"Unsafe.Add(ref gw, j * {layer.In} + k) = sum;");
        }
    }

    /// <summary>Row indices and row offsets of a block that starts at the loop's row j (first null) or at a constant row.</summary>
    private static class Rows
    {
        /// <summary>Row r of the block: <c>j</c>, <c>j + 1</c>, or a constant.</summary>
        public static string Index(int? first, int r) => first is { } start ? (start + r).ToString() : r == 0 ? "j" : $"j + {r}";

        /// <summary>Where row r of the block starts in a row-major matrix of rows of <paramref name="width"/>.</summary>
        public static string Offset(int? first, int r, string width) =>
            first is { } start ? Vocabulary.Times(start + r, width) : r == 0 ? $"j * {width}" : $"(j + {r}) * {width}";
    }

    /// <summary>Column offsets from the loop's column k.</summary>
    private static class Columns
    {
        /// <summary>Column k + i: <c>k</c>, <c>k + 1</c>, ….</summary>
        public static string Index(int i) => i == 0 ? "k" : $"k + {i}";

        /// <summary>The element offset of vector i of a step, for LoadUnsafe and StoreUnsafe: <c>(nuint)k</c>, <c>(nuint)(k + 8)</c>, ….</summary>
        public static string Offset(int i, int lanes) => i == 0 ? "(nuint)k" : $"(nuint)(k + {i * lanes})";
    }

    /// <summary>
    /// Splits a layer's n_in columns into steps of <see cref="VectorsPerColumnStep"/> vectors, then single vectors,
    /// then scalar columns, and emits a constant-bound loop over k for each vector part that is not empty.
    /// </summary>
    private readonly struct ColumnPlan
    {
        private readonly LayerPlan _layer;
        private readonly int _lanes, _mainEnd, _vectorEnd;

        public ColumnPlan(LayerPlan layer, int lanes)
        {
            _layer = layer;
            _lanes = lanes;
            _mainEnd = layer.InputSize / (VectorsPerColumnStep * lanes) * (VectorsPerColumnStep * lanes);
            _vectorEnd = layer.InputSize / lanes * lanes;
        }

        public void Emit(CodeWriter w, Action<int> vectorBody, Action<int> scalar)
        {
            int n = _layer.InputSize;
            if (_mainEnd > 0)
            {
                using (w.Block($"for (int k = 0; k < {Vocabulary.Bound(_mainEnd, n, _layer.In)}; k += {VectorsPerColumnStep * _lanes})"))
                {
                    vectorBody(VectorsPerColumnStep);
                }
            }
            if (_vectorEnd > _mainEnd)
            {
                using (w.Block($"for (int k = {_mainEnd}; k < {Vocabulary.Bound(_vectorEnd, n, _layer.In)}; k += {_lanes})"))
                {
                    vectorBody(1);
                }
            }
            if (n > _vectorEnd) scalar(_vectorEnd);
        }
    }
}
