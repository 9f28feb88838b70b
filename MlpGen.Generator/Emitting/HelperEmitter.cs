using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>Emits the element-wise helpers every network uses: sigmoid, its derivative, the output error, the descent step, argument checks.</summary>
internal static class HelperEmitter
{
    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T;
        string one = m.Literal("1");
        string output = plan.Output.Out;

        string v = $"Vector256<{t}>";
        EmitElementWise(w, plan,
            $"a = σ(z) = 1 / (1 + e^−z) in place, {plan.Lanes} lanes at a time, then the rest one by one.",
            $"Sigmoid(Span<{t}> z)", "z",
            setup: new[] { $"ref {t} r = ref MemoryMarshal.GetReference(z);" },
            vector: new[]
            {
                $"{v} x = Vector256.LoadUnsafe(ref r, (nuint)i);",
                $"({v}.One / ({v}.One + Vector256.Exp(-x))).StoreUnsafe(ref r, (nuint)i);",
            },
            scalar: $"z[i] = {one} / ({one} + {m.MathClass}.Exp(-z[i]));");

        EmitElementWise(w, plan,
            "δ ← δ ⊙ σ'(z), where σ'(z) = a ⊙ (1 − a) for the activations a = σ(z).",
            $"MultiplyBySigmoidDerivative(ReadOnlySpan<{t}> a, Span<{t}> delta)", "delta",
            setup: new[]
            {
                $"ref {t} ra = ref MemoryMarshal.GetReference(a.Slice(0, delta.Length));",
                $"ref {t} rd = ref MemoryMarshal.GetReference(delta);",
            },
            vector: new[]
            {
                $"{v} x = Vector256.LoadUnsafe(ref ra, (nuint)i);",
                $"(Vector256.LoadUnsafe(ref rd, (nuint)i) * x * ({v}.One - x)).StoreUnsafe(ref rd, (nuint)i);",
            },
            scalar: $"delta[i] *= a[i] * ({one} - a[i]);");

        EmitOutputError(w, plan);

        EmitElementWise(w, plan,
            "The descent step p ← p − rate·g, where rate is η/m, each element rounded once (fused multiply-add).",
            $"Descend(Span<{t}> p, ReadOnlySpan<{t}> g, {t} rate)", "p",
            setup: new[]
            {
                $"ref {t} rp = ref MemoryMarshal.GetReference(p);",
                $"ref {t} rg = ref MemoryMarshal.GetReference(g.Slice(0, p.Length));",
                $"{v} step = Vector256.Create(-rate);",
            },
            vector: new[] { "Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rg, (nuint)i), step, Vector256.LoadUnsafe(ref rp, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);" },
            scalar: $"p[i] = {m.MathClass}.FusedMultiplyAdd(g[i], -rate, p[i]);",
            visibility: "public");

        w.Line();
        w.Line("/// <summary>Fills p with draws from N(0, 1) (Box–Muller on a seeded <see cref=\"Random\"/>), as network.py initialises.</summary>");
        using (w.Block($"public static void InitializeStandardNormal(Span<{t}> p, int seed)"))
        {
            w.Line("var random = new Random(seed);");
            using (w.Block("for (int i = 0; i < p.Length; i++)"))
            {
                w.Line("double u1 = 1.0 - random.NextDouble();   // in (0, 1]: the logarithm stays finite");
                w.Line("double u2 = random.NextDouble();");
                w.Line($"p[i] = ({t})(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));");
            }
        }

        w.Line();
        w.Line("/// <summary>The index into a pinned array at which its elements are 64-byte aligned.</summary>");
        using (w.Block($"public static int AlignedStart({t}[] pinned)"))
        {
            w.Line("long misalignment = (long)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0) & 63;");
            w.Line($"return misalignment == 0 ? 0 : (int)((64 - misalignment) / sizeof({t}));");
        }

        w.Line();
        w.Line("/// <summary>Throws when a span does not hold exactly the expected number of values.</summary>");
        using (w.Block("public static void CheckLength(int actual, int expected, string what, string parameter)"))
        {
            w.Line("if (actual != expected)");
            w.Line($"    throw new ArgumentException($\"The {{what}} must hold exactly {{expected}} values for the {m.Topology} network, but holds {{actual}}.\", parameter);");
        }

        w.Line();
        w.Line("/// <summary>Checks that inputs hold whole samples and the targets (or outputs) hold one output layer per sample; returns the number of samples.</summary>");
        using (w.Block("public static int CheckBatch(int inputs, int outputs, string what = \"targets\")"))
        {
            w.Line("if (inputs % N0 != 0)");
            w.Line($"    throw new ArgumentException($\"The inputs must hold whole samples of {{N0}} values for the {m.Topology} network, but hold {{inputs}} values.\", nameof(inputs));");
            w.Line("int count = inputs / N0;");
            w.Line($"if (outputs != count * {output})");
            w.Line($"    throw new ArgumentException($\"The {{what}} must hold {{{output}}} values for each of the {{count}} samples ({{count * {output}}} values), but hold {{outputs}}.\", what);");
            w.Line("return count;");
        }

        w.Line();
        w.Line("/// <summary>Checks that outputs hold whole output layers and the targets one per output.</summary>");
        using (w.Block("public static void CheckOutputs(int outputs, int targets)"))
        {
            w.Line($"if (outputs % {output} != 0)");
            w.Line($"    throw new ArgumentException($\"The outputs must hold whole samples of {{{output}}} values for the {m.Topology} network, but hold {{outputs}} values.\", nameof(outputs));");
            w.Line("if (targets != outputs)");
            w.Line("    throw new ArgumentException($\"The targets must hold as many values as the outputs ({outputs}), but hold {targets}.\", nameof(targets));");
        }
    }

    /// <summary>
    /// An element-wise kernel over <paramref name="span"/>: on the SIMD path, after <paramref name="setup"/>,
    /// <paramref name="vector"/> for each whole vector at element i, then <paramref name="scalar"/> for the rest;
    /// on the scalar path <paramref name="scalar"/> for every element. Both paths compute each element alike.
    /// </summary>
    private static void EmitElementWise(CodeWriter w, NetworkPlan plan, string summary, string signature, string span,
        string[] setup, string[] vector, string scalar, string visibility = "private")
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"{visibility} static void {signature}"))
        {
            Vocabulary.SimdOrScalar(w,
                scalar: () => w.Line($"for (int i = 0; i < {span}.Length; i++) {scalar}"),
                simd: () =>
                {
                    foreach (string statement in setup) w.Line(statement);
                    w.Line("int i = 0;");
                    using (w.Block($"for (; i <= {span}.Length - {plan.Lanes}; i += {plan.Lanes})"))
                    {
                        foreach (string statement in vector) w.Line(statement);
                    }
                    w.Line($"for (; i < {span}.Length; i++) {scalar}");
                });
        }
    }

    /// <summary>The cost of one sample, and the output error δL = ∂C/∂zL for the network's cost.</summary>
    private static void EmitOutputError(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T;
        string one = m.Literal("1");
        string log = $"{m.MathClass}.Log";
        string output = plan.Output.Out;
        bool quadratic = m.Cost == CostKind.Quadratic;
        w.Line();
        w.Line($"/// <summary>C = {Vocabulary.CostFormula(m.Cost, "a")}, the {Vocabulary.CostName(m.Cost)} cost of one sample's output activations a against its targets y.</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static {t} SampleCost(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> y)"))
        {
            w.Line($"{t} cost = 0;");
            using (w.Block($"for (int i = 0; i < {output}; i++)"))
            {
                if (quadratic)
                {
                    w.Line($"{t} difference = a[i] - y[i];");
                    w.Line("cost += difference * difference;");
                }
                else
                {
                    w.Line("// Terms with a zero weight are skipped, so that a saturated output (a = 0 or 1) gives 0·ln 0 = 0, not NaN.");
                    w.Line($"if (y[i] != 0) cost -= y[i] * {log}(a[i]);");
                    w.Line($"if (y[i] != {one}) cost -= ({one} - y[i]) * {log}({one} - a[i]);");
                }
            }
            w.Line(quadratic ? $"return {m.Literal("0.5")} * cost;" : "return cost;");
        }

        w.Line();
        w.Line($"/// <summary>δL = ∂C/∂zL = {Vocabulary.OutputErrorFormula(m.Cost, "a")} for the {Vocabulary.CostName(m.Cost)} cost, from one sample's output activations a and targets y.</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void OutputError(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> y, Span<{t}> delta)"))
        using (w.Block($"for (int i = 0; i < {output}; i++)"))
        {
            if (quadratic)
            {
                w.Line($"delta[i] = (a[i] - y[i]) * a[i] * ({one} - a[i]);   // ∂C/∂a = a − y, times σ'(z) = a(1 − a)");
            }
            else
            {
                w.Line("// ∂C/∂a = (a − y) / (a(1 − a)) cancels σ'(z) = a(1 − a): no learning slowdown when a saturates.");
                w.Line("delta[i] = a[i] - y[i];");
            }
        }
    }
}
