using System;
using System.Globalization;
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

    /// <summary>
    /// Put on every kernel: the JIT compiles it fully optimised at its first call, instead of running
    /// unoptimised code until tiering catches up (which made the first training epoch several times slower).
    /// </summary>
    public const string Hot = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

    /// <summary>
    /// Writes the switch every kernel makes between its paths, widest first:
    /// <c>if (Vector256.IsHardwareAccelerated) { … } else if (Vector128.IsHardwareAccelerated) { … } else { scalar }</c>.
    /// The conditions are constants to the JIT (and to NativeAOT's compiler), so only one path is compiled: Vector256
    /// code with AVX2, Vector128 code where only 128-bit SIMD is accelerated (NativeAOT's default x64 target, Arm64's
    /// NEON, WebAssembly's SIMD128), plain scalar loops where there is no SIMD. <paramref name="simd"/> writes the
    /// body of one width; it is called once per width of <see cref="NetworkPlan.Widths"/>.
    /// </summary>
    public static void SimdOrScalar(CodeWriter w, Action scalar, Action<SimdWidth> simd)
    {
        for (int i = 0; i < NetworkPlan.Widths.Count; i++)
        {
            SimdWidth width = NetworkPlan.Widths[i];
            string condition = $"{(i == 0 ? "if" : "else if")} ({width.Name}.IsHardwareAccelerated)";
            string comment = i == 0 ? "   // constants to the JIT: only one of the paths is compiled" : "";
            using (w.Block(condition + comment)) simd(width);
        }
        using (w.Block("else")) scalar();
    }

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
    public static string MultiplyAdd(SimdWidth width, string a, string b, string c) => $"{width.Name}.MultiplyAddEstimate({a}, {b}, {c})";

    /// <summary><c>factor * name</c> as short as it can be said: <c>0</c>, <c>N0</c>, <c>3 * N0</c>.</summary>
    public static string Times(long factor, string name) => factor switch
    {
        0 => "0",
        1 => name,
        _ => $"{factor} * {name}",
    };

    /// <summary>A bound that is a layer size by name when it is the whole size, else the number.</summary>
    public static string Bound(int value, int size, string sizeName) => value == size ? sizeName : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ");

    /// <summary>A count with thousands separators: <c>13,002</c>.</summary>
    public static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary><c>1 value</c>, <c>784 values</c>.</summary>
    public static string Values(int count) => count == 1 ? "1 value" : $"{Num(count)} values";

    /// <summary>The cost's name in prose.</summary>
    public static string CostName(CostFunction cost) => cost switch
    {
        CostFunction.Quadratic => "quadratic",
        CostFunction.CrossEntropy => "cross-entropy",
        _ => "log-likelihood",
    };

    /// <summary>The cost of output activations <paramref name="a"/> against targets y.</summary>
    public static string CostFormula(CostFunction cost, string a) => cost switch
    {
        CostFunction.Quadratic => $"½‖{a} − y‖²",
        CostFunction.CrossEntropy => $"−Σ [y ln {a} + (1 − y) ln(1 − {a})]",
        _ => $"−Σ y ln {a}",
    };

    /// <summary>
    /// ∂C/∂z at the output layer for its activation and the cost: at a sigmoid output the quadratic cost keeps
    /// the σ' factor and cross-entropy cancels it; log-likelihood cancels softmax's Jacobian (for targets
    /// summing to 1); the quadratic cost at a softmax output goes through the Jacobian; identity has none.
    /// </summary>
    public static string OutputErrorFormula(ActivationFunction output, CostFunction cost, string a) => (output, cost) switch
    {
        (ActivationFunction.Sigmoid, CostFunction.Quadratic) => $"({a} − y) ⊙ {a} ⊙ (1 − {a})",
        (ActivationFunction.Softmax, CostFunction.Quadratic) => $"{a} ⊙ (d − (d·{a})) with d = {a} − y",
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
        _ => "identity: a = z",
    };

    /// <summary>f'(z) of a hidden layer's activation, written through its activations <paramref name="a"/> = f(z).</summary>
    public static string Derivative(ActivationFunction activation, string a) => activation switch
    {
        ActivationFunction.Sigmoid => $"{a} ⊙ (1 − {a})",
        ActivationFunction.Tanh => $"(1 − {a}²)",
        ActivationFunction.ReLU => $"[{a} > 0]",
        ActivationFunction.LeakyReLU => $"({a} > 0 ? 1 : 0.01)",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "not a hidden layer's activation"),
    };

    /// <summary>The name of the kernel that applies the activation in place, or null for identity (which needs none).</summary>
    public static string? Kernel(ActivationFunction activation) => activation == ActivationFunction.Identity ? null : activation.ToString();

    /// <summary>The name of the kernel that multiplies δ by the activation's derivative.</summary>
    public static string DerivativeKernel(ActivationFunction activation) => $"MultiplyBy{activation}Derivative";
}
