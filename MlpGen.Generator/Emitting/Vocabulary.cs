using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// The words every emitter shares: the attribute on hot kernels, the one SIMD-or-scalar switch, the
/// cost's formulas in prose, and text helpers. A leaf: it reads the model, never another emitter.
/// </summary>
internal static class Vocabulary
{
    /// <summary>Generator version, written into <c>[GeneratedCode]</c>.</summary>
    public const string Version = "0.1.0";

    // ---- The framework's names, qualified ----------------------------------------------------------------------
    // Generated code never names a framework type through a using directive or a contextual keyword: a user's type of
    // the same name (a MathF or a Vector256<T> declared in MlpGen.Generated, a type named var or nuint) would be found
    // first and take its place. The kernels' namespace block declares an alias for each framework namespace they use
    // (Aliases) and names every framework type as Alias::Type: the :: form looks only at aliases, never at types or
    // namespaces, so nothing the user declares can stand in for it, and the kernels stay readable. The user's own
    // class (in the user's namespace, or in none) names them from global:: instead (Global). These constants are the
    // only place the names are spelled.

    /// <summary>
    /// The aliases of the framework namespaces the kernels of <paramref name="plan"/> name, declared at the top of their
    /// namespace block: all of <see cref="Aliases"/>, less <c>Intrinsics</c> where the framework has no vectors (an alias of
    /// a namespace that does not exist is an error), and <c>X86</c> only where int8 kernels name AVX2's instructions.
    /// </summary>
    public static IEnumerable<(string Alias, string Namespace)> AliasesOf(NetworkPlan plan) =>
        Aliases.Where(alias => alias.Alias switch
        {
            "Intrinsics" => plan.Target.HasVectors,
            "X86" => plan.Target.HasVectors && plan.Int8,   // only the int8 kernels call x86 instructions by name (AVX2's byte multiply-adds)
            _ => true,
        });

    /// <summary>The aliases of the framework namespaces the kernels name.</summary>
    public static IReadOnlyList<(string Alias, string Namespace)> Aliases { get; } = new[]
    {
        ("System", "global::System"),
        ("CompilerServices", "global::System.Runtime.CompilerServices"),
        ("InteropServices", "global::System.Runtime.InteropServices"),
        ("Intrinsics", "global::System.Runtime.Intrinsics"),
        ("X86", "global::System.Runtime.Intrinsics.X86"),
        ("CodeAnalysis", "global::System.Diagnostics.CodeAnalysis"),
    };

    public const string Span = "System::Span";
    public const string ReadOnlySpan = "System::ReadOnlySpan";
    public const string Math = "System::Math";
    public const string MathF = "System::MathF";
    public const string Random = "System::Random";
    public const string Guid = "System::Guid";
    public const string BitConverter = "System::BitConverter";
    public const string ArgumentException = "System::ArgumentException";
    public const string ArgumentOutOfRangeException = "System::ArgumentOutOfRangeException";
    public const string Memory = "System::Memory";
    public const string ReadOnlyMemory = "System::ReadOnlyMemory";

    /// <summary>
    /// <c>System.Threading.Tasks.Parallel</c>, from <c>global::</c>: only the user's class names it (the parallel PredictBatch),
    /// so it has no alias in the kernels' block.
    /// </summary>
    public const string Parallel = "global::System.Threading.Tasks.Parallel";

    /// <summary><c>System.Threading.Interlocked</c>, from <c>global::</c>, for the same reason as <see cref="Parallel"/>.</summary>
    public const string Interlocked = "global::System.Threading.Interlocked";

    /// <summary><c>System.Threading.Volatile</c>, from <c>global::</c>, for the same reason as <see cref="Parallel"/>.</summary>
    public const string Volatile = "global::System.Threading.Volatile";

    public const string GC = "System::GC";
    public const string Unsafe = "CompilerServices::Unsafe";
    public const string MemoryMarshal = "InteropServices::MemoryMarshal";
    public const string Marshal = "InteropServices::Marshal";

    // Reading baked parameters from an embedded resource (BakedWeightsEmitter); System's namespaces through its alias.
    public const string InvalidOperationException = "System::InvalidOperationException";
    public const string Stream = "System::IO.Stream";
    public const string BinaryPrimitives = "System::Buffers.Binary.BinaryPrimitives";

    /// <summary>
    /// A name of the kernels' vocabulary (<c>System::Span&lt;float&gt;</c>) as code outside their namespace block writes it,
    /// from <c>global::</c> (<c>global::System.Span&lt;float&gt;</c>).
    /// </summary>
    public static string Global(string text)
    {
        foreach ((string alias, string ns) in Aliases) text = text.Replace(alias + "::", ns + ".");
        return text;
    }

    /// <summary>
    /// Put on every kernel: the JIT compiles it fully optimised at its first call, instead of running
    /// unoptimised code until tiering catches up (which made the first training epoch several times slower).
    /// </summary>
    public const string Hot = "[CompilerServices::MethodImpl(CompilerServices::MethodImplOptions.AggressiveOptimization)]";

    /// <summary>
    /// Put on the SIMD layer kernels instead of <see cref="Hot"/>: also never inlined. A layer whose loops would each run
    /// once is written loop-free, and the JIT then inlined it into Predict, whose inlining budget no longer covered the
    /// output's activation kernel: 4-8-3 with CodeShape = Simd predicted 8% slower. As a call of its own, whatever loops
    /// it has, a layer leaves the caller's inlining as it was.
    /// </summary>
    public const string HotLayer =
        "[CompilerServices::MethodImpl(CompilerServices::MethodImplOptions.AggressiveOptimization | CompilerServices::MethodImplOptions.NoInlining)]";

    /// <summary>
    /// Put on the helper classes (kernels, baked weights) where they cannot be file-local (below C# 11): internal, they
    /// are visible to the user's code, and this keeps them out of IntelliSense's completion lists.
    /// </summary>
    public const string NotBrowsable = "[System::ComponentModel.EditorBrowsable(System::ComponentModel.EditorBrowsableState.Never)]";

    /// <summary>
    /// Opens a helper class (kernels, baked weights) of the plan's network: <c>file static class NetKernels</c>, or below
    /// C# 11 an internal class named after the network's full name and kept out of IntelliSense.
    /// </summary>
    public static CodeWriter.Scope HelperClass(CodeWriter w, NetworkPlan plan, string name)
    {
        if (!plan.Target.FileLocalTypes) w.Line(NotBrowsable);
        return w.Block($"{plan.HelperDeclaration} {name}");
    }

    /// <summary>
    /// Writes the attribute of a kernel: <see cref="Hot"/>, or <see cref="HotLayer"/> for a SIMD layer kernel
    /// (<paramref name="layer"/>). Where the framework has no <c>AggressiveOptimization</c> (netstandard2.0: .NET Framework
    /// and Mono, which have no tiered compilation), a layer kernel keeps only <c>NoInlining</c> and the others nothing.
    /// </summary>
    public static void WriteHot(CodeWriter w, NetworkPlan plan, bool layer = false)
    {
        if (plan.Target.AggressiveOptimization) w.Line(layer ? HotLayer : Hot);
        else if (layer) w.Line("[CompilerServices::MethodImpl(CompilerServices::MethodImplOptions.NoInlining)]");
    }

    /// <summary>Put on the kernel class where unsafe code is allowed: stack buffers are not zeroed first.</summary>
    public const string SkipLocalsInit = "[CompilerServices::SkipLocalsInit]";

    /// <summary>
    /// Put on the members that draw the initial parameters from <c>System.Random</c>: the security analyzer CA5394 looks
    /// inside generated code on purpose (the auto-generated header does not exclude it), and these draws are no secret.
    /// </summary>
    public const string NotForSecurity =
        "[CodeAnalysis::SuppressMessage(\"Security\", \"CA5394\", Justification = \"Seeded initial weights, not secrets.\")]";

    /// <summary>The vector class of a width, for its static methods: <c>Intrinsics::Vector256</c>.</summary>
    public static string Vector(SimdWidth width) => $"Intrinsics::{width.Name}";

    /// <summary>The vector type of a width and an element type: <c>Intrinsics::Vector256&lt;float&gt;</c>.</summary>
    public static string VectorOf(SimdWidth width, string element) => $"{Vector(width)}<{element}>";

    /// <summary>
    /// A function of the math class for the network's element type, to be called with its arguments:
    /// <c>System::MathF.Exp</c> for float, <c>System::Math.Exp</c> for double. netstandard2.0 has no <c>MathF</c>: a float
    /// network calls <c>Math</c> there, and rounds the double result (<c>(float)System::Math.Exp</c>) where the function
    /// has no float overload (all but Abs, Max and Min).
    /// </summary>
    public static string MathFunction(NetworkPlan plan, string function)
    {
        // An int8 network's exponential is the kernels' own on every path (VectorMathEmitter), one value at a time here.
        if (function == "Exp" && plan.Int8) return "Exp";
        if (plan.Model.Element == ElementKind.Double) return $"{Math}.{function}";
        if (plan.Target.ModernBcl) return $"{MathF}.{function}";
        return function is "Abs" or "Max" or "Min" ? $"{Math}.{function}" : $"(float){Math}.{function}";
    }

    /// <summary>
    /// a·b + c for scalars, rounded once: <c>MathF.FusedMultiplyAdd</c> or <c>Math.FusedMultiplyAdd</c>. netstandard2.0 has
    /// neither: a float network computes in double there (a·b of two floats is exact in double, so only the sum is
    /// rounded, then the result to float); a double network rounds the product and the sum.
    /// </summary>
    public static string ScalarFusedMultiplyAdd(NetworkPlan plan, string a, string b, string c)
    {
        if (plan.Target.ModernBcl) return $"{MathFunction(plan, "FusedMultiplyAdd")}({a}, {b}, {c})";
        return plan.Model.Element == ElementKind.Single ? $"(float)((double){a} * {b} + {c})" : $"{a} * {b} + {c}";
    }

    /// <summary>e^x on vectors of <paramref name="width"/>, to be called with x: the framework's (.NET 9), or the kernels' own (<see cref="VectorMathEmitter"/>).</summary>
    public static string VectorExp(NetworkPlan plan, SimdWidth width) => plan.OwnExp ? "Exp" : $"{Vector(width)}.Exp";

    /// <summary>a·b + c on vectors of <paramref name="width"/>, each element rounded once, to be called with a, b, c: the framework's (.NET 9), or the kernels' own.</summary>
    public static string VectorFusedMultiplyAdd(NetworkPlan plan, SimdWidth width) => plan.Target.OwnVectorMath ? "FusedMultiplyAdd" : $"{Vector(width)}.FusedMultiplyAdd";

    /// <summary><c>System::Span&lt;float&gt;</c>.</summary>
    public static string SpanOf(string element) => $"{Span}<{element}>";

    /// <summary><c>System::ReadOnlySpan&lt;float&gt;</c>.</summary>
    public static string ReadOnlySpanOf(string element) => $"{ReadOnlySpan}<{element}>";

    /// <summary>
    /// The element at <paramref name="offset"/> from a reference, as a reference: <c>Unsafe.Add(ref r, offset)</c>, or
    /// just <c>r</c> at offset 0.
    /// </summary>
    public static string At(string reference, string offset) => offset == "0" ? reference : $"{Unsafe}.Add(ref {reference}, {offset})";

    /// <summary>A reference to the first element of a span: <c>MemoryMarshal.GetReference(span)</c>.</summary>
    public static string Reference(string span) => $"{MemoryMarshal}.GetReference({span})";

    /// <summary>A sum of terms as short as it can be said: terms <c>0</c> left out, <c>0</c> when none is left.</summary>
    public static string Sum(params string[] terms)
    {
        string[] kept = Array.FindAll(terms, term => term != "0");
        return kept.Length == 0 ? "0" : string.Join(" + ", kept);
    }

    /// <summary>
    /// Writes the switch every kernel makes between its paths, widest first:
    /// <c>if (Vector256.IsHardwareAccelerated) { … } else if (Vector128.IsHardwareAccelerated) { … } else { scalar }</c>.
    /// The conditions are constants to the JIT (and to NativeAOT's compiler), so only one path is compiled: Vector256
    /// code with AVX2, Vector128 code where only 128-bit SIMD is accelerated (NativeAOT's default x64 target, Arm64's
    /// NEON, WebAssembly's SIMD128), plain scalar loops where there is no SIMD. <paramref name="simd"/> writes the
    /// body of one width; it is called once per width of <see cref="NetworkPlan.Widths"/>. Where the framework has no
    /// vectors, only the scalar body is written, with no condition.
    /// </summary>
    public static void SimdOrScalar(CodeWriter w, NetworkPlan plan, Action scalar, Action<SimdWidth> simd)
    {
        if (plan.Widths.Count == 0)
        {
            // No vectors on this framework: the scalar path is the only one.
            scalar();
            return;
        }
        for (int i = 0; i < plan.Widths.Count; i++)
        {
            SimdWidth width = plan.Widths[i];
            string condition = $"{(i == 0 ? "if" : "else if")} ({Vector(width)}.IsHardwareAccelerated)";
            string comment = i == 0 ? "   // constants to the JIT: only one of the paths is compiled" : "";
            using (w.Block(condition + comment)) simd(width);
        }
        using (w.Block("else")) scalar();
    }

    /// <summary>Put on the network class: which tool wrote it.</summary>
    public const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"MlpGen.Generator\", \"" + Version + "\")]";

    /// <summary>
    /// a·b + c on vectors of <paramref name="width"/>, for the sums of products in the layer kernels:
    /// <c>MultiplyAddEstimate</c>, one fused multiply-add instruction where the machine has one (FMA3 on x64, NEON on
    /// Arm64), else a multiply and an add. <c>FusedMultiplyAdd</c> would instead fall back to software emulation, element
    /// by element, where there is no FMA instruction (NativeAOT's default x64 target has none), which measured slower
    /// than the scalar loops. Which of the two it is is fixed per machine when the code is compiled, and every kernel
    /// (single sample, grouped, training) uses it alike, so Predict and PredictBatch still agree bit for bit.
    /// This covers the layer sums only: the generated <c>Descend</c> (the descent step, <see cref="HelperEmitter"/>)
    /// deliberately keeps <c>FusedMultiplyAdd</c> on every path, one rounding per element as the runtime's
    /// <c>ParameterUpdate</c> has, so on an x64 CPU without FMA (and in NativeAOT's default x64 build) its
    /// Vector128 form is software-emulated element by element.
    /// </summary>
    /// On .NET 8 the kernels declare their own <c>MultiplyAddEstimate</c> of the same meaning (<see cref="VectorMathEmitter"/>).
    public static string MultiplyAdd(NetworkPlan plan, SimdWidth width, string a, string b, string c) =>
        plan.Target.OwnVectorMath ? $"MultiplyAddEstimate({a}, {b}, {c})" : $"{Vector(width)}.MultiplyAddEstimate({a}, {b}, {c})";

    /// <summary><c>factor * name</c> as short as it can be said: <c>0</c>, <c>N0</c>, <c>3 * N0</c>.</summary>
    public static string Times(long factor, string name) => factor switch
    {
        0 => "0",
        1 => name,
        _ => $"{factor} * {name}",
    };

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ");

    /// <summary>A C# string literal of <paramref name="text"/>: quoted, with backslashes, quotes and control characters escaped.</summary>
    public static string StringLiteral(string text)
    {
        var literal = new System.Text.StringBuilder("\"");
        foreach (char c in text)
        {
            if (c == '\\' || c == '"') literal.Append('\\').Append(c);
            else if (char.IsControl(c)) literal.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else literal.Append(c);
        }
        return literal.Append('"').ToString();
    }

    /// <summary>A count with thousands separators: <c>13,002</c>.</summary>
    public static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A count and its noun, in the singular or the plural: <c>1 value</c>, <c>784 values</c>, <c>1 step</c>, <c>98 steps</c>.</summary>
    public static string Count(long count, string noun) => $"{Num(count)} {Plural(count, noun)}";

    /// <summary>The noun for <paramref name="count"/> things: <c>row</c> or <c>rows</c> (the nouns of this generator all take an s).</summary>
    public static string Plural(long count, string noun) => count == 1 ? noun : noun + "s";

    /// <summary><c>1 value</c>, <c>784 values</c>.</summary>
    public static string Values(int count) => Count(count, "value");

    /// <summary>The cost's name in prose: its name in weights files and on the command line (<see cref="NetworkRules.Name(CostFunction)"/>).</summary>
    public static string CostName(CostFunction cost) => NetworkRules.Name(cost);

    /// <summary>The cost of output activations <paramref name="a"/> against targets y (log-likelihood on log-softmax outputs, which are ln p already: −Σ y a).</summary>
    public static string CostFormula(CostFunction cost, string a, ActivationFunction output) => cost switch
    {
        CostFunction.Quadratic => $"½‖{a} − y‖²",
        CostFunction.CrossEntropy => $"−Σ [y ln {a} + (1 − y) ln(1 − {a})]",
        _ when output == ActivationFunction.LogSoftmax => $"−Σ y {a}",
        _ => $"−Σ y ln {a}",
    };

    /// <summary>
    /// ∂C/∂z at the output layer for its activation and the cost: at a sigmoid output the quadratic cost keeps
    /// the σ' factor and cross-entropy cancels it; log-likelihood cancels softmax's Jacobian (for targets
    /// summing to 1), and log-softmax's too, whose a is ln p, so that δ = p − y = e^a − y; the quadratic cost at a
    /// softmax output goes through the Jacobian; identity has none.
    /// </summary>
    public static string OutputErrorFormula(ActivationFunction output, CostFunction cost, string a) => (output, cost) switch
    {
        (ActivationFunction.Sigmoid, CostFunction.Quadratic) => $"({a} − y) ⊙ {a} ⊙ (1 − {a})",
        (ActivationFunction.Softmax, CostFunction.Quadratic) => $"{a} ⊙ (d − (d·{a})) with d = {a} − y",
        (ActivationFunction.LogSoftmax, _) => $"e^{a} − y",
        _ => $"{a} − y",
    };

    /// <summary>The activation's name in prose: <c>sigmoid</c>, <c>ReLU</c>, ….</summary>
    public static string ActivationName(ActivationFunction activation) => activation switch
    {
        ActivationFunction.Sigmoid => "sigmoid",
        ActivationFunction.Tanh => "tanh",
        ActivationFunction.ReLU => "ReLU",
        ActivationFunction.LeakyReLU => "leaky ReLU",
        ActivationFunction.Softmax => "softmax",
        ActivationFunction.GELU => "GELU",
        ActivationFunction.SiLU => "SiLU",
        ActivationFunction.LogSoftmax => "log-softmax",
        _ => "identity",
    };

    /// <summary>The activation applied to <paramref name="z"/> as the equations write it: <c>σ(z)</c>, <c>ReLU(z)</c>, <c>z</c> for identity.</summary>
    public static string Apply(ActivationFunction activation, string z) => activation switch
    {
        ActivationFunction.Sigmoid => $"σ({z})",
        ActivationFunction.Tanh => $"tanh({z})",
        ActivationFunction.ReLU => $"ReLU({z})",
        ActivationFunction.LeakyReLU => $"LeakyReLU({z})",
        ActivationFunction.Softmax => $"softmax({z})",
        ActivationFunction.GELU => $"GELU({z})",
        ActivationFunction.SiLU => $"SiLU({z})",
        ActivationFunction.LogSoftmax => $"log softmax({z})",
        _ => z,
    };

    /// <summary>The activation's definition, for the class's documentation.</summary>
    public static string Definition(ActivationFunction activation) => activation switch
    {
        ActivationFunction.Sigmoid => "σ(z) = 1 / (1 + e^−z)",
        ActivationFunction.Tanh => "tanh(z) = (e^z − e^−z) / (e^z + e^−z)",
        ActivationFunction.ReLU => "ReLU(z) = max(0, z)",
        ActivationFunction.LeakyReLU => "LeakyReLU(z) = z for z > 0, else 0.01·z",
        ActivationFunction.Softmax => "softmax(z)_j = e^(z_j) / Σ_k e^(z_k)",
        ActivationFunction.GELU => "GELU(z) = z·Φ(z) = ½z(1 + erf(z/√2))",
        ActivationFunction.SiLU => "SiLU(z) = z·σ(z)",
        ActivationFunction.LogSoftmax => "log softmax(z)_j = z_j − log Σ_k e^(z_k)",
        _ => "identity: a = z",
    };

    /// <summary>
    /// f'(z) of a hidden layer's activation, written through its activations <paramref name="a"/> = f(z), or through
    /// <paramref name="z"/> itself for GELU and SiLU, whose a does not tell z (<see cref="NetworkRules.DerivativeNeedsZ"/>).
    /// </summary>
    public static string Derivative(ActivationFunction activation, string a, string z) => activation switch
    {
        ActivationFunction.Sigmoid => $"{a} ⊙ (1 − {a})",
        ActivationFunction.Tanh => $"(1 − {a}²)",
        ActivationFunction.ReLU => $"[{a} > 0]",
        ActivationFunction.LeakyReLU => $"({a} > 0 ? 1 : 0.01)",
        ActivationFunction.GELU => $"(Φ({z}) + {z} ⊙ φ({z}))",
        ActivationFunction.SiLU => $"σ({z}) ⊙ (1 + {z} ⊙ (1 − σ({z})))",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "not a hidden layer's activation"),
    };

    /// <summary>The name of the kernel that applies the activation in place, or null for identity (which needs none).</summary>
    public static string? Kernel(ActivationFunction activation) => activation == ActivationFunction.Identity ? null : activation.ToString();

    /// <summary>The name of the kernel that multiplies δ by the activation's derivative.</summary>
    public static string DerivativeKernel(ActivationFunction activation) => $"MultiplyBy{activation}Derivative";
}
