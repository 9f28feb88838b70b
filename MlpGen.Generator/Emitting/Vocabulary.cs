using System;
using System.Globalization;
using MlpGen.Generator.Model;

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
    /// Writes the switch every kernel makes between its two paths:
    /// <c>if (!Vector256.IsHardwareAccelerated) { scalar } else { simd }</c>. The condition is a constant to
    /// the JIT, so only one path is compiled: plain scalar loops where 256-bit SIMD is missing (NativeAOT's
    /// default x64 target, Arm64), Vector256 code elsewhere.
    /// </summary>
    public static void SimdOrScalar(CodeWriter w, Action scalar, Action simd)
    {
        using (w.Block("if (!Vector256.IsHardwareAccelerated)   // a constant to the JIT: only one of the two paths is compiled")) scalar();
        using (w.Block("else")) simd();
    }

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
    public static string CostName(CostKind cost) => cost == CostKind.Quadratic ? "quadratic" : "cross-entropy";

    /// <summary>The cost of output activations <paramref name="a"/> against targets y.</summary>
    public static string CostFormula(CostKind cost, string a) =>
        cost == CostKind.Quadratic ? $"½‖{a} − y‖²" : $"−Σ [y ln {a} + (1 − y) ln(1 − {a})]";

    /// <summary>∂C/∂z at the sigmoid output layer: the quadratic cost keeps the σ' factor, cross-entropy cancels it.</summary>
    public static string OutputErrorFormula(CostKind cost, string a) =>
        cost == CostKind.Quadratic ? $"({a} − y) ⊙ {a} ⊙ (1 − {a})" : $"{a} − y";
}
