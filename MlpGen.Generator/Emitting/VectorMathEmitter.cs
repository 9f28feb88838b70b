using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// On .NET 8 (<see cref="FrameworkApis.Net8"/>), the three vector operations the kernels call that came with .NET 9,
/// declared in the kernel class as overloads per width of the names .NET 9 gives them, so that the kernels' code reads the
/// same: <c>Exp</c> (Cody–Waite range reduction and Cephes' polynomials, below), <c>FusedMultiplyAdd</c> (each element
/// rounded once: the FMA instruction, else element by element as .NET 9 does) and <c>MultiplyAddEstimate</c> (the FMA
/// instruction where there is one, else a multiply and an add, as .NET 9 does). Nothing is written on other frameworks.
/// </summary>
/// <remarks>
/// e^x: x is clamped to the range beyond which e^x is 0 or ∞ in the element type; n = round(x·log₂e), found by adding
/// 1.5·2^p (p = 23 or 52 mantissa bits), which rounds the sum to an integer held in its low bits; r = x − n·ln 2 with ln 2
/// in two parts (Cody and Waite), the first with so few bits that n times it is exact, so |r| ≤ ½ ln 2 carries no
/// cancellation error; e^r by Cephes' expf polynomial (float: 1 + r + r²·P(r), degree 5) or exp Padé form (double:
/// 1 + 2·r·P(r²)/(Q(r²) − r·P(r²))); then e^x = e^r·2^h·2^(n−h), h = ⌊n/2⌋, each power of two made from exponent bits and
/// a normal number, so that results in the subnormal range round once and large ones overflow to ∞. NaN gives NaN.
/// MlpGen.Tests' CompatibleShapeTests measure the error against Math.Exp over the range the kernels use.
/// </remarks>
internal static class VectorMathEmitter
{
    /// <summary>The activations whose kernels (or derivative kernels) call e^x on the network's element type.</summary>
    private static readonly ActivationFunction[] Exponential =
    {
        ActivationFunction.Sigmoid, ActivationFunction.Tanh, ActivationFunction.SiLU, ActivationFunction.Softmax, ActivationFunction.LogSoftmax,
    };

    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        if (!plan.OwnExp) return;
        string t = plan.T;
        var exponentials = new List<string>();
        if (plan.ActivationKernels.Concat(plan.DerivativeKernels).Any(a => Exponential.Contains(a))) exponentials.Add(t);
        // GELU's Φ computes in double, whatever the network's element type.
        if (plan.UsesGELU && !exponentials.Contains("double")) exponentials.Add("double");
        bool layers = plan.Layers.Any(layer => layer.Kernel == LayerKernel.Simd);
        foreach (SimdWidth width in plan.Widths)
        {
            foreach (string element in exponentials) EmitExp(w, width, element, plan.Int8);
            if (plan.Int8) continue;   // an int8 network has no descent step and no float layer sums
            EmitFusedMultiplyAdd(w, width, t);
            if (layers) EmitMultiplyAddEstimate(w, width, t);
        }
        // An int8 network's scalar loops (and the SIMD kernels' scalar tails) take the same exponential, written for one value.
        if (plan.Int8) foreach (string element in exponentials) EmitExp(w, null, element, int8: true);
    }

    private const string Inline = "[CompilerServices::MethodImpl(CompilerServices::MethodImplOptions.AggressiveInlining)]";

    /// <summary>The exponential for vectors of <paramref name="width"/>, or for one value (<paramref name="width"/> null): the same operations either way.</summary>
    private static void EmitExp(CodeWriter w, SimdWidth? width, string t, bool int8)
    {
        bool single = t == "float";
        string suffix = single ? "f" : "";
        string vector = width is null ? "" : Vocabulary.Vector(width), v = width is null ? t : Vocabulary.VectorOf(width, t), bits = single ? "int" : "long";
        string vb = width is null ? bits : Vocabulary.VectorOf(width, bits);
        string Create(string value) => width is null ? value + suffix : $"{vector}.Create({value}{suffix})";
        string One = width is null ? (single ? "1f" : "1.0") : $"{v}.One";
        string Math(string function, string a, string b) => width is null ? $"{Vocabulary.Math}.{function}({a}, {b})" : $"{vector}.{function}({a}, {b})";
        // Reinterpreting bits: the vector classes' As methods, or Unsafe.As on a local for one value (netstandard2.0 has no BitConverter for floats).
        string ToBits(string local) => width is null ? $"{Vocabulary.Unsafe}.As<{t}, {bits}>(ref {local})" : $"{vector}.As{(single ? "Int32" : "Int64")}({local})";
        w.Line();
        if (width is null)
        {
            w.Summary($"e^x for one {t}, by exactly the operations of the vector overloads above (no fused multiply-add anywhere), so that every "
                + $"path of an int8 network, and each SIMD kernel's scalar tail, gives the same bits: x = n·ln 2 + r with n = round(x·log₂e) and "
                + $"|r| ≤ ½ ln 2, e^r by Cephes' {(single ? "expf polynomial" : "exp Padé form")}, times 2^n made from exponent bits; NaN gives NaN.");
        }
        else
        {
            int lanes = width.Lanes(single ? 4 : 8);
            string why = int8 ? "an int8 network takes this one on every framework, for the same bits on every path" : $"{width.Name}.Exp came with .NET 9";
            w.Summary($"e^x for {lanes} {t}s at a time ({why}): x = n·ln 2 + r with n = round(x·log₂e) and |r| ≤ ½ ln 2, "
                + $"e^r by Cephes' {(single ? "expf polynomial" : "exp Padé form")}, times 2^n made from exponent bits; x clamped to "
                + $"[{(single ? "−104, 89" : "−746, 710")}] first, beyond which e^x is 0 or ∞ in {t}; NaN gives NaN.");
        }
        w.Line(Inline);
        using (w.Method($"private static {v} Exp", $"{v} x"))
        {
            w.Line($"{v} c = {Math("Max", "x", Create(single ? "-104" : "-746.0"))};");
            w.Line($"c = {Math("Min", "c", Create(single ? "89" : "710.0"))};");
            w.Line($"// n = round(c·log₂e): adding 1.5·2^{(single ? 23 : 52)} rounds the sum to an integer, held in its low bits.");
            w.Line($"{v} magic = {Create(single ? "12582912" : "6755399441055744.0")};");
            w.Line($"{v} shifted = c * {Create(single ? "1.44269504" : "1.4426950408889634")} + magic;");
            w.Line($"{v} n = shifted - magic;");
            w.Line("// r = c − n·ln 2, ln 2 in two parts (Cody–Waite): n times the first, short one is exact.");
            w.Line($"{v} r = c - n * {Create(single ? "0.693359375" : "0.693145751953125")};");
            w.Line($"r -= n * {Create(single ? "-2.12194440e-4" : "1.4286068203094173e-6")};");
            if (single)
            {
                w.Line("// e^r = 1 + r + r²·P(r), P by Horner's rule, highest power first.");
                w.Line($"{v} p = {Create("1.9875691500e-4")};");
                foreach (string coefficient in new[] { "1.3981999507e-3", "8.3334519073e-3", "4.1665795894e-2", "1.6666665459e-1", "5.0000001201e-1" })
                {
                    w.Line($"p = p * r + {Create(coefficient)};");
                }
                w.Line($"p = p * (r * r) + r + {One};");
            }
            else
            {
                w.Line("// e^r = 1 + 2·r·P(r²) / (Q(r²) − r·P(r²)).");
                w.Line($"{v} r2 = r * r;");
                w.Line($"{v} rp = r * (({Create("1.2617719307481059e-4")} * r2 + {Create("3.0299440770744196e-2")}) * r2 + {One});");
                w.Line($"{v} q = (({Create("3.0019850513866446e-6")} * r2 + {Create("2.5244834034968410e-3")}) * r2 + {Create("2.2726554820815503e-1")}) * r2 + {Create("2.0")};");
                w.Line($"{v} p = {One} + {Create("2.0")} * rp / (q - rp);");
            }
            string exponentBias = single ? "127" : "1023L";
            int mantissa = single ? 23 : 52;
            w.Line("// 2^n = 2^h·2^(n − h), h = ⌊n/2⌋: both halves are normal numbers, so a subnormal e^x is rounded once and a large one overflows to ∞.");
            w.Line($"{vb} k = {ToBits("shifted")} - {ToBits("magic")};");
            if (width is null)
            {
                w.Line($"{bits} h = k >> 1;");
                w.Line($"{bits} low = (h + {exponentBias}) << {mantissa}, high = (k - h + {exponentBias}) << {mantissa};");
                w.Line($"{t} e = p * {Vocabulary.Unsafe}.As<{bits}, {t}>(ref low);");
                w.Line($"e *= {Vocabulary.Unsafe}.As<{bits}, {t}>(ref high);");
                w.Line($"return {t}.IsNaN(x) ? x : e;");
            }
            else
            {
                w.Line($"{vb} h = {vector}.ShiftRightArithmetic(k, 1);");
                string As = single ? "AsSingle" : "AsDouble";
                w.Line($"{vb} bias = {vector}.Create({exponentBias});");
                w.Line($"{v} e = p * {vector}.{As}({vector}.ShiftLeft(h + bias, {mantissa}));");
                w.Line($"e *= {vector}.{As}({vector}.ShiftLeft(k - h + bias, {mantissa}));");
                w.Line($"return {vector}.ConditionalSelect({vector}.Equals(x, x), e, x);");
            }
        }
    }

    private static void EmitFusedMultiplyAdd(CodeWriter w, SimdWidth width, string t)
    {
        string vector = Vocabulary.Vector(width), v = Vocabulary.VectorOf(width, t), math = t == "float" ? Vocabulary.MathF : Vocabulary.Math;
        w.Line();
        w.Summary($"a·b + c, each element rounded once ({width.Name}.FusedMultiplyAdd came with .NET 9): the FMA instruction where the CPU has one, "
            + $"else element by element with {(t == "float" ? "MathF" : "Math")}.FusedMultiplyAdd, as .NET 9 does.");
        w.Line(Inline);
        using (w.Method($"private static {v} FusedMultiplyAdd", $"{v} a", $"{v} b", $"{v} c"))
        {
            w.Line("if (Intrinsics::X86.Fma.IsSupported) return Intrinsics::X86.Fma.MultiplyAdd(a, b, c);");
            ArmFma(w, width, t);
            w.Line($"{v} result = c;");
            using (w.Block($"for (int i = 0; i < {v}.Count; i++)"))
            {
                w.Line($"{t} fused = {math}.FusedMultiplyAdd(");
                w.Line($"    {vector}.GetElement(a, i), {vector}.GetElement(b, i), {vector}.GetElement(c, i));");
                w.Line($"result = {vector}.WithElement(result, i, fused);");
            }
            w.Line("return result;");
        }
    }

    private static void EmitMultiplyAddEstimate(CodeWriter w, SimdWidth width, string t)
    {
        string v = Vocabulary.VectorOf(width, t);
        w.Line();
        w.Summary($"a·b + c for the layer sums ({width.Name}.MultiplyAddEstimate came with .NET 9): one fused multiply-add instruction where the CPU "
            + "has one, else a multiply and an add, as .NET 9 does; fixed per machine, so every kernel sums alike.");
        w.Line(Inline);
        using (w.Method($"private static {v} MultiplyAddEstimate", $"{v} a", $"{v} b", $"{v} c"))
        {
            w.Line("if (Intrinsics::X86.Fma.IsSupported) return Intrinsics::X86.Fma.MultiplyAdd(a, b, c);");
            ArmFma(w, width, t);
            w.Line("return a * b + c;");
        }
    }

    /// <summary>Arm64's fused multiply-add (NEON), on 128-bit vectors only (Vector256 is never accelerated there).</summary>
    private static void ArmFma(CodeWriter w, SimdWidth width, string t)
    {
        if (width != SimdWidth.Vector128) return;
        w.Line(t == "float"
            ? "if (Intrinsics::Arm.AdvSimd.IsSupported) return Intrinsics::Arm.AdvSimd.FusedMultiplyAdd(c, a, b);"
            : "if (Intrinsics::Arm.AdvSimd.Arm64.IsSupported) return Intrinsics::Arm.AdvSimd.Arm64.FusedMultiplyAdd(c, a, b);");
    }
}
