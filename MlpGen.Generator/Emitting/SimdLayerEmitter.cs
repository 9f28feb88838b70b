using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Large layers as <c>Vector256</c> fused multiply-add loops with constant trip counts, the shape that
/// measured fastest for this project (shared/design/codegen-evidence.md, shape E): the loops are unrolled
/// across output rows and accumulators, never across the wide input dimension, so every method stays
/// small whatever the layer size. Leftover columns are constant-index scalar statements.
/// </summary>
internal sealed class SimdLayerEmitter : ILayerEmitter
{
    /// <summary>Output rows computed together in the forward pass (each with <see cref="VectorsPerRow"/> accumulators).</summary>
    private const int RowsPerBlock = 4;

    /// <summary>Vectors per row and step in the forward pass: 4 rows × 2 vectors = 8 independent FMA chains.</summary>
    private const int VectorsPerRow = 2;

    /// <summary>Vectors per step in the transposed product and the gradient.</summary>
    private const int VectorsPerColumnStep = 4;

    public static readonly SimdLayerEmitter Instance = new();

    public void EmitForward(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int lanes = m.Lanes, nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        int step = VectorsPerRow * lanes;
        int mainEnd = nIn / step * step;
        bool extraVector = nIn - mainEnd >= lanes;
        int vectorEnd = mainEnd + (extraVector ? lanes : 0);
        int blocked = nOut / RowsPerBlock * RowsPerBlock;

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// z{l} = W{l}·a{l - 1} + b{l} with Vector256 FMA ({nOut}×{nIn} = {NetworkEmitter.Num((long)nOut * nIn)} multiply-adds). Rows go in blocks of {RowsPerBlock},");
        w.Line($"/// each row's dot product in {VectorsPerRow} accumulators of {lanes} lanes ({RowsPerBlock * VectorsPerRow} independent FMA chains), {mainEnd / step} steps of {step} columns"
            + (extraVector ? $", one more vector" : "") + (nIn - vectorEnd > 0 ? $", then {nIn - vectorEnd} scalar columns." : "."));
        w.Line("/// </summary>");
        w.Open($"private static void Layer{l}(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> input, Span<{t}> z)");
        w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} b = ref MemoryMarshal.GetReference(p.Slice(B{l}, {nOut}));");
        w.Line($"ref {t} x = ref MemoryMarshal.GetReference(input.Slice(0, {nIn}));");
        w.Line($"ref {t} o = ref MemoryMarshal.GetReference(z.Slice(0, {nOut}));");
        if (blocked > 0)
        {
            w.Open($"for (int j = 0; j < {blocked}; j += {RowsPerBlock})");
            EmitRowBlock(w, m, RowsPerBlock, "j", nIn, mainEnd, extraVector, vectorEnd);
            w.Close();
        }
        if (nOut > blocked)
        {
            w.Line($"// The last {nOut - blocked} row(s).");
            w.Open("");
            EmitRowBlock(w, m, nOut - blocked, blocked.ToString(), nIn, mainEnd, extraVector, vectorEnd);
            w.Close();
        }
        w.Close();
    }

    private static void EmitRowBlock(CodeWriter w, NetworkModel m, int rows, string start, int nIn, int mainEnd, bool extraVector, int vectorEnd)
    {
        string t = m.ElementKeyword, v = $"Vector256<{t}>";
        int lanes = m.Lanes;
        bool constant = start != "j";
        string Row(int r) => constant ? (int.Parse(start) + r).ToString() : r == 0 ? "j" : $"j + {r}";
        string RowOffset(int r) => constant ? ((int.Parse(start) + r) * nIn).ToString() : r == 0 ? $"j * {nIn}" : $"(j + {r}) * {nIn}";

        for (int r = 0; r < rows; r++) w.Line($"ref {t} w{r} = ref Unsafe.Add(ref w, {RowOffset(r)});");
        if (vectorEnd > 0)
        {
            for (int r = 0; r < rows; r++) w.Line($"{v} s{r}a = {v}.Zero, s{r}b = {v}.Zero;");
        }
        if (mainEnd > 0)
        {
            w.Open($"for (int k = 0; k < {mainEnd}; k += {VectorsPerRow * lanes})");
            w.Line($"{v} xa = Vector256.LoadUnsafe(ref x, (nuint)k);");
            w.Line($"{v} xb = Vector256.LoadUnsafe(ref x, (nuint)(k + {lanes}));");
            for (int r = 0; r < rows; r++)
            {
                w.Line($"s{r}a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w{r}, (nuint)k), xa, s{r}a);");
                w.Line($"s{r}b = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w{r}, (nuint)(k + {lanes})), xb, s{r}b);");
            }
            w.Close();
        }
        if (extraVector)
        {
            w.Line($"{v} xr = Vector256.LoadUnsafe(ref x, (nuint){mainEnd});");
            for (int r = 0; r < rows; r++)
            {
                w.Line($"s{r}a = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w{r}, (nuint){mainEnd}), xr, s{r}a);");
            }
        }
        for (int r = 0; r < rows; r++)
        {
            string sum = $"Unsafe.Add(ref o, {Row(r)}) = Unsafe.Add(ref b, {Row(r)})" + (vectorEnd > 0 ? $" + Vector256.Sum(s{r}a + s{r}b)" : "");
            string tail = string.Concat(Enumerable.Range(vectorEnd, nIn - vectorEnd).Select(k => $" + Unsafe.Add(ref w{r}, {k}) * Unsafe.Add(ref x, {k})"));
            w.Line(sum + tail + ";");
        }
    }

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
        w.Open($"private static void Layer{l}Transposed(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> delta, Span<{t}> result)");
        w.Line($"ref {t} w = ref MemoryMarshal.GetReference(p.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} e = ref MemoryMarshal.GetReference(delta.Slice(0, {nOut}));");
        w.Line($"ref {t} o = ref MemoryMarshal.GetReference(result.Slice(0, {nIn}));");
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
        }, scalar: () =>
        {
            w.Line($"{t} sum = 0;");
            w.Line($"for (int j = 0; j < {nOut}; j++) sum += Unsafe.Add(ref w, j * {nIn} + k) * Unsafe.Add(ref e, j);");
            w.Line("Unsafe.Add(ref o, k) = sum;");
        });
        w.Close();
    }

    public void EmitGradient(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword, v = $"Vector256<{t}>";
        int lanes = m.Lanes, nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        ColumnPlan plan = new(nIn, lanes);

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// ∇W{l} += Σ_s δ{l},s·a{l - 1},sᵀ and ∇b{l} += Σ_s δ{l},s over count samples. Each gradient row is loaded once,");
        w.Line($"/// takes the contributions of every sample in {VectorsPerColumnStep}-vector steps, and is stored once.");
        w.Line("/// </summary>");
        w.Open($"private static void Layer{l}Gradient(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> delta, int count, Span<{t}> g)");
        w.Line($"ref {t} gw = ref MemoryMarshal.GetReference(g.Slice(W{l}, {nOut} * {nIn}));");
        w.Line($"ref {t} gb = ref MemoryMarshal.GetReference(g.Slice(B{l}, {nOut}));");
        w.Line($"ref {t} x = ref MemoryMarshal.GetReference(a.Slice(0, count * {nIn}));");
        w.Line($"ref {t} e = ref MemoryMarshal.GetReference(delta.Slice(0, count * {nOut}));");
        w.Open($"for (int j = 0; j < {nOut}; j++)");
        w.Line($"ref {t} gj = ref Unsafe.Add(ref gw, j * {nIn});");
        plan.Emit(w, vectors =>
        {
            for (int i = 0; i < vectors; i++) w.Line($"{v} g{i} = Vector256.LoadUnsafe(ref gj, (nuint)(k + {i * lanes}));");
            w.Open("for (int s = 0; s < count; s++)");
            w.Line($"{v} es = Vector256.Create(Unsafe.Add(ref e, s * {nOut} + j));");
            w.Line($"ref {t} xs = ref Unsafe.Add(ref x, s * {nIn});");
            for (int i = 0; i < vectors; i++)
            {
                w.Line($"g{i} = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xs, (nuint)(k + {i * lanes})), es, g{i});");
            }
            w.Close();
            for (int i = 0; i < vectors; i++) w.Line($"g{i}.StoreUnsafe(ref gj, (nuint)(k + {i * lanes}));");
        }, scalar: () =>
        {
            w.Line($"{t} sum = Unsafe.Add(ref gj, k);");
            w.Line($"for (int s = 0; s < count; s++) sum += Unsafe.Add(ref e, s * {nOut} + j) * Unsafe.Add(ref x, s * {nIn} + k);");
            w.Line("Unsafe.Add(ref gj, k) = sum;");
        });
        w.Line($"{t} bias = 0;");
        w.Line($"for (int s = 0; s < count; s++) bias += Unsafe.Add(ref e, s * {nOut} + j);");
        w.Line("Unsafe.Add(ref gb, j) += bias;");
        w.Close();
        w.Close();
    }

    /// <summary>
    /// Splits n columns into steps of <see cref="VectorsPerColumnStep"/> vectors, then single vectors, then
    /// scalar columns, and emits a constant-bound loop over k for each part that is not empty.
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

        public void Emit(CodeWriter w, System.Action<int> vectorBody, System.Action scalar)
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
            if (_n > _vectorEnd)
            {
                w.Open($"for (int k = {_vectorEnd}; k < {_n}; k++)");
                scalar();
                w.Close();
            }
        }
    }
}
