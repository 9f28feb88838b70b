using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Layers as SIMD multiply-add loops with constant trip counts (docs/design/codegen-evidence.md,
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

    /// <summary>
    /// Output rows computed together for a group of samples, each weight vector loaded once for all
    /// <see cref="NetworkPlan.Group"/> samples: 3 rows × 4 samples = 12 chains with Vector256 (12 accumulators, 3 weight
    /// vectors and one input vector fill AVX2's 16 registers; 2 rows, 8 chains, measured 1.1–1.2× slower in the batch),
    /// 2 rows × 4 samples = 8 chains with Vector128, where a multiply and an add without FMA need a register more.
    /// </summary>
    private static int GroupRowsPerBlock(SimdWidth width) => width.Bits >= 256 ? 3 : 2;

    /// <summary>Vectors per step in the transposed product and the gradient.</summary>
    private const int VectorsPerColumnStep = 6;

    public static readonly SimdLayerEmitter Instance = new();

    // ---- Feedforward -----------------------------------------------------------------------------------

    public void EmitForward(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nIn = layer.InputSize, nOut = layer.OutputSize;

        w.Line();
        w.Summary(plan.Widths.Count == 0
            ? $"z{l} = W{l}·a{l - 1} + b{l} ({nOut}×{nIn} = {Vocabulary.Count(layer.MultiplyAdds, "multiply-add")}) in the scalar loops of Layer{l}Scalar: "
                + "the framework has no vectors."
            : $"z{l} = W{l}·a{l - 1} + b{l} with SIMD multiply-adds ({nOut}×{nIn} = {Vocabulary.Count(layer.MultiplyAdds, "multiply-add")}): "
                + $"rows in blocks of {RowsPerBlock}, each row's dot product in one accumulator ({RowsPerBlock} independent multiply-add chains "
                + $"sharing each input load): {string.Join("; ", plan.Widths.Select(width => Steps(plan, layer, width)))}.");
        Vocabulary.WriteHot(w, plan, layer: true);
        using (w.Method($"private static void Layer{l}", $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} input", $"{Vocabulary.SpanOf(t)} z"))
        {
            Vocabulary.SimdOrScalar(w, plan,
                scalar: () => w.Line($"Layer{l}Scalar(p, input, z, 1);"),
                simd: width =>
                {
                    EmitParameterReferences(w, plan, layer);
                    w.Line($"ref {t} x0 = ref {Vocabulary.Reference($"input.Slice(0, {layer.In})")};");
                    w.Line($"ref {t} o0 = ref {Vocabulary.Reference($"z.Slice(0, {layer.Out})")};");
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
        return $"{width.Name}: {Vocabulary.Count(vectorEnd / lanes, "step")} of {lanes} lanes"
            + (nIn > vectorEnd ? $", then {Vocabulary.Count(nIn - vectorEnd, "scalar column")}" : "");
    }

    /// <summary>
    /// The same product for whole groups of <see cref="NetworkPlan.Group"/> samples: every weight vector loaded serves the
    /// group's samples, and each block of rows, once loaded, serves every group before the next block is loaded.
    /// </summary>
    private static void EmitForwardGroup(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, g = NetworkPlan.Group;
        w.Line();
        w.Summary(plan.Widths.Count == 0
            ? $"Layer{l} for groups × {g} samples (inputs and outputs one after another), in the scalar loops of Layer{l}Scalar: the framework has no vectors."
            : $"Layer{l} for groups × {g} samples (inputs and outputs one after another): rows in blocks of "
                + string.Join(" or ", plan.Widths.Select(width => $"{GroupRowsPerBlock(width)} ({width.Name})"))
                + $"; each block, while its rows are in the cache, takes every group of {g} samples in turn, in the same additions per row and sample "
                + $"as Layer{l}.");
        Vocabulary.WriteHot(w, plan, layer: true);
        using (w.Method($"private static void Layer{l}Group", $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} inputs", $"{Vocabulary.SpanOf(t)} z", "int groups"))
        {
            Vocabulary.SimdOrScalar(w, plan,
                scalar: () => w.Line($"Layer{l}Scalar(p, inputs, z, groups * Group);"),
                simd: width =>
                {
                    EmitParameterReferences(w, plan, layer);
                    w.Line($"ref {t} x = ref {Vocabulary.Reference($"inputs.Slice(0, groups * Group * {layer.In})")};");
                    w.Line($"ref {t} o = ref {Vocabulary.Reference($"z.Slice(0, groups * Group * {layer.Out})")};");
                    EmitBlocks(w, plan, layer, width, GroupRowsPerBlock(width), samples: g);
                });
        }
    }

    /// <summary><c>w</c> and <c>b</c>: references to the layer's weights and biases in the parameters p.</summary>
    private static void EmitParameterReferences(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        w.Line($"ref {plan.T} w = ref {Vocabulary.Reference($"p.Slice({layer.W}, {layer.Out} * {layer.In})")};");
        w.Line($"ref {plan.T} b = ref {Vocabulary.Reference($"p.Slice({layer.B}, {layer.Out})")};");
    }

    /// <summary>Row blocks of <paramref name="rows"/> rows × <paramref name="samples"/> samples, then one block for the leftover rows.</summary>
    private static void EmitBlocks(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int rows, int samples)
    {
        int nOut = layer.OutputSize;
        Bound blocked = Bound.WholeSteps(nOut, layer.Out, rows);
        w.For("j", Bound.Zero, blocked, rows, $"block of {rows} rows", j => EmitBlock(w, plan, layer, width, rows, samples, j));
        if (nOut > blocked.Value)
        {
            int left = nOut - blocked.Value;
            w.Line(left == 1 ? "// The last row." : $"// The last {left} rows.");
            using (w.Block(""))
            {
                EmitBlock(w, plan, layer, width, left, samples, LoopIndex.Constant(blocked.Value));
            }
        }
    }

    /// <summary>
    /// One block: <paramref name="rows"/> rows from row <paramref name="j"/> × <paramref name="samples"/> samples, each
    /// (row, sample) dot product in its own accumulator over the whole vectors, then the leftover columns as
    /// constant-index scalar terms, in the same order for one sample and for a group.
    /// </summary>
    private static void EmitBlock(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int rows, int samples, LoopIndex j)
    {
        string t = plan.T;
        for (int r = 0; r < rows; r++) w.Line($"ref {t} w{r} = ref {Vocabulary.At("w", j.Times(layer.In, r))};");
        if (samples == 1)
        {
            EmitBlockProducts(w, plan, layer, width, rows, samples, j);
            return;
        }
        using (w.Block($"for (int group = 0; group < groups; group++)   // the block's rows take every group of {samples} samples"))
        {
            for (int s = 0; s < samples; s++) w.Line($"ref {t} x{s} = ref {Vocabulary.At("x", $"(group * Group + {s}) * {layer.In}")};");
            for (int s = 0; s < samples; s++) w.Line($"ref {t} o{s} = ref {Vocabulary.At("o", $"(group * Group + {s}) * {layer.Out}")};");
            EmitBlockProducts(w, plan, layer, width, rows, samples, j);
        }
    }

    /// <summary>The products of one block, from the row references w0… and the sample references x0… and o0….</summary>
    private static void EmitBlockProducts(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int rows, int samples, LoopIndex j)
    {
        string t = plan.T, vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
        int lanes = plan.LanesOf(width), nIn = layer.InputSize;
        Bound vectorEnd = Bound.WholeSteps(nIn, layer.In, lanes);
        string Acc(int r, int s) => samples == 1 ? $"s{r}" : $"s{r}_{s}";
        if (vectorEnd.Value > 0)
        {
            w.Line(rows * samples == 1 ? "// The accumulator, all lanes 0." : $"// The {rows * samples} accumulators, all lanes 0.");
            w.Declare(v, Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, samples).Select(s => $"{Acc(r, s)} = default")).ToList());
            w.For("k", Bound.Zero, vectorEnd, lanes, $"step of {lanes} lanes", k =>
            {
                if (samples == 1)
                {
                    w.Assign($"{v} x", Load(width, "x0", k.Offset()));
                    for (int r = 0; r < rows; r++)
                    {
                        w.Assign($"{v} v{r}", Load(width, $"w{r}", k.Offset()));
                        w.Line($"{Acc(r, 0)} = {Vocabulary.MultiplyAdd(plan, width, $"v{r}", "x", Acc(r, 0))};");
                    }
                }
                else
                {
                    for (int r = 0; r < rows; r++) w.Assign($"{v} v{r}", Load(width, $"w{r}", k.Offset()));
                    for (int s = 0; s < samples; s++)
                    {
                        w.Assign($"{v} x{s}k", Load(width, $"x{s}", k.Offset()));
                        for (int r = 0; r < rows; r++) w.Line($"{Acc(r, s)} = {Vocabulary.MultiplyAdd(plan, width, $"v{r}", $"x{s}k", Acc(r, s))};");
                    }
                }
            });
        }
        for (int s = 0; s < samples; s++)
        {
            for (int r = 0; r < rows; r++)
            {
                // z = b + (the vector sum) + the leftover columns' products, added left to right.
                var terms = new List<string> { Vocabulary.At("b", j.Plus(r)) };
                if (vectorEnd.Value > 0) terms.Add($"{vector}.Sum({Acc(r, s)})");
                for (int k = vectorEnd.Value; k < nIn; k++)
                {
                    string column = k.ToString(CultureInfo.InvariantCulture);
                    terms.Add($"{Vocabulary.At($"w{r}", column)} * {Vocabulary.At($"x{s}", column)}");
                }
                w.Sum($"{Vocabulary.At($"o{s}", j.Plus(r))} =", terms);
            }
        }
    }

    /// <summary>The vector of <paramref name="width"/> at <paramref name="offset"/> from a reference.</summary>
    private static string Load(SimdWidth width, string reference, string offset) =>
        offset == "0" ? $"{Vocabulary.Vector(width)}.LoadUnsafe(ref {reference})" : $"{Vocabulary.Vector(width)}.LoadUnsafe(ref {reference}, {offset})";

    /// <summary>Stores <paramref name="value"/> at <paramref name="offset"/> from a reference (the static method, not the extension).</summary>
    private static string Store(SimdWidth width, string value, string reference, string offset) =>
        offset == "0" ? $"{Vocabulary.Vector(width)}.StoreUnsafe({value}, ref {reference});" : $"{Vocabulary.Vector(width)}.StoreUnsafe({value}, ref {reference}, {offset});";

    /// <summary>The scalar path of Layer{l} and Layer{l}Group: plain loops, four partial sums per row.</summary>
    private static void EmitForwardScalar(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T, nIn = layer.In, nOut = layer.Out;
        int l = layer.Index;
        Bound unrolled = Bound.WholeSteps(layer.InputSize, nIn, 4);
        w.Line();
        w.Summary($"z{l} = W{l}·a{l - 1} + b{l} for count samples, in scalar loops: " + (plan.Widths.Count > 0
            ? "the path where neither Vector256 nor Vector128 is hardware accelerated."
            : "the only path, where the framework has no vectors."));
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"private static void Layer{l}Scalar", $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} inputs", $"{Vocabulary.SpanOf(t)} z", "int count"))
        {
            EmitParameterReferences(w, plan, layer);
            w.Line($"ref {t} x = ref {Vocabulary.Reference($"inputs.Slice(0, count * {nIn})")};");
            w.Line($"ref {t} o = ref {Vocabulary.Reference($"z.Slice(0, count * {nOut})")};");
            using (w.Block("for (int s = 0; s < count; s++)"))
            {
                w.Line($"ref {t} xs = ref {Vocabulary.At("x", $"s * {nIn}")};");
                w.For("j", Bound.Zero, Bound.Size(layer.OutputSize, nOut), 1, "row", j =>
                {
                    w.Line($"ref {t} wj = ref {Vocabulary.At("w", j.Times(nIn))};");
                    w.Line($"{t} s0 = 0, s1 = 0, s2 = 0, s3 = 0;");
                    w.For("k", Bound.Zero, unrolled, 4, "step of 4 columns", k =>
                    {
                        for (int i = 0; i < 4; i++) w.Line($"s{i} += {Vocabulary.At("wj", k.Plus(i))} * {Vocabulary.At("xs", k.Plus(i))};");
                    });
                    w.ForLine("k", unrolled, Bound.Size(layer.InputSize, nIn), 1,
                        k => $"s0 += {Vocabulary.At("wj", k.Plus())} * {Vocabulary.At("xs", k.Plus())};");
                    w.Line($"{Vocabulary.At("o", Vocabulary.Sum($"s * {nOut}", j.Plus()))} = {Vocabulary.At("b", j.Plus())} + ((s0 + s1) + (s2 + s3));");
                });
            }
        }
    }

    // ---- Backward ----------------------------------------------------------------------------------------

    public void EmitTransposed(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index;

        w.Line();
        w.Summary($"result = W{l}ᵀ·δ{l} ({Vocabulary.Count(layer.MultiplyAdds, "multiply-add")}): result[k] = Σ_j W{l}[j, k]·δ{l}[j], " + (plan.Widths.Count == 0
            ? $"column by column down the {Vocabulary.Count(layer.OutputSize, "row")} of W{l} (the framework has no vectors)."
            : $"vectorised along k, each step running {VectorsPerColumnStep} accumulators down the {Vocabulary.Count(layer.OutputSize, "row")} of W{l}."));
        Vocabulary.WriteHot(w, plan, layer: true);
        using (w.Method($"private static void Layer{l}Transposed", $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} delta", $"{Vocabulary.SpanOf(t)} result"))
        {
            w.Line($"ref {t} w = ref {Vocabulary.Reference($"p.Slice({layer.W}, {layer.Out} * {layer.In})")};");
            w.Line($"ref {t} e = ref {Vocabulary.Reference($"delta.Slice(0, {layer.Out})")};");
            w.Line($"ref {t} o = ref {Vocabulary.Reference($"result.Slice(0, {layer.In})")};");
            Vocabulary.SimdOrScalar(w, plan,
                scalar: () => EmitTransposedScalarColumns(w, plan, layer, Bound.Zero),
                simd: width =>
                {
                    string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
                    int lanes = plan.LanesOf(width);
                    new ColumnPlan(layer, lanes).Emit(w, (vectors, k) =>
                    {
                        w.Line(vectors == 1 ? "// The accumulator, all lanes 0." : $"// The {vectors} accumulators, all lanes 0.");
                        w.Declare(v, Enumerable.Range(0, vectors).Select(i => $"t{i} = default").ToList());
                        w.For("j", Bound.Zero, Bound.Size(layer.OutputSize, layer.Out), 1, "row", j =>
                        {
                            w.Assign($"{v} ej", $"{vector}.Create({Vocabulary.At("e", j.Plus())})");
                            w.Line($"ref {t} wj = ref {Vocabulary.At("w", j.Times(layer.In))};");
                            for (int i = 0; i < vectors; i++)
                            {
                                w.Assign($"{v} w{i}", Load(width, "wj", k.Offset(i * lanes)));
                                w.Line($"t{i} = {Vocabulary.MultiplyAdd(plan, width, $"w{i}", "ej", $"t{i}")};");
                            }
                        });
                        for (int i = 0; i < vectors; i++) w.Line(Store(width, $"t{i}", "o", k.Offset(i * lanes)));
                    }, scalar: from => EmitTransposedScalarColumns(w, plan, layer, from));
                });
        }
    }

    /// <summary>result[k] = Σ_j W[j, k]·δ[j] for the columns k from <paramref name="from"/> to n_in, one by one.</summary>
    private static void EmitTransposedScalarColumns(CodeWriter w, NetworkPlan plan, LayerPlan layer, Bound from)
    {
        w.For("k", from, Bound.Size(layer.InputSize, layer.In), 1, "column", k =>
        {
            w.Line($"{plan.T} sum = 0;");
            w.ForLine("j", Bound.Zero, Bound.Size(layer.OutputSize, layer.Out), 1,
                j => $"sum += {Vocabulary.At("w", Vocabulary.Sum(j.Times(layer.In), k.Plus()))} * {Vocabulary.At("e", j.Plus())};");
            w.Line($"{Vocabulary.At("o", k.Plus())} = sum;");
        });
    }

    public void EmitGradient(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nOut = layer.OutputSize;

        w.Line();
        w.Summary($"∇W{l} += Σ_s δ{l},s·a{l - 1},sᵀ and ∇b{l} += Σ_s δ{l},s over count samples. " + (plan.Widths.Count == 0
            ? "The framework has no vectors: the scalar loops below."
            : $"Column blocks of {VectorsPerColumnStep} vectors go "
                + "outermost, so the samples' inputs in a block stay in L1 while every row of the gradient takes them: each block of a "
                + "gradient row is loaded once, takes the contributions of every sample, and is stored once."));
        Vocabulary.WriteHot(w, plan, layer: true);
        using (w.Method($"private static void Layer{l}Gradient", $"{Vocabulary.ReadOnlySpanOf(t)} a", $"{Vocabulary.ReadOnlySpanOf(t)} delta", "int count", $"{Vocabulary.SpanOf(t)} g"))
        {
            w.Line($"ref {t} gw = ref {Vocabulary.Reference($"g.Slice({layer.W}, {layer.Out} * {layer.In})")};");
            w.Line($"ref {t} gb = ref {Vocabulary.Reference($"g.Slice({layer.B}, {layer.Out})")};");
            w.Line($"ref {t} x = ref {Vocabulary.Reference($"a.Slice(0, count * {layer.In})")};");
            w.Line($"ref {t} e = ref {Vocabulary.Reference($"delta.Slice(0, count * {layer.Out})")};");
            Vocabulary.SimdOrScalar(w, plan,
                scalar: () => EmitGradientScalarColumns(w, plan, layer, Bound.Zero),
                simd: width => new ColumnPlan(layer, plan.LanesOf(width)).Emit(w, (vectors, k) =>
                {
                    // Two gradient rows at a time: 2 × vectors independent multiply-add chains, each input load serving both rows.
                    Bound paired = Bound.WholeSteps(nOut, layer.Out, 2);
                    w.For("j", Bound.Zero, paired, 2, "pair of rows", j => EmitGradientRows(w, plan, layer, width, vectors, k, rows: 2, j));
                    if (nOut > paired.Value)
                    {
                        w.Line("// The last row.");
                        using (w.Block(""))
                        {
                            EmitGradientRows(w, plan, layer, width, vectors, k, rows: 1, LoopIndex.Constant(paired.Value));
                        }
                    }
                }, scalar: from => EmitGradientScalarColumns(w, plan, layer, from)));
            w.For("j", Bound.Zero, Bound.Size(nOut, layer.Out), 1, "row", j =>
            {
                w.Line($"{t} bias = 0;");
                w.Loop("for (int s = 0; s < count; s++)", $"bias += {Vocabulary.At("e", Vocabulary.Sum($"s * {layer.Out}", j.Plus()))};");
                w.Line($"{Vocabulary.At("gb", j.Plus())} += bias;");
            });
        }
    }

    /// <summary>One step of <paramref name="vectors"/> vectors at column k of <paramref name="rows"/> gradient rows from row j: load, add every sample's δ·a, store.</summary>
    private static void EmitGradientRows(CodeWriter w, NetworkPlan plan, LayerPlan layer, SimdWidth width, int vectors, LoopIndex k, int rows, LoopIndex j)
    {
        string t = plan.T, vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
        int lanes = plan.LanesOf(width);
        for (int r = 0; r < rows; r++)
        {
            w.Line($"ref {t} g{r}r = ref {Vocabulary.At("gw", j.Times(layer.In, r))};");
            for (int i = 0; i < vectors; i++) w.Assign($"{v} g{r}_{i}", Load(width, $"g{r}r", k.Offset(i * lanes)));
        }
        using (w.Block("for (int s = 0; s < count; s++)"))
        {
            w.Line($"ref {t} xs = ref {Vocabulary.At("x", $"s * {layer.In}")};");
            for (int r = 0; r < rows; r++) w.Assign($"{v} e{r}", $"{vector}.Create({Vocabulary.At("e", Vocabulary.Sum($"s * {layer.Out}", j.Plus(r)))})");
            for (int i = 0; i < vectors; i++)
            {
                w.Assign($"{v} x{i}", Load(width, "xs", k.Offset(i * lanes)));
                for (int r = 0; r < rows; r++) w.Line($"g{r}_{i} = {Vocabulary.MultiplyAdd(plan, width, $"x{i}", $"e{r}", $"g{r}_{i}")};");
            }
        }
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < vectors; i++) w.Line(Store(width, $"g{r}_{i}", $"g{r}r", k.Offset(i * lanes)));
        }
    }

    /// <summary>∇W[j, k] += Σ_s δ_s[j]·a_s[k] for every row and the columns k from <paramref name="from"/> to n_in, one by one.</summary>
    private static void EmitGradientScalarColumns(CodeWriter w, NetworkPlan plan, LayerPlan layer, Bound from)
    {
        w.For("j", Bound.Zero, Bound.Size(layer.OutputSize, layer.Out), 1, "row", j =>
        {
            w.For("k", from, Bound.Size(layer.InputSize, layer.In), 1, "column", k =>
            {
                string weight = Vocabulary.At("gw", Vocabulary.Sum(j.Times(layer.In), k.Plus()));
                w.Line($"{plan.T} sum = {weight};");
                w.Loop("for (int s = 0; s < count; s++)",
                    $"sum += {Vocabulary.At("e", Vocabulary.Sum($"s * {layer.Out}", j.Plus()))} * {Vocabulary.At("x", Vocabulary.Sum($"s * {layer.In}", k.Plus()))};");
                w.Line($"{weight} = sum;");
            });
        });
    }

    /// <summary>
    /// Splits a layer's n_in columns into steps of <see cref="VectorsPerColumnStep"/> vectors, then single vectors,
    /// then scalar columns, and emits a constant-bound loop over k for each vector part that is not empty (a block
    /// where it is one step).
    /// </summary>
    private readonly struct ColumnPlan
    {
        private readonly LayerPlan _layer;
        private readonly int _lanes;
        private readonly Bound _mainEnd, _vectorEnd;

        public ColumnPlan(LayerPlan layer, int lanes)
        {
            _layer = layer;
            _lanes = lanes;
            _mainEnd = Bound.WholeSteps(layer.InputSize, layer.In, VectorsPerColumnStep * lanes);
            _vectorEnd = Bound.WholeSteps(layer.InputSize, layer.In, lanes);
        }

        /// <summary><paramref name="vectorBody"/> takes the vectors per step and the column index k; <paramref name="scalar"/> the first scalar column.</summary>
        public void Emit(CodeWriter w, Action<int, LoopIndex> vectorBody, Action<Bound> scalar)
        {
            w.For("k", Bound.Zero, _mainEnd, VectorsPerColumnStep * _lanes, $"step of {VectorsPerColumnStep} vectors", k => vectorBody(VectorsPerColumnStep, k));
            w.For("k", _mainEnd, _vectorEnd, _lanes, "vector", k => vectorBody(1, k));
            if (_layer.InputSize > _vectorEnd.Value) scalar(_vectorEnd);
        }
    }
}
