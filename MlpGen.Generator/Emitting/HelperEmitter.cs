using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>Emits the element-wise helpers every network uses: sigmoid, its derivative, the output error, the descent step, argument checks.</summary>
internal static class HelperEmitter
{
    public static void Emit(CodeWriter w, NetworkModel m)
    {
        string t = m.ElementKeyword;
        string v = $"Vector256<{t}>";
        string exp = $"{m.MathClass}.Exp";
        string one = m.Literal("1");
        int lanes = m.Lanes;

        w.Line();
        w.Line($"/// <summary>a = σ(z) = 1 / (1 + e^−z) in place, {lanes} lanes at a time, then the rest one by one.</summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void Sigmoid(Span<{t}> z)");
        w.Line($"ref {t} r = ref MemoryMarshal.GetReference(z);");
        w.Line("int i = 0;");
        w.Line("// Without Vector256 hardware (a constant to the JIT) the loop below does it all, one by one.");
        w.Open($"for (; Vector256.IsHardwareAccelerated && i <= z.Length - {lanes}; i += {lanes})");
        w.Line($"{v} x = Vector256.LoadUnsafe(ref r, (nuint)i);");
        w.Line($"({v}.One / ({v}.One + Vector256.Exp(-x))).StoreUnsafe(ref r, (nuint)i);");
        w.Close();
        w.Line($"for (; i < z.Length; i++) z[i] = {one} / ({one} + {exp}(-z[i]));");
        w.Close();

        w.Line();
        w.Line("/// <summary>δ ← δ ⊙ σ'(z), where σ'(z) = a ⊙ (1 − a) for the activations a = σ(z).</summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static void MultiplyBySigmoidDerivative(ReadOnlySpan<{t}> a, Span<{t}> delta)");
        w.Line($"ref {t} ra = ref MemoryMarshal.GetReference(a.Slice(0, delta.Length));");
        w.Line($"ref {t} rd = ref MemoryMarshal.GetReference(delta);");
        w.Line("int i = 0;");
        w.Open($"for (; Vector256.IsHardwareAccelerated && i <= delta.Length - {lanes}; i += {lanes})");
        w.Line($"{v} x = Vector256.LoadUnsafe(ref ra, (nuint)i);");
        w.Line($"(Vector256.LoadUnsafe(ref rd, (nuint)i) * x * ({v}.One - x)).StoreUnsafe(ref rd, (nuint)i);");
        w.Close();
        w.Line($"for (; i < delta.Length; i++) delta[i] *= a[i] * ({one} - a[i]);");
        w.Close();

        w.Line();
        EmitOutputError(w, m);

        w.Line();
        w.Line("/// <summary>The descent step p ← p − rate·g, where rate is η/m.</summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"public static void Descend(Span<{t}> p, ReadOnlySpan<{t}> g, {t} rate)");
        w.Line($"ref {t} rp = ref MemoryMarshal.GetReference(p);");
        w.Line($"ref {t} rg = ref MemoryMarshal.GetReference(g.Slice(0, p.Length));");
        w.Line($"{v} step = Vector256.Create(-rate);");
        w.Line("int i = 0;");
        w.Open($"for (; Vector256.IsHardwareAccelerated && i <= p.Length - {lanes}; i += {lanes})");
        w.Line("Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rg, (nuint)i), step, Vector256.LoadUnsafe(ref rp, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);");
        w.Close();
        w.Line($"for (; i < p.Length; i++) p[i] = {m.MathClass}.FusedMultiplyAdd(g[i], -rate, p[i]);");
        w.Close();

        w.Line();
        w.Line("/// <summary>Fills p with draws from N(0, 1) (Box–Muller on a seeded <see cref=\"Random\"/>), as network.py initialises.</summary>");
        w.Open($"public static void InitializeStandardNormal(Span<{t}> p, int seed)");
        w.Line("var random = new Random(seed);");
        w.Open("for (int i = 0; i < p.Length; i++)");
        w.Line("double u1 = 1.0 - random.NextDouble();   // in (0, 1]: the logarithm stays finite");
        w.Line("double u2 = random.NextDouble();");
        w.Line($"p[i] = ({t})(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));");
        w.Close();
        w.Close();

        w.Line();
        w.Line("/// <summary>The index into a pinned array at which its elements are 64-byte aligned.</summary>");
        w.Open($"public static int AlignedStart({t}[] pinned)");
        w.Line("long misalignment = (long)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0) & 63;");
        w.Line($"return misalignment == 0 ? 0 : (int)((64 - misalignment) / sizeof({t}));");
        w.Close();

        w.Line();
        w.Line("/// <summary>Throws when a span does not hold exactly the expected number of values.</summary>");
        w.Open("public static void CheckLength(int actual, int expected, string what, string parameter)");
        w.Line("if (actual != expected)");
        w.Line($"    throw new ArgumentException($\"The {{what}} must hold exactly {{expected}} values for the {m.Topology} network, but holds {{actual}}.\", parameter);");
        w.Close();

        w.Line();
        w.Line("/// <summary>Checks that inputs hold whole samples and the targets (or outputs) hold one output layer per sample; returns the number of samples.</summary>");
        w.Open("public static int CheckBatch(int inputs, int outputs, string what = \"targets\")");
        w.Line("if (inputs % N0 != 0)");
        w.Line($"    throw new ArgumentException($\"The inputs must hold whole samples of {{N0}} values for the {m.Topology} network, but hold {{inputs}} values.\", nameof(inputs));");
        w.Line("int count = inputs / N0;");
        w.Line($"if (outputs != count * N{m.WeightLayerCount})");
        w.Line($"    throw new ArgumentException($\"The {{what}} must hold {{N{m.WeightLayerCount}}} values for each of the {{count}} samples ({{count * N{m.WeightLayerCount}}} values), but hold {{outputs}}.\", what);");
        w.Line("return count;");
        w.Close();
    }

    /// <summary>The output error δL = ∂C/∂zL for the network's cost, and the cost itself.</summary>
    private static void EmitOutputError(CodeWriter w, NetworkModel m)
    {
        string t = m.ElementKeyword;
        string one = m.Literal("1");
        string log = $"{m.MathClass}.Log";
        int L = m.WeightLayerCount;
        w.Line($"/// <summary>δL = ∂C/∂zL = {NetworkEmitter.OutputErrorFormula(m, "aL")} for the {NetworkEmitter.CostName(m)} cost; returns C = {NetworkEmitter.CostFormula(m, "aL")}.</summary>");
        w.Line(NetworkEmitter.Hot);
        w.Open($"private static {t} OutputError(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> y, Span<{t}> delta)");
        w.Line($"{t} cost = 0;");
        w.Open($"for (int i = 0; i < N{L}; i++)");
        if (m.Cost == CostKind.Quadratic)
        {
            w.Line($"{t} difference = a[i] - y[i];   // ∂C/∂a = a − y");
            w.Line("cost += difference * difference;");
            w.Line($"delta[i] = difference * a[i] * ({one} - a[i]);");
            w.Close();
            w.Line($"return {m.Literal("0.5")} * cost;");
        }
        else
        {
            w.Line("// ∂C/∂a = (a − y) / (a(1 − a)) cancels σ'(z) = a(1 − a): no learning slowdown when a saturates.");
            w.Line("delta[i] = a[i] - y[i];");
            w.Line("// Terms with a zero weight are skipped, so that a saturated output (a = 0 or 1) gives 0·ln 0 = 0, not NaN.");
            w.Line($"if (y[i] != 0) cost -= y[i] * {log}(a[i]);");
            w.Line($"if (y[i] != {one}) cost -= ({one} - y[i]) * {log}({one} - a[i]);");
            w.Close();
            w.Line("return cost;");
        }
        w.Close();
    }
}
