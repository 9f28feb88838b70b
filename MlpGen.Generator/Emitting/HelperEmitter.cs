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
    /// <summary>The element offset of the loop's index i in a vector load or store (see <see cref="LoopIndex.Offset"/>).</summary>
    private const string I = "(uint)i";

    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        foreach (ActivationFunction activation in plan.ActivationKernels) EmitActivation(w, plan, activation);
        // An int8 network predicts only: no derivatives, cost, descent step or initialisation.
        if (!plan.Int8)
        {
            foreach (ActivationFunction activation in plan.DerivativeKernels) EmitDerivative(w, plan, activation);
        }
        if (plan.UsesGELU) NormalDistributionEmitter.Emit(w, plan);
        VectorMathEmitter.Emit(w, plan);
        if (!plan.Int8) EmitTraining(w, plan);
        EmitChecks(w, plan);
    }

    /// <summary>The helpers of training: output error and cost, the descent step, the initialisation, the storage's alignment.</summary>
    private static void EmitTraining(CodeWriter w, NetworkPlan plan)
    {
        string t = plan.T;
        EmitOutputError(w, plan);

        EmitElementWise(w, plan,
            plan.Target.ModernBcl
                ? "The descent step p ← p − rate·g, where rate is η/m, each element rounded once (fused multiply-add, on every path, "
                    + "so that every path and the runtime's own step give the same bits)."
                : "The descent step p ← p − rate·g, where rate is η/m (.NET Standard has no fused multiply-add: a float's step is "
                    + "computed in double and rounded to float, a double's rounds the product and the sum).",
            "public", "Descend", new[] { $"{Vocabulary.SpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} g", $"{t} rate" }, "p",
            setup: width =>
            {
                w.Line($"ref {t} rp = ref {Vocabulary.Reference("p")};");
                w.Line($"ref {t} rg = ref {Vocabulary.Reference("g.Slice(0, p.Length)")};");
                w.Line($"{Vocabulary.VectorOf(width, t)} step = {Vocabulary.Vector(width)}.Create(-rate);");
            },
            vector: width =>
            {
                string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
                w.Assign($"{v} gradient", $"{vector}.LoadUnsafe(ref rg, {I})");
                w.Assign($"{v} parameter", $"{vector}.LoadUnsafe(ref rp, {I})");
                w.Assign($"{v} updated", $"{Vocabulary.VectorFusedMultiplyAdd(plan, width)}(gradient, step, parameter)");
                w.Line($"{vector}.StoreUnsafe(updated, ref rp, {I});");
            },
            scalar: $"p[i] = {Vocabulary.ScalarFusedMultiplyAdd(plan, "g[i]", "-rate", "p[i]")};");

        EmitInitialization(w, plan);

        if (plan.Target.ModernBcl)   // the .NET Standard shape keeps its parameters in a plain array, from index 0
        {
            w.Line();
            w.Summary("The index into a pinned array at which its elements are 64-byte aligned.");
            using (w.Method("public static int AlignedStart", $"{t}[] pinned"))
            {
                w.Line($"long misalignment = (long){Vocabulary.Marshal}.UnsafeAddrOfPinnedArrayElement(pinned, 0) & 63;");
                w.Line($"return misalignment == 0 ? 0 : (int)((64 - misalignment) / sizeof({t}));");
            }
        }
    }

    /// <summary>The argument checks of the public methods, and the cut of the parallel PredictBatch.</summary>
    private static void EmitChecks(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string output = plan.Output.Out;
        w.Line();
        w.Summary("Throws when a span does not hold exactly the expected number of values; <paramref name=\"name\"/> is the span's parameter.");
        using (w.Method("public static void CheckLength", "int actual", "int expected", "string name"))
        {
            Throw(w, "actual != expected", $"$\"The {{name}} must hold exactly {{expected}} values for the {m.Topology} network, but holds {{actual}}.\"", "name");
        }

        w.Line();
        w.Summary("Checks that inputs hold whole samples and the targets (or outputs) hold one output layer per sample; returns the number of samples.");
        using (w.Method("public static int CheckBatch", "int inputs", "int outputs", "string what = \"targets\""))
        {
            Throw(w, "inputs % N0 != 0",
                $"$\"The inputs must hold whole samples of {{N0}} values for the {m.Topology} network, but hold {{inputs}} values.\"", "\"inputs\"");
            w.Line("int count = inputs / N0;");
            Throw(w, $"outputs != (long)count * {output}",
                $"$\"The {{what}} must hold {{{output}}} values for each of the {{count}} samples ({{(long)count * {output}}} values), but hold {{outputs}}.\"", "what");
            w.Line("return count;");
        }

        w.Line();
        w.Summary("The threads the parallel PredictBatch runs for count samples: at most degreeOfParallelism, and at least one group of samples each.");
        using (w.Method("public static int Threads", "int count", "int degreeOfParallelism"))
        {
            Throw(w, "degreeOfParallelism < 1", "$\"The degree of parallelism must be at least 1, but is {degreeOfParallelism}.\"", "\"degreeOfParallelism\"",
                Vocabulary.ArgumentOutOfRangeException);
            w.Line("long groups = ((long)count + Group - 1) / Group;");
            w.Line($"return (int){Vocabulary.Math}.Max(1, {Vocabulary.Math}.Min(degreeOfParallelism, groups));");
        }

        w.Line();
        w.Summary("The samples of the next piece a thread of the parallel PredictBatch claims when left samples are still unclaimed (guided "
            + "self-scheduling): 1/(2·threads) of them, in whole groups, at least one group (or all that are left). The first pieces are large "
            + "(few claims), the last small, so the threads finish close together even when one of them ran slower, and a batch of a group per "
            + "thread still gives every thread a group.");
        using (w.Method("public static int PieceSize", "int left", "int threads"))
        {
            w.Line("long groups = ((long)left + Group - 1) / Group;");
            w.Line($"return (int){Vocabulary.Math}.Min(left, {Vocabulary.Math}.Max(1, groups / (2L * threads)) * Group);");
        }

        if (plan.Int8) return;   // no Cost
        w.Line();
        w.Summary("Checks that outputs hold whole output layers and the targets one per output.");
        using (w.Method("public static void CheckOutputs", "int outputs", "int targets"))
        {
            Throw(w, $"outputs % {output} != 0",
                $"$\"The outputs must hold whole samples of {{{output}}} values for the {m.Topology} network, but hold {{outputs}} values.\"", "\"outputs\"");
            Throw(w, "targets != outputs",
                "$\"The targets must hold as many values as the outputs ({outputs}), but hold {targets}.\"", "\"targets\"");
        }
    }

    /// <summary><c>if (condition) throw new ArgumentException(message, parameter);</c> (or another argument exception), the message in a local of its own.</summary>
    private static void Throw(CodeWriter w, string condition, string message, string parameter, string exception = Vocabulary.ArgumentException)
    {
        using (w.Block($"if ({condition})"))
        {
            w.Line($"string message = {message};");
            w.Line(exception == Vocabulary.ArgumentException
                ? $"throw new {exception}(message, {parameter});"
                : $"throw new {exception}({parameter}, message);");
        }
    }

    /// <summary>
    /// An element-wise kernel over <paramref name="span"/>: on each SIMD path, after <paramref name="setup"/>,
    /// <paramref name="vector"/> for each whole vector at element i, then <paramref name="scalar"/> for the rest;
    /// on the scalar path <paramref name="scalar"/> for every element. <paramref name="setup"/> and <paramref name="vector"/>
    /// write their statements for a width; every path computes each element alike.
    /// </summary>
    private static void EmitElementWise(CodeWriter w, NetworkPlan plan, string summary, string visibility, string name, string[] parameters,
        string span, Action<SimdWidth> setup, Action<SimdWidth> vector, params string[] scalar)
    {
        void Scalar(string loop)
        {
            if (scalar.Length == 1)
            {
                w.Line($"{loop} {scalar[0]}");
                return;
            }
            using (w.Block(loop))
            {
                foreach (string statement in scalar) w.Line(statement);
            }
        }

        w.Line();
        w.Summary(summary);
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"{visibility} static void {name}", parameters))
        {
            Vocabulary.SimdOrScalar(w, plan,
                scalar: () => Scalar($"for (int i = 0; i < {span}.Length; i++)"),
                simd: width =>
                {
                    int lanes = plan.LanesOf(width);
                    setup(width);
                    w.Line("int i = 0;");
                    using (w.Block($"for (; i <= {span}.Length - {lanes}; i += {lanes})")) vector(width);
                    Scalar($"for (; i < {span}.Length; i++)");
                });
        }
    }

    /// <summary>Applies one layer's activation in place (identity has no kernel): sigmoid, tanh, ReLU, leaky ReLU element-wise, softmax per sample.</summary>
    private static void EmitActivation(CodeWriter w, NetworkPlan plan, ActivationFunction activation)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, one = m.Literal("1");
        string Fn(string function) => Vocabulary.MathFunction(plan, function);
        string[] parameters = { $"{Vocabulary.SpanOf(t)} z" };
        string lanes = LanesInProse(plan);
        void Reference() => w.Line($"ref {t} r = ref {Vocabulary.Reference("z")};");
        void Constant(SimdWidth width, string name, string value) => w.Assign($"{Vocabulary.VectorOf(width, t)} {name}", value);
        void Load(SimdWidth width) => w.Assign($"{Vocabulary.VectorOf(width, t)} x", $"{Vocabulary.Vector(width)}.LoadUnsafe(ref r, {I})");
        void Store(SimdWidth width, string value) => w.Line($"{Vocabulary.Vector(width)}.StoreUnsafe({value}, ref r, {I});");
        switch (activation)
        {
            case ActivationFunction.Sigmoid:
                EmitElementWise(w, plan,
                    $"a = σ(z) = 1 / (1 + e^−z) in place, {lanes}.",
                    "private", "Sigmoid", parameters, "z",
                    setup: _ => Reference(),
                    vector: width =>
                    {
                        string v = Vocabulary.VectorOf(width, t);
                        Load(width);
                        w.Assign($"{v} a", $"{v}.One / ({v}.One + {Vocabulary.VectorExp(plan, width)}(-x))");
                        Store(width, "a");
                    },
                    scalar: $"z[i] = {one} / ({one} + {Fn("Exp")}(-z[i]));");
                break;
            case ActivationFunction.Tanh:
                // The vector classes have no Tanh: both paths use tanh z = sign(z)·(1 − e^(−2|z|)) / (1 + e^(−2|z|)), whose
                // exponent is never positive, so nothing overflows; near 0 its error is about one ulp of 1 (absolute).
                EmitElementWise(w, plan,
                    $"a = tanh(z) in place, computed as sign(z)·(1 − e^(−2|z|)) / (1 + e^(−2|z|)) (e^(−2|z|) ≤ 1 never overflows), {lanes}"
                    + (plan.Widths.Count > 0 ? " by the same formula." : "."),
                    "private", "Tanh", parameters, "z",
                    setup: width =>
                    {
                        Reference();
                        Constant(width, "minusTwo", $"{Vocabulary.Vector(width)}.Create({m.Literal("-2")})");
                    },
                    vector: width =>
                    {
                        string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
                        Load(width);
                        w.Assign($"{v} e", $"{Vocabulary.VectorExp(plan, width)}({vector}.Abs(x) * minusTwo)");
                        w.Line("// tanh |z| = (1 − e^(−2|z|)) / (1 + e^(−2|z|)), then the sign of z.");
                        w.Assign($"{v} magnitude", $"({v}.One - e) / ({v}.One + e)");
                        w.Assign($"{v} negative", $"{vector}.LessThan(x, {v}.Zero)");
                        w.Assign($"{v} a", $"{vector}.ConditionalSelect(negative, -magnitude, magnitude)");
                        Store(width, "a");
                    },
                    $"{t} e = {Fn("Exp")}({m.Literal("-2")} * {Fn("Abs")}(z[i]));",
                    $"{t} magnitude = ({one} - e) / ({one} + e);",
                    "z[i] = z[i] < 0 ? -magnitude : magnitude;");
                break;
            case ActivationFunction.ReLU:
                EmitElementWise(w, plan,
                    $"a = ReLU(z) = max(0, z) in place, {lanes}.",
                    "private", "ReLU", parameters, "z",
                    setup: _ => Reference(),
                    vector: width =>
                    {
                        Load(width);
                        Store(width, $"{Vocabulary.Vector(width)}.Max(x, {Vocabulary.VectorOf(width, t)}.Zero)");
                    },
                    scalar: $"z[i] = {Fn("Max")}(z[i], 0);");
                break;
            case ActivationFunction.LeakyReLU:
                EmitElementWise(w, plan,
                    $"a = LeakyReLU(z) in place: z for z &gt; 0, else LeakyReLUSlope·z; {lanes}.",
                    "private", "LeakyReLU", parameters, "z",
                    setup: width =>
                    {
                        Reference();
                        Constant(width, "slope", $"{Vocabulary.Vector(width)}.Create(LeakyReLUSlope)");
                    },
                    vector: width =>
                    {
                        string vector = Vocabulary.Vector(width);
                        Load(width);
                        string v = Vocabulary.VectorOf(width, t);
                        w.Assign($"{v} positive", $"{vector}.GreaterThan(x, {v}.Zero)");
                        w.Assign($"{v} a", $"{vector}.ConditionalSelect(positive, x, x * slope)");
                        Store(width, "a");
                    },
                    scalar: "z[i] = z[i] > 0 ? z[i] : z[i] * LeakyReLUSlope;");
                break;
            case ActivationFunction.GELU:
                EmitGelu(w, plan, parameters, lanes);
                break;
            case ActivationFunction.SiLU:
                EmitElementWise(w, plan,
                    $"a = SiLU(z) = z·σ(z) = z / (1 + e^−z) in place, {lanes}.",
                    "private", "SiLU", parameters, "z",
                    setup: _ => Reference(),
                    vector: width =>
                    {
                        string v = Vocabulary.VectorOf(width, t);
                        Load(width);
                        w.Assign($"{v} a", $"x / ({v}.One + {Vocabulary.VectorExp(plan, width)}(-x))");
                        Store(width, "a");
                    },
                    scalar: $"z[i] = z[i] / ({one} + {Fn("Exp")}(-z[i]));");
                break;
            case ActivationFunction.Softmax:
                EmitSoftmax(w, plan, log: false);
                break;
            case ActivationFunction.LogSoftmax:
                EmitSoftmax(w, plan, log: true);
                break;
        }
    }

    /// <summary>
    /// a = GELU(z) = z·Φ(z) in place, Φ by <see cref="NormalDistributionEmitter"/>'s NormalCdf in double: a float network
    /// widens each vector into two of doubles and narrows the products, so that each a is rounded once.
    /// </summary>
    private static void EmitGelu(CodeWriter w, NetworkPlan plan, string[] parameters, string lanes)
    {
        string t = plan.T;
        bool single = plan.Model.Element == ElementKind.Single;
        EmitElementWise(w, plan,
            $"a = GELU(z) = z·Φ(z) = ½z(1 + erf(z/√2)) in place (PyTorch's exact GELU), Φ computed in double by NormalCdf, {lanes}.",
            "private", "GELU", parameters, "z",
            setup: _ => w.Line($"ref {t} r = ref {Vocabulary.Reference("z")};"),
            vector: width =>
            {
                string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t), vd = Vocabulary.VectorOf(width, "double");
                w.Assign($"{v} x", $"{vector}.LoadUnsafe(ref r, {I})");
                if (single)
                {
                    w.Line("// The float lanes as doubles, two vectors of them.");
                    w.Line($"({vd} lower, {vd} upper) = {vector}.Widen(x);");
                    w.Assign($"{v} a", $"{vector}.Narrow(lower * NormalCdf(lower), upper * NormalCdf(upper))");
                }
                else
                {
                    w.Assign($"{v} a", "x * NormalCdf(x)");
                }
                w.Line($"{vector}.StoreUnsafe(a, ref r, {I});");
            },
            scalar: single ? "z[i] = (float)(z[i] * NormalCdf(z[i]));" : "z[i] *= NormalCdf(z[i]);");
    }

    /// <summary>
    /// Softmax, or log-softmax, over one sample's output vector (every size a constant: it is only ever the output
    /// layer): max, e^(z − max), sum, then divide (softmax), or subtract max and the sum's logarithm (log-softmax, whose
    /// exponentials are summed and not kept). Vectorised over the whole vectors when the output layer is at least one
    /// vector wide, with a scalar tail; scalar loops otherwise.
    /// </summary>
    private static void EmitSoftmax(CodeWriter w, NetworkPlan plan, bool log)
    {
        NetworkModel m = plan.Model;
        string t = plan.T;
        string Fn(string function) => Vocabulary.MathFunction(plan, function);
        int n = plan.Output.OutputSize;
        Bound size = Bound.Size(n, plan.Output.Out);
        w.Line();
        w.Line("/// <summary>");
        if (log)
        {
            w.Line($"/// a = log softmax(z) in place over one sample's {plan.Output.Out} outputs: a_j = (z_j − max z) − log Σ_k e^(z_k − max z), which equals");
            w.Line("/// z_j − log Σ_k e^(z_k) in exact arithmetic. With the max subtracted every exponent is ≤ 0, so no e^z overflows");
            w.Line("/// (z = ±1000 gives finite outputs), and the largest term is e^0 = 1, so the sum is at least 1 and its logarithm finite.");
        }
        else
        {
            w.Line($"/// a = softmax(z) in place over one sample's {plan.Output.Out} outputs: a_j = e^(z_j − max z) / Σ_k e^(z_k − max z), which equals");
            w.Line("/// e^(z_j) / Σ_k e^(z_k) in exact arithmetic. With the max subtracted every exponent is ≤ 0, so no e^z overflows");
            w.Line("/// (z = ±1000 gives finite outputs), and the largest term is e^0 = 1, so the sum is at least 1.");
        }
        w.Line("/// </summary>");
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"private static void {(log ? "LogSoftmax" : "Softmax")}", $"{Vocabulary.SpanOf(t)} z"))
        {
            void Exponentials(Bound from)
            {
                w.For("i", from, size, 1, "output", i =>
                {
                    if (log)
                    {
                        w.Line($"sum += {Fn("Exp")}(z[{i}] - max);");
                        return;
                    }
                    w.Line($"z[{i}] = {Fn("Exp")}(z[{i}] - max);");
                    w.Line($"sum += z[{i}];");
                });
            }

            // The last pass of the scalar loops (and the scalar tail): divide by the sum, or subtract max and log sum.
            void Finish(Bound from)
            {
                if (log) w.ForLine("i", from, size, 1, i => $"z[{i}] = (z[{i}] - max) - logSum;");
                else w.ForLine("i", from, size, 1, i => $"z[{i}] /= sum;");
            }

            void Scalar()
            {
                w.Line($"{t} max = z[0];");
                w.ForLine("i", Bound.Number(1), size, 1, i => $"max = {Fn("Max")}(max, z[{i}]);");
                w.Line($"{t} sum = 0;");
                Exponentials(Bound.Zero);
                if (log) w.Line($"{t} logSum = {Fn("Log")}(sum);");
                Finish(Bound.Zero);
            }
            if (plan.Widths.Count == 0)
            {
                Scalar();
                return;
            }
            if (plan.Int8 && log)
            {
                w.Line("// An int8 network sums in one order on every kernel path (its outputs are the same bits everywhere): scalar loops.");
                Scalar();
                return;
            }
            int narrowest = plan.Widths.Min(width => plan.LanesOf(width));
            if (n < narrowest)
            {
                w.Line($"// Narrower than one vector ({n} < {narrowest} lanes): scalar loops on every kernel path.");
                Scalar();
                return;
            }
            Vocabulary.SimdOrScalar(w, plan, Scalar, width =>
            {
                string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
                int lanes = plan.LanesOf(width);
                if (n < lanes)
                {
                    w.Line($"// Narrower than one {width.Name} ({n} < {lanes} lanes): the scalar loops.");
                    Scalar();
                    return;
                }
                Bound whole = Bound.WholeSteps(n, plan.Output.Out, lanes);
                string Load(LoopIndex i) => i.Offset() == "0" ? $"{vector}.LoadUnsafe(ref r)" : $"{vector}.LoadUnsafe(ref r, {i.Offset()})";
                string Store(string value, LoopIndex i) => i.Offset() == "0" ? $"{vector}.StoreUnsafe({value}, ref r);" : $"{vector}.StoreUnsafe({value}, ref r, {i.Offset()});";
                if (plan.Int8)
                {
                    w.Line("// An int8 network's outputs are the same bits on every kernel path: max and the sum in one order (scalar loops),");
                    w.Line("// each e^(z − max) and each quotient lane by lane (the same operations as the scalar forms).");
                    w.Line($"ref {t} r = ref {Vocabulary.Reference("z")};");
                    w.Line($"{t} max = z[0];");
                    w.ForLine("i", Bound.Number(1), size, 1, i => $"max = {Fn("Max")}(max, z[{i}]);");
                    w.Line("// e^(z − max) in place.");
                    w.Assign($"{v} shift", $"{vector}.Create(max)");
                    w.For("i", Bound.Zero, whole, lanes, "vector", i => w.Line(Store($"{Vocabulary.VectorExp(plan, width)}({Load(i)} - shift)", i)));
                    w.ForLine("i", whole, size, 1, i => $"z[{i}] = {Fn("Exp")}(z[{i}] - max);");
                    w.Line($"{t} sum = 0;");
                    w.ForLine("i", Bound.Zero, size, 1, i => $"sum += z[{i}];");
                    w.Line("// Divide by the sum.");
                    w.Line($"{v} total = {vector}.Create(sum);");
                    w.For("i", Bound.Zero, whole, lanes, "vector", i => w.Line(Store($"{Load(i)} / total", i)));
                    Finish(whole);
                    return;
                }
                w.Line($"ref {t} r = ref {Vocabulary.Reference("z")};");
                w.Line(whole.Value == n
                    ? "// max z: lane by lane over the whole vectors, then across the lanes."
                    : "// max z: lane by lane over the whole vectors, then across the lanes and the scalar tail.");
                w.Line($"{v} lanesMax = {vector}.LoadUnsafe(ref r);");
                w.ForLine("i", Bound.Number(lanes), whole, lanes, i => $"lanesMax = {vector}.Max(lanesMax, {Load(i)});");
                w.Line($"{t} max = {vector}.GetElement(lanesMax, 0);");
                w.ForLine("k", Bound.Number(1), Bound.Size(lanes, $"{v}.Count"), 1, k => $"max = {Fn("Max")}(max, {vector}.GetElement(lanesMax, {k}));");
                w.ForLine("i", whole, size, 1, i => $"max = {Fn("Max")}(max, z[{i}]);");
                w.Line(log ? "// The sum of e^(z − max), z left as it is." : "// e^(z − max) in place, and their sum.");
                w.Assign($"{v} shift", $"{vector}.Create(max)");
                w.Line($"{v} sums = default;");
                w.For("i", Bound.Zero, whole, lanes, "vector", i =>
                {
                    w.Assign($"{v} e", $"{Vocabulary.VectorExp(plan, width)}({Load(i)} - shift)");
                    if (!log) w.Line(Store("e", i));
                    w.Line("sums += e;");
                });
                w.Line($"{t} sum = {vector}.Sum(sums);");
                Exponentials(whole);
                if (log)
                {
                    w.Line("// Subtract max, then the sum's logarithm.");
                    w.Line($"{t} logSum = {Fn("Log")}(sum);");
                    w.Assign($"{v} logSums", $"{vector}.Create(logSum)");
                    w.For("i", Bound.Zero, whole, lanes, "vector", i =>
                    {
                        w.Line($"{v} difference = ({Load(i)} - shift) - logSums;");
                        w.Line(Store("difference", i));
                    });
                }
                else
                {
                    w.Line("// Divide by the sum.");
                    w.Line($"{v} total = {vector}.Create(sum);");
                    w.For("i", Bound.Zero, whole, lanes, "vector", i =>
                    {
                        w.Line($"{v} quotient = {Load(i)} / total;");
                        w.Line(Store("quotient", i));
                    });
                }
                Finish(whole);
            });
        }
    }

    /// <summary>The lanes per step of every width, for a summary: <c>8 lanes (Vector256) or 4 (Vector128)</c>.</summary>
    private static string LanesInProse(NetworkPlan plan) => plan.Widths.Count == 0
        ? "one by one"
        : string.Join(" or ", plan.Widths.Select((width, i) => $"{plan.LanesOf(width)}{(i == 0 ? " lanes" : "")} ({width.Name})")) + " at a time, then the rest one by one";

    /// <summary>δ ← δ ⊙ f'(z) for a hidden layer's activation f, with f' written through the activations a = f(z).</summary>
    private static void EmitDerivative(CodeWriter w, NetworkPlan plan, ActivationFunction activation)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, one = m.Literal("1");
        string name = Vocabulary.DerivativeKernel(activation);
        string[] parameters = { $"{Vocabulary.ReadOnlySpanOf(t)} a", $"{Vocabulary.SpanOf(t)} delta" };

        // Each path: references to a and δ (and the slope of leaky ReLU); per vector, x = a and d = δ loaded, the new δ stored.
        Action<SimdWidth> Setup(bool slope = false) => width =>
        {
            w.Line($"ref {t} ra = ref {Vocabulary.Reference("a.Slice(0, delta.Length)")};");
            w.Line($"ref {t} rd = ref {Vocabulary.Reference("delta")};");
            if (slope) w.Line($"{Vocabulary.VectorOf(width, t)} slope = {Vocabulary.Vector(width)}.Create(LeakyReLUSlope);");
        };
        Action<SimdWidth> Vector(Func<string, string, string> product, bool positive = false) => width =>
        {
            string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
            w.Assign($"{v} x", $"{vector}.LoadUnsafe(ref ra, {I})");
            w.Assign($"{v} d", $"{vector}.LoadUnsafe(ref rd, {I})");
            if (positive) w.Assign($"{v} positive", $"{vector}.GreaterThan(x, {v}.Zero)");   // where a > 0, exactly where z > 0
            w.Assign($"{v} product", product(vector, v));
            w.Line($"{vector}.StoreUnsafe(product, ref rd, {I});");
        };
        switch (activation)
        {
            case ActivationFunction.Sigmoid:
                EmitElementWise(w, plan, "δ ← δ ⊙ σ'(z), where σ'(z) = a ⊙ (1 − a) for the activations a = σ(z).", "private", name, parameters, "delta",
                    setup: Setup(),
                    vector: Vector((_, v) => $"d * x * ({v}.One - x)"),
                    scalar: $"delta[i] *= a[i] * ({one} - a[i]);");
                break;
            case ActivationFunction.Tanh:
                EmitElementWise(w, plan, "δ ← δ ⊙ tanh'(z), where tanh'(z) = 1 − a² for the activations a = tanh(z).", "private", name, parameters, "delta",
                    setup: Setup(),
                    vector: Vector((_, v) => $"d * ({v}.One - x * x)"),
                    scalar: $"delta[i] *= {one} - a[i] * a[i];");
                break;
            case ActivationFunction.ReLU:
                EmitElementWise(w, plan,
                    "δ ← δ ⊙ ReLU'(z), where ReLU'(z) = 1 where a = ReLU(z) &gt; 0, else 0. At z = 0 exactly (a = 0) the derivative is taken as 0, as PyTorch does.",
                    "private", name, parameters, "delta",
                    setup: Setup(),
                    vector: Vector((vector, v) => $"{vector}.ConditionalSelect(positive, d, {v}.Zero)", positive: true),
                    scalar: "delta[i] = a[i] > 0 ? delta[i] : 0;");
                break;
            case ActivationFunction.LeakyReLU:
                EmitElementWise(w, plan,
                    "δ ← δ ⊙ LeakyReLU'(z), where LeakyReLU'(z) = 1 where a = LeakyReLU(z) &gt; 0 (exactly where z &gt; 0), else LeakyReLUSlope (at z = 0 too).",
                    "private", name, parameters, "delta",
                    setup: Setup(slope: true),
                    vector: Vector((vector, v) => $"d * {vector}.ConditionalSelect(positive, {v}.One, slope)", positive: true),
                    scalar: $"delta[i] *= a[i] > 0 ? {one} : LeakyReLUSlope;");
                break;
            case ActivationFunction.GELU:
                EmitGeluDerivative(w, plan, name);
                break;
            case ActivationFunction.SiLU:
                EmitElementWise(w, plan,
                    "δ ← δ ⊙ SiLU'(z), where SiLU'(z) = σ(z)(1 + z(1 − σ(z))), from z itself (SiLU's a does not tell z: it dips below 0 and comes back).",
                    "private", name, new[] { $"{Vocabulary.ReadOnlySpanOf(t)} z", $"{Vocabulary.SpanOf(t)} delta" }, "delta",
                    setup: _ =>
                    {
                        w.Line($"ref {t} rz = ref {Vocabulary.Reference("z.Slice(0, delta.Length)")};");
                        w.Line($"ref {t} rd = ref {Vocabulary.Reference("delta")};");
                    },
                    vector: width =>
                    {
                        string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t);
                        w.Assign($"{v} x", $"{vector}.LoadUnsafe(ref rz, {I})");
                        w.Assign($"{v} d", $"{vector}.LoadUnsafe(ref rd, {I})");
                        w.Assign($"{v} sigma", $"{v}.One / ({v}.One + {Vocabulary.VectorExp(plan, width)}(-x))");
                        w.Assign($"{v} product", $"d * (sigma * ({v}.One + x * ({v}.One - sigma)))");
                        w.Line($"{vector}.StoreUnsafe(product, ref rd, {I});");
                    },
                    $"{t} sigma = {one} / ({one} + {Vocabulary.MathFunction(plan, "Exp")}(-z[i]));",
                    $"delta[i] *= sigma * ({one} + z[i] * ({one} - sigma));");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "not a hidden layer's activation");
        }
    }

    /// <summary>
    /// δ ← δ ⊙ GELU'(z), GELU'(z) = Φ(z) + z·φ(z), from z itself (GELU's a does not tell z: it dips below 0 and comes back),
    /// Φ and φ in double as the forward kernel computes them; a float network rounds the derivative to float once.
    /// </summary>
    private static void EmitGeluDerivative(CodeWriter w, NetworkPlan plan, string name)
    {
        string t = plan.T;
        bool single = plan.Model.Element == ElementKind.Single;
        EmitElementWise(w, plan,
            "δ ← δ ⊙ GELU'(z), where GELU'(z) = Φ(z) + z·φ(z), from z itself (GELU's a does not tell z: it dips below 0 and comes back); Φ and φ in double.",
            "private", name, new[] { $"{Vocabulary.ReadOnlySpanOf(t)} z", $"{Vocabulary.SpanOf(t)} delta" }, "delta",
            setup: _ =>
            {
                w.Line($"ref {t} rz = ref {Vocabulary.Reference("z.Slice(0, delta.Length)")};");
                w.Line($"ref {t} rd = ref {Vocabulary.Reference("delta")};");
            },
            vector: width =>
            {
                string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t), vd = Vocabulary.VectorOf(width, "double");
                w.Assign($"{v} x", $"{vector}.LoadUnsafe(ref rz, {I})");
                w.Assign($"{v} d", $"{vector}.LoadUnsafe(ref rd, {I})");
                if (single)
                {
                    w.Line($"({vd} lower, {vd} upper) = {vector}.Widen(x);");
                    w.Line($"{vd} lowerDerivative = NormalCdf(lower) + lower * NormalDensity(lower);");
                    w.Line($"{vd} upperDerivative = NormalCdf(upper) + upper * NormalDensity(upper);");
                    w.Line($"{v} derivative = {vector}.Narrow(lowerDerivative, upperDerivative);");
                }
                else
                {
                    w.Assign($"{v} derivative", "NormalCdf(x) + x * NormalDensity(x)");
                }
                w.Line($"{vector}.StoreUnsafe(d * derivative, ref rd, {I});");
            },
            single ? "delta[i] *= (float)(NormalCdf(z[i]) + z[i] * NormalDensity(z[i]));" : "delta[i] *= NormalCdf(z[i]) + z[i] * NormalDensity(z[i]);");
    }

    /// <summary>The cost of one sample, and the output error δL = ∂C/∂zL for the network's output activation and cost.</summary>
    private static void EmitOutputError(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, readOnlySpan = Vocabulary.ReadOnlySpanOf(t);
        string one = m.Literal("1");
        string log = Vocabulary.MathFunction(plan, "Log");
        Bound outputs = Bound.Size(plan.Output.OutputSize, plan.Output.Out);
        ActivationFunction activation = plan.Output.Activation;
        CostFunction cost = m.Cost;
        void EachOutput(Action<LoopIndex> body) => w.For("i", Bound.Zero, outputs, 1, "output", body);

        w.Line();
        w.Summary($"C = {Vocabulary.CostFormula(cost, "a", activation)}, the {Vocabulary.CostName(cost)} cost of one sample's output activations a against its targets y"
            + (activation == ActivationFunction.LogSoftmax ? " (a = ln p: log-softmax's outputs are the logarithms already)." : "."));
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"private static {t} SampleCost", $"{readOnlySpan} a", $"{readOnlySpan} y"))
        {
            w.Line($"{t} cost = 0;");
            EachOutput(i =>
            {
                switch (cost)
                {
                    case CostFunction.Quadratic:
                        w.Line($"{t} difference = a[{i}] - y[{i}];");
                        w.Line("cost += difference * difference;");
                        break;
                    case CostFunction.CrossEntropy:
                        w.Line("// Terms with a zero weight are skipped, so that a saturated output (a = 0 or 1) gives 0·ln 0 = 0, not NaN.");
                        w.Line($"if (y[{i}] != 0) cost -= y[{i}] * {log}(a[{i}]);");
                        w.Line($"if (y[{i}] != {one}) cost -= ({one} - y[{i}]) * {log}({one} - a[{i}]);");
                        break;
                    case CostFunction.LogLikelihood when activation == ActivationFunction.LogSoftmax:
                        w.Line($"cost -= y[{i}] * a[{i}];");
                        break;
                    default:
                        w.Line("// Terms with y = 0 are skipped, so that an output that underflowed to a = 0 gives 0·ln 0 = 0, not NaN.");
                        w.Line($"if (y[{i}] != 0) cost -= y[{i}] * {log}(a[{i}]);");
                        break;
                }
            });
            w.Line(cost == CostFunction.Quadratic ? $"return {m.Literal("0.5")} * cost;" : "return cost;");
        }

        w.Line();
        w.Summary($"δL = ∂C/∂zL = {Vocabulary.OutputErrorFormula(activation, cost, "a")} for the {Vocabulary.ActivationName(activation)} output and the "
            + $"{Vocabulary.CostName(cost)} cost, from one sample's output activations a and targets y.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method("private static void OutputError", $"{readOnlySpan} a", $"{readOnlySpan} y", $"{Vocabulary.SpanOf(t)} delta"))
        {
            switch (activation, cost)
            {
                case (ActivationFunction.Sigmoid, CostFunction.Quadratic):
                    w.Line("// ∂C/∂a = a − y, times σ'(z) = a(1 − a).");
                    EachOutput(i => w.Line($"delta[{i}] = (a[{i}] - y[{i}]) * a[{i}] * ({one} - a[{i}]);"));
                    break;
                case (ActivationFunction.Sigmoid, CostFunction.CrossEntropy):
                    w.Line("// ∂C/∂a = (a − y) / (a(1 − a)) cancels σ'(z) = a(1 − a): no learning slowdown when a saturates.");
                    EachOutput(i => w.Line($"delta[{i}] = a[{i}] - y[{i}];"));
                    break;
                case (ActivationFunction.Softmax, CostFunction.LogLikelihood):
                    w.Line("// ∂C/∂a_k = −y_k / a_k through softmax's Jacobian ∂a_k/∂z_j = a_k(δ_jk − a_j) gives a_j·Σ_k y_k − y_j,");
                    w.Line("// which is a_j − y_j for targets that sum to 1 (one-hot, or a distribution).");
                    EachOutput(i => w.Line($"delta[{i}] = a[{i}] - y[{i}];"));
                    break;
                case (ActivationFunction.Softmax, CostFunction.Quadratic):
                    w.Line("// ∂C/∂a = d = a − y; through softmax's Jacobian ∂a_k/∂z_j = a_k(δ_jk − a_j): δ_j = a_j·(d_j − Σ_k d_k a_k).");
                    w.Line($"{t} dot = 0;");
                    w.ForLine("k", Bound.Zero, outputs, 1, k => $"dot += (a[{k}] - y[{k}]) * a[{k}];");
                    w.ForLine("i", Bound.Zero, outputs, 1, i => $"delta[{i}] = a[{i}] * ((a[{i}] - y[{i}]) - dot);");
                    break;
                case (ActivationFunction.LogSoftmax, CostFunction.LogLikelihood):
                    w.Line("// a = ln p for p = softmax(z), so C = −Σ_k y_k a_k and ∂a_k/∂z_j = δ_jk − p_j: δ_j = p_j·Σ_k y_k − y_j,");
                    w.Line("// which is p_j − y_j = e^(a_j) − y_j for targets that sum to 1 (one-hot, or a distribution).");
                    EachOutput(i => w.Line($"delta[{i}] = {Vocabulary.MathFunction(plan, "Exp")}(a[{i}]) - y[{i}];"));
                    break;
                case (ActivationFunction.Identity, CostFunction.Quadratic):
                    w.Line("// ∂C/∂a = a − y, and the identity's derivative is 1.");
                    EachOutput(i => w.Line($"delta[{i}] = a[{i}] - y[{i}];"));
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
        string t = plan.T, span = Vocabulary.SpanOf(t), random = Vocabulary.Random, math = Vocabulary.Math;
        const string u1 = "double u1 = 1.0 - random.NextDouble();   // in (0, 1]: the logarithm stays finite";
        const string u2 = "double u2 = random.NextDouble();";
        string z = $"{math}.Sqrt(-2.0 * {math}.Log(u1)) * {math}.Cos(2.0 * {math}.PI * u2)";
        string seeded = $"{random} random = new {random}(seed);";
        w.Line();
        if (plan.StandardNormalEverywhere)
        {
            w.Summary($"Fills p with draws from N(0, 1) (Box–Muller on a seeded <see cref=\"{random}\"/>), as network.py initialises.");
            w.Line(Vocabulary.NotForSecurity);
            using (w.Method("public static void InitializeStandardNormal", $"{span} p", "int seed"))
            {
                w.Line(seeded);
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
        w.Line($"/// Fills p with one N(0, 1) draw z per parameter, in layout order (Box–Muller on a seeded <see cref=\"{random}\"/>,");
        w.Line("/// as network.py draws), each scaled per layer (in double, then rounded once):");
        w.Line("/// <code>");
        foreach (LayerPlan layer in plan.Layers) w.Line($"/// {InitLine(layer)}");
        w.Line("/// </code>");
        w.Line("/// </summary>");
        using (w.Method("public static void Initialize", $"{span} p", "int seed"))
        {
            w.Line(seeded);
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
        w.Summary("p_i = z_i · scale for fresh N(0, 1) draws z_i (Box–Muller), scale in double: scale 1 gives network.py's bits, scale 0 gives +0.");
        w.Line(Vocabulary.NotForSecurity);
        using (w.Method("private static void DrawNormal", $"{span} p", $"{random} random", "double scale"))
        using (w.Block("for (int i = 0; i < p.Length; i++)"))
        {
            w.Line(u1);
            w.Line(u2);
            w.Line($"double z = {z};");
            w.Line("// A zero scale gives +0, not the −0 of a negative z times 0.");
            w.Line($"p[i] = scale == 0.0 ? 0 : ({t})(z * scale);");
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
