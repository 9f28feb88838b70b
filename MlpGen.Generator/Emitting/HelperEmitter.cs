using System;
using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Emits the helpers of the kernel class: the activation kernels and derivatives the network uses (only
/// those), the output error and cost, the descent step, the initialisation, argument checks.
/// </summary>
internal static class HelperEmitter
{
    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T;
        string output = plan.Output.Out;

        foreach (ActivationFunction activation in plan.ActivationKernels) EmitActivation(w, plan, activation);
        foreach (ActivationFunction activation in plan.DerivativeKernels) EmitDerivative(w, plan, activation);

        EmitOutputError(w, plan);

        EmitElementWise(w, plan,
            "The descent step p ← p − rate·g, where rate is η/m, each element rounded once (fused multiply-add, on every path, so that every path and the runtime's own step give the same bits).",
            $"Descend(Span<{t}> p, ReadOnlySpan<{t}> g, {t} rate)", "p",
            setup: V => new[]
            {
                $"ref {t} rp = ref MemoryMarshal.GetReference(p);",
                $"ref {t} rg = ref MemoryMarshal.GetReference(g.Slice(0, p.Length));",
                $"{V}<{t}> step = {V}.Create(-rate);",
            },
            vector: V => new[] { $"{V}.FusedMultiplyAdd({V}.LoadUnsafe(ref rg, (nuint)i), step, {V}.LoadUnsafe(ref rp, (nuint)i)).StoreUnsafe(ref rp, (nuint)i);" },
            scalar: $"p[i] = {m.MathClass}.FusedMultiplyAdd(g[i], -rate, p[i]);",
            visibility: "public");

        EmitInitialization(w, plan);

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
    /// An element-wise kernel over <paramref name="span"/>: on each SIMD path, after <paramref name="setup"/>,
    /// <paramref name="vector"/> for each whole vector at element i, then <paramref name="scalar"/> for the rest;
    /// on the scalar path <paramref name="scalar"/> for every element. <paramref name="setup"/> and <paramref name="vector"/>
    /// take the vector class of the width (<c>Vector256</c> or <c>Vector128</c>); every path computes each element alike.
    /// </summary>
    private static void EmitElementWise(CodeWriter w, NetworkPlan plan, string summary, string signature, string span,
        Func<string, string[]> setup, Func<string, string[]> vector, string scalar, string visibility = "private")
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"{visibility} static void {signature}"))
        {
            Vocabulary.SimdOrScalar(w,
                scalar: () => w.Line($"for (int i = 0; i < {span}.Length; i++) {scalar}"),
                simd: width =>
                {
                    int lanes = plan.LanesOf(width);
                    foreach (string statement in setup(width.Name)) w.Line(statement);
                    w.Line("int i = 0;");
                    using (w.Block($"for (; i <= {span}.Length - {lanes}; i += {lanes})"))
                    {
                        foreach (string statement in vector(width.Name)) w.Line(statement);
                    }
                    w.Line($"for (; i < {span}.Length; i++) {scalar}");
                });
        }
    }

    /// <summary>Applies one layer's activation in place (identity has no kernel): sigmoid, tanh, ReLU, leaky ReLU element-wise, softmax per sample.</summary>
    private static void EmitActivation(CodeWriter w, NetworkPlan plan, ActivationFunction activation)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, one = m.Literal("1"), math = m.MathClass;
        string load = $"ref {t} r = ref MemoryMarshal.GetReference(z);";
        string lanes = LanesInProse(plan);
        switch (activation)
        {
            case ActivationFunction.Sigmoid:
                EmitElementWise(w, plan,
                    $"a = σ(z) = 1 / (1 + e^−z) in place, {lanes} at a time, then the rest one by one.",
                    $"Sigmoid(Span<{t}> z)", "z",
                    setup: V => new[] { load },
                    vector: V => new[]
                    {
                        $"{V}<{t}> x = {V}.LoadUnsafe(ref r, (nuint)i);",
                        $"({V}<{t}>.One / ({V}<{t}>.One + {V}.Exp(-x))).StoreUnsafe(ref r, (nuint)i);",
                    },
                    scalar: $"z[i] = {one} / ({one} + {math}.Exp(-z[i]));");
                break;
            case ActivationFunction.Tanh:
                // The vector classes have no Tanh: both paths use tanh z = sign(z)·(1 − e^(−2|z|)) / (1 + e^(−2|z|)), whose
                // exponent is never positive, so nothing overflows; near 0 its error is about one ulp of 1 (absolute).
                EmitElementWise(w, plan,
                    $"a = tanh(z) in place, computed as sign(z)·(1 − e^(−2|z|)) / (1 + e^(−2|z|)) (e^(−2|z|) ≤ 1 never overflows), {lanes} at a time, then the rest one by one by the same formula.",
                    $"Tanh(Span<{t}> z)", "z",
                    setup: V => new[] { load, $"{V}<{t}> minusTwo = {V}.Create({m.Literal("-2")});" },
                    vector: V => new[]
                    {
                        $"{V}<{t}> x = {V}.LoadUnsafe(ref r, (nuint)i);",
                        $"{V}<{t}> e = {V}.Exp({V}.Abs(x) * minusTwo);",
                        $"{V}<{t}> magnitude = ({V}<{t}>.One - e) / ({V}<{t}>.One + e);   // tanh |z|",
                        $"{V}.ConditionalSelect({V}.LessThan(x, {V}<{t}>.Zero), -magnitude, magnitude).StoreUnsafe(ref r, (nuint)i);",
                    },
                    scalar: $"{{ {t} e = {math}.Exp({m.Literal("-2")} * {math}.Abs(z[i])); {t} magnitude = ({one} - e) / ({one} + e); z[i] = z[i] < 0 ? -magnitude : magnitude; }}");
                break;
            case ActivationFunction.ReLU:
                EmitElementWise(w, plan,
                    $"a = ReLU(z) = max(0, z) in place, {lanes} at a time, then the rest one by one.",
                    $"ReLU(Span<{t}> z)", "z",
                    setup: V => new[] { load },
                    vector: V => new[] { $"{V}.Max({V}.LoadUnsafe(ref r, (nuint)i), {V}<{t}>.Zero).StoreUnsafe(ref r, (nuint)i);" },
                    scalar: $"z[i] = {math}.Max(z[i], 0);");
                break;
            case ActivationFunction.LeakyReLU:
                EmitElementWise(w, plan,
                    $"a = LeakyReLU(z) in place: z for z &gt; 0, else LeakyReLUSlope·z; {lanes} at a time, then the rest one by one.",
                    $"LeakyReLU(Span<{t}> z)", "z",
                    setup: V => new[] { load, $"{V}<{t}> slope = {V}.Create(LeakyReLUSlope);" },
                    vector: V => new[]
                    {
                        $"{V}<{t}> x = {V}.LoadUnsafe(ref r, (nuint)i);",
                        $"{V}.ConditionalSelect({V}.GreaterThan(x, {V}<{t}>.Zero), x, x * slope).StoreUnsafe(ref r, (nuint)i);",
                    },
                    scalar: "z[i] = z[i] > 0 ? z[i] : z[i] * LeakyReLUSlope;");
                break;
            case ActivationFunction.Softmax:
                EmitSoftmax(w, plan);
                break;
        }
    }

    /// <summary>
    /// Softmax over one sample's output vector: max, e^(z − max), sum, divide. Vectorised over the whole
    /// vectors when the output layer is at least one vector wide, with a scalar tail; scalar loops otherwise.
    /// </summary>
    private static void EmitSoftmax(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, math = m.MathClass;
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// a = softmax(z) in place over one sample's outputs: a_j = e^(z_j − max z) / Σ_k e^(z_k − max z), which equals");
        w.Line("/// e^(z_j) / Σ_k e^(z_k) in exact arithmetic. With the max subtracted every exponent is ≤ 0, so no e^z overflows");
        w.Line("/// (z = ±1000 gives finite outputs), and the largest term is e^0 = 1, so the sum is at least 1.");
        w.Line("/// </summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void Softmax(Span<{t}> z)"))
        {
            void Scalar()
            {
                w.Line($"{t} max = z[0];");
                w.Line($"for (int i = 1; i < z.Length; i++) max = {math}.Max(max, z[i]);");
                w.Line($"{t} sum = 0;");
                using (w.Block("for (int i = 0; i < z.Length; i++)"))
                {
                    w.Line($"z[i] = {math}.Exp(z[i] - max);");
                    w.Line("sum += z[i];");
                }
                w.Line("for (int i = 0; i < z.Length; i++) z[i] /= sum;");
            }
            int narrowest = NetworkPlan.Widths.Min(width => plan.LanesOf(width));
            if (plan.Output.OutputSize < narrowest)
            {
                w.Line($"// Narrower than one vector ({plan.Output.OutputSize} < {narrowest} lanes): scalar loops on every kernel path.");
                Scalar();
                return;
            }
            Vocabulary.SimdOrScalar(w, Scalar, width =>
            {
                string vector = width.Name, v = $"{vector}<{t}>";
                int lanes = plan.LanesOf(width);
                if (plan.Output.OutputSize < lanes)
                {
                    w.Line($"// Narrower than one {vector} ({plan.Output.OutputSize} < {lanes} lanes): the scalar loops.");
                    Scalar();
                    return;
                }
                w.Line($"ref {t} r = ref MemoryMarshal.GetReference(z);");
                w.Line($"int whole = z.Length - z.Length % {lanes};   // the elements in whole vectors; the rest are the scalar tail");
                w.Line("// max z: lane by lane over the whole vectors, then across the lanes and the tail.");
                w.Line($"{v} lanesMax = {vector}.LoadUnsafe(ref r);");
                w.Line($"for (int i = {lanes}; i < whole; i += {lanes}) lanesMax = {vector}.Max(lanesMax, {vector}.LoadUnsafe(ref r, (nuint)i));");
                w.Line($"{t} max = lanesMax.GetElement(0);");
                w.Line($"for (int k = 1; k < {lanes}; k++) max = {math}.Max(max, lanesMax.GetElement(k));");
                w.Line($"for (int i = whole; i < z.Length; i++) max = {math}.Max(max, z[i]);");
                w.Line("// e^(z − max) in place, and their sum.");
                w.Line($"{v} shift = {vector}.Create(max), sums = {v}.Zero;");
                using (w.Block($"for (int i = 0; i < whole; i += {lanes})"))
                {
                    w.Line($"{v} e = {vector}.Exp({vector}.LoadUnsafe(ref r, (nuint)i) - shift);");
                    w.Line("e.StoreUnsafe(ref r, (nuint)i);");
                    w.Line("sums += e;");
                }
                w.Line($"{t} sum = {vector}.Sum(sums);");
                using (w.Block("for (int i = whole; i < z.Length; i++)"))
                {
                    w.Line($"z[i] = {math}.Exp(z[i] - max);");
                    w.Line("sum += z[i];");
                }
                w.Line("// Divide by the sum.");
                w.Line($"{v} total = {vector}.Create(sum);");
                w.Line($"for (int i = 0; i < whole; i += {lanes}) ({vector}.LoadUnsafe(ref r, (nuint)i) / total).StoreUnsafe(ref r, (nuint)i);");
                w.Line("for (int i = whole; i < z.Length; i++) z[i] /= sum;");
            });
        }
    }

    /// <summary>The lanes per step of every width, for a summary: <c>8 lanes (Vector256) or 4 (Vector128)</c>.</summary>
    private static string LanesInProse(NetworkPlan plan) =>
        string.Join(" or ", NetworkPlan.Widths.Select((width, i) => $"{plan.LanesOf(width)}{(i == 0 ? " lanes" : "")} ({width.Name})"));

    /// <summary>δ ← δ ⊙ f'(z) for a hidden layer's activation f, with f' written through the activations a = f(z).</summary>
    private static void EmitDerivative(CodeWriter w, NetworkPlan plan, ActivationFunction activation)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, one = m.Literal("1");
        string signature = $"{Vocabulary.DerivativeKernel(activation)}(ReadOnlySpan<{t}> a, Span<{t}> delta)";
        string[] references =
        {
            $"ref {t} ra = ref MemoryMarshal.GetReference(a.Slice(0, delta.Length));",
            $"ref {t} rd = ref MemoryMarshal.GetReference(delta);",
        };
        Func<string, string[]> setup = V => references;
        string X(string V) => $"{V}<{t}> x = {V}.LoadUnsafe(ref ra, (nuint)i);";
        switch (activation)
        {
            case ActivationFunction.Sigmoid:
                EmitElementWise(w, plan, "δ ← δ ⊙ σ'(z), where σ'(z) = a ⊙ (1 − a) for the activations a = σ(z).", signature, "delta",
                    setup: setup,
                    vector: V => new[] { X(V), $"({V}.LoadUnsafe(ref rd, (nuint)i) * x * ({V}<{t}>.One - x)).StoreUnsafe(ref rd, (nuint)i);" },
                    scalar: $"delta[i] *= a[i] * ({one} - a[i]);");
                break;
            case ActivationFunction.Tanh:
                EmitElementWise(w, plan, "δ ← δ ⊙ tanh'(z), where tanh'(z) = 1 − a² for the activations a = tanh(z).", signature, "delta",
                    setup: setup,
                    vector: V => new[] { X(V), $"({V}.LoadUnsafe(ref rd, (nuint)i) * ({V}<{t}>.One - x * x)).StoreUnsafe(ref rd, (nuint)i);" },
                    scalar: $"delta[i] *= {one} - a[i] * a[i];");
                break;
            case ActivationFunction.ReLU:
                EmitElementWise(w, plan,
                    "δ ← δ ⊙ ReLU'(z), where ReLU'(z) = 1 where a = ReLU(z) &gt; 0, else 0. At z = 0 exactly (a = 0) the derivative is taken as 0, as PyTorch does.",
                    signature, "delta",
                    setup: setup,
                    vector: V => new[] { X(V), $"{V}.ConditionalSelect({V}.GreaterThan(x, {V}<{t}>.Zero), {V}.LoadUnsafe(ref rd, (nuint)i), {V}<{t}>.Zero).StoreUnsafe(ref rd, (nuint)i);" },
                    scalar: "delta[i] = a[i] > 0 ? delta[i] : 0;");
                break;
            case ActivationFunction.LeakyReLU:
                EmitElementWise(w, plan,
                    "δ ← δ ⊙ LeakyReLU'(z), where LeakyReLU'(z) = 1 where a = LeakyReLU(z) &gt; 0 (exactly where z &gt; 0), else LeakyReLUSlope (at z = 0 too).",
                    signature, "delta",
                    setup: V => new[] { references[0], references[1], $"{V}<{t}> slope = {V}.Create(LeakyReLUSlope);" },
                    vector: V => new[] { X(V), $"({V}.LoadUnsafe(ref rd, (nuint)i) * {V}.ConditionalSelect({V}.GreaterThan(x, {V}<{t}>.Zero), {V}<{t}>.One, slope)).StoreUnsafe(ref rd, (nuint)i);" },
                    scalar: $"delta[i] *= a[i] > 0 ? {one} : LeakyReLUSlope;");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "not a hidden layer's activation");
        }
    }

    /// <summary>The cost of one sample, and the output error δL = ∂C/∂zL for the network's output activation and cost.</summary>
    private static void EmitOutputError(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T;
        string one = m.Literal("1");
        string log = $"{m.MathClass}.Log";
        string output = plan.Output.Out;
        ActivationFunction activation = plan.Output.Activation;
        CostFunction cost = m.Cost;
        w.Line();
        w.Line($"/// <summary>C = {Vocabulary.CostFormula(cost, "a")}, the {Vocabulary.CostName(cost)} cost of one sample's output activations a against its targets y.</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static {t} SampleCost(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> y)"))
        {
            w.Line($"{t} cost = 0;");
            using (w.Block($"for (int i = 0; i < {output}; i++)"))
            {
                switch (cost)
                {
                    case CostFunction.Quadratic:
                        w.Line($"{t} difference = a[i] - y[i];");
                        w.Line("cost += difference * difference;");
                        break;
                    case CostFunction.CrossEntropy:
                        w.Line("// Terms with a zero weight are skipped, so that a saturated output (a = 0 or 1) gives 0·ln 0 = 0, not NaN.");
                        w.Line($"if (y[i] != 0) cost -= y[i] * {log}(a[i]);");
                        w.Line($"if (y[i] != {one}) cost -= ({one} - y[i]) * {log}({one} - a[i]);");
                        break;
                    default:
                        w.Line("// Terms with y = 0 are skipped, so that an output that underflowed to a = 0 gives 0·ln 0 = 0, not NaN.");
                        w.Line($"if (y[i] != 0) cost -= y[i] * {log}(a[i]);");
                        break;
                }
            }
            w.Line(cost == CostFunction.Quadratic ? $"return {m.Literal("0.5")} * cost;" : "return cost;");
        }

        w.Line();
        w.Line($"/// <summary>δL = ∂C/∂zL = {Vocabulary.OutputErrorFormula(activation, cost, "a")} for the {Vocabulary.ActivationName(activation)} output and the {Vocabulary.CostName(cost)} cost, from one sample's output activations a and targets y.</summary>");
        w.Line(Vocabulary.Hot);
        using (w.Block($"private static void OutputError(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> y, Span<{t}> delta)"))
        {
            switch (activation, cost)
            {
                case (ActivationFunction.Sigmoid, CostFunction.Quadratic):
                    using (w.Block($"for (int i = 0; i < {output}; i++)"))
                        w.Line($"delta[i] = (a[i] - y[i]) * a[i] * ({one} - a[i]);   // ∂C/∂a = a − y, times σ'(z) = a(1 − a)");
                    break;
                case (ActivationFunction.Sigmoid, CostFunction.CrossEntropy):
                    using (w.Block($"for (int i = 0; i < {output}; i++)"))
                    {
                        w.Line("// ∂C/∂a = (a − y) / (a(1 − a)) cancels σ'(z) = a(1 − a): no learning slowdown when a saturates.");
                        w.Line("delta[i] = a[i] - y[i];");
                    }
                    break;
                case (ActivationFunction.Softmax, CostFunction.LogLikelihood):
                    using (w.Block($"for (int i = 0; i < {output}; i++)"))
                    {
                        w.Line("// ∂C/∂a_k = −y_k / a_k through softmax's Jacobian ∂a_k/∂z_j = a_k(δ_jk − a_j) gives a_j·Σ_k y_k − y_j,");
                        w.Line("// which is a_j − y_j for targets that sum to 1 (one-hot, or a distribution).");
                        w.Line("delta[i] = a[i] - y[i];");
                    }
                    break;
                case (ActivationFunction.Softmax, CostFunction.Quadratic):
                    w.Line("// ∂C/∂a = d = a − y; through softmax's Jacobian ∂a_k/∂z_j = a_k(δ_jk − a_j): δ_j = a_j·(d_j − Σ_k d_k a_k).");
                    w.Line($"{t} dot = 0;");
                    w.Line($"for (int k = 0; k < {output}; k++) dot += (a[k] - y[k]) * a[k];");
                    w.Line($"for (int i = 0; i < {output}; i++) delta[i] = a[i] * ((a[i] - y[i]) - dot);");
                    break;
                case (ActivationFunction.Identity, CostFunction.Quadratic):
                    using (w.Block($"for (int i = 0; i < {output}; i++)"))
                        w.Line("delta[i] = a[i] - y[i];   // ∂C/∂a = a − y, and the identity's derivative is 1");
                    break;
                default:
                    throw new InvalidOperationException($"no output error for a {activation} output with the {cost} cost (the parser refuses this combination)");
            }
        }
    }

    /// <summary>
    /// The seeded initialisation: one N(0, 1) draw z per parameter, in layout order (Box–Muller on
    /// <c>new Random(seed)</c>, as network.py), scaled per layer by the plan's scheme. A network whose every layer is
    /// standard normal (sigmoid) keeps network.py's <c>InitializeStandardNormal</c>, which is the same rule with scale 1.
    /// </summary>
    private static void EmitInitialization(CodeWriter w, NetworkPlan plan)
    {
        string t = plan.T;
        const string u1 = "double u1 = 1.0 - random.NextDouble();   // in (0, 1]: the logarithm stays finite";
        const string u2 = "double u2 = random.NextDouble();";
        const string z = "Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)";
        w.Line();
        if (plan.StandardNormalEverywhere)
        {
            w.Line("/// <summary>Fills p with draws from N(0, 1) (Box–Muller on a seeded <see cref=\"Random\"/>), as network.py initialises.</summary>");
            using (w.Block($"public static void InitializeStandardNormal(Span<{t}> p, int seed)"))
            {
                w.Line("var random = new Random(seed);");
                using (w.Block("for (int i = 0; i < p.Length; i++)"))
                {
                    w.Line(u1);
                    w.Line(u2);
                    w.Line($"p[i] = ({t})({z});");
                }
            }
            return;
        }
        w.Line("/// <summary>");
        w.Line("/// Fills p with one N(0, 1) draw z per parameter, in layout order (Box–Muller on a seeded <see cref=\"Random\"/>, as");
        w.Line("/// network.py draws), each scaled per layer (in double, then rounded once):");
        w.Line("/// <code>");
        foreach (LayerPlan layer in plan.Layers) w.Line($"/// {InitLine(layer)}");
        w.Line("/// </code>");
        w.Line("/// </summary>");
        using (w.Block($"public static void Initialize(Span<{t}> p, int seed)"))
        {
            w.Line("var random = new Random(seed);");
            foreach (LayerPlan layer in plan.Layers)
            {
                string weights = $"DrawNormal(p.Slice({layer.W}, {layer.Out} * {layer.In}), random, {Scale(layer.WeightScale)});";
                string biases = $"DrawNormal(p.Slice({layer.B}, {layer.Out}), random, {Scale(layer.BiasScale)});";
                int width = Math.Max(weights.Length, biases.Length) + 2;
                w.Line(weights.PadRight(width) + $"// {WeightComment(layer)}");
                w.Line(biases.PadRight(width) + $"// {BiasComment(layer)}");
            }
        }
        w.Line();
        w.Line("/// <summary>p_i = z_i · scale for fresh N(0, 1) draws z_i (Box–Muller), scale in double: scale 1 gives network.py's bits, scale 0 gives +0.</summary>");
        using (w.Block($"private static void DrawNormal(Span<{t}> p, Random random, double scale)"))
        using (w.Block("for (int i = 0; i < p.Length; i++)"))
        {
            w.Line(u1);
            w.Line(u2);
            w.Line($"double z = {z};");
            w.Line($"p[i] = scale == 0.0 ? 0 : ({t})(z * scale);   // a zero scale gives +0, not the −0 of a negative z times 0");
        }
    }

    /// <summary>A scale as a double literal that reads back bit for bit.</summary>
    private static string Scale(double scale) => scale == 1.0 ? "1.0" : scale == 0.0 ? "0.0" : scale.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string WeightComment(LayerPlan layer) => layer.Init switch
    {
        Initializer.He => $"W{layer.Index} ~ N(0, 2/{layer.InputSize}): He, scale √(2/n_in)",
        Initializer.Glorot => $"W{layer.Index} ~ N(0, 2/({layer.InputSize} + {layer.OutputSize})): Glorot, scale √(2/(n_in + n_out))",
        _ => $"W{layer.Index} ~ N(0, 1)",
    };

    private static string BiasComment(LayerPlan layer) => layer.Init == Initializer.StandardNormal
        ? $"b{layer.Index} ~ N(0, 1)"
        : $"b{layer.Index} = 0 (the draws are still taken)";

    /// <summary>One layer's initialisation and why, for the documentation of the constructor and of Initialize.</summary>
    internal static string InitLine(LayerPlan layer)
    {
        string why = layer.Init switch
        {
            Initializer.He => "He normal, keeps ReLU layers' signal variance",
            Initializer.Glorot => "Glorot normal, keeps tanh and linear layers' signal and gradient variance",
            _ => "standard normal, as network.py initialises sigmoid networks",
        };
        string weights = layer.Init switch
        {
            Initializer.He => $"W{layer.Index} ~ N(0, 2/{layer.InputSize}), b{layer.Index} = 0",
            Initializer.Glorot => $"W{layer.Index} ~ N(0, 2/({layer.InputSize} + {layer.OutputSize})), b{layer.Index} = 0",
            _ => $"W{layer.Index}, b{layer.Index} ~ N(0, 1)",
        };
        return $"{weights}: {why} (a{layer.InitFrom} is {Vocabulary.ActivationName(layer.InitFor)})";
    }
}
