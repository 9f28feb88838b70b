using System.Globalization;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Emits the standard normal distribution's helpers that GELU needs, in double, once per SIMD width and once for scalars
/// (overloads of one name): <c>NormalCdf(x)</c> = Φ(x) and <c>NormalDensity(x)</c> = φ(x) = e^(−x²/2)/√(2π). Float
/// networks widen to double, call them, and narrow the result, so that a float GELU is rounded once.
/// </summary>
/// <remarks>
/// Φ(x) = 1 − q for x ≥ 0 and q for x &lt; 0, where q = ½·erfc(u), u = |x|/√2, in the form of Numerical Recipes' erfcc
/// (Press et al., §6.2): erfc(u) = t·e^(−u² + P(t)), t = 1/(1 + u/2) = 2√2/(2√2 + |x|). P is a polynomial in
/// u = 2t/(1 − t₀) − (1 + t₀)/(1 − t₀), which maps t ∈ [t₀, 1] (|x| ∈ [0, 40]) onto [−1, 1], fitted by Chebyshev
/// interpolation in docs/design/normal-cdf-fit.py: degree 12 for float networks (relative error of erfc 2.3e-9), 26 for
/// double networks (4.7e-18). Every operation is one the vector classes have (Abs, Min, Exp, ConditionalSelect), so the
/// Vector256, Vector128 and scalar forms compute the same formula. The error of e^(−u²) is what x² rounds to: a float
/// widened to double has an exact x², a double gets it exact from h = x with its low 27 bits cleared (h² is exact, and
/// x² = h² + (x − h)(x + h)), at the price of a second exponential.
/// </remarks>
internal static class NormalDistributionEmitter
{
    /// <summary>P for float networks, highest power first (docs/design/normal-cdf-fit.py).</summary>
    private static readonly double[] FloatPolynomial =
    {
        1.5201642902125446e-05, -3.6794981477845286e-05, -7.467459137876884e-05, 0.00028996466812078437, 0.00011800711176406958,
        -0.0014261683378602728, 0.00045027041254157296, 0.006609455659314625, -0.005225636698662137, -0.0400082686638936,
        0.032989397640117414, 0.6334785787449655, -0.6271793328520886,
    };

    /// <summary>P for double networks, highest power first (docs/design/normal-cdf-fit.py).</summary>
    private static readonly double[] DoublePolynomial =
    {
        7.565044406301478e-11, 7.399847021660039e-10, -2.9390937303289183e-09, -2.9689331599589826e-09, 2.5160011149359452e-08,
        -2.1467110939567718e-08, -9.207169519085022e-08, 2.4853153444768706e-07, 2.241243944725148e-08, -1.1386052995237495e-06,
        1.5870592024127537e-06, 2.598156640654708e-06, -1.0068902973060342e-05, 2.110201761774461e-06, 3.830683947906702e-05,
        -5.189667323482049e-05, -9.98650526152888e-05, 0.00031081459078437327, 0.0001321119784175388, -0.0014390489081247445,
        0.00044631148944086773, 0.0066132547919960614, -0.005225152053602739, -0.0400087458252193, 0.0329893804765616,
        0.6334785958160866, -0.6271793328520886,
    };

    /// <summary>The fit's range of |x|: beyond it q = ½·erfc(|x|/√2) &lt; e^(−800) underflows to 0 in double.</summary>
    private const string Largest = "40.0";

    /// <summary>u = Slope·t + Intercept maps t ∈ [t₀, 1], t₀ = 1/(1 + 40/(2√2)), onto [−1, 1].</summary>
    private const string Slope = "2.1414213562373097", Intercept = "-1.1414213562373094";

    private const string TwoRootTwo = "2.8284271247461903", OneOverRootTwoPi = "0.3989422804014327";

    /// <summary>The low 27 bits of a double's significand: cleared, the 26 left square exactly.</summary>
    private const string LowBits = "0x7FFFFFFUL";

    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        bool single = plan.Model.Element == ElementKind.Single;
        double[] polynomial = single ? FloatPolynomial : DoublePolynomial;
        foreach (SimdWidth width in plan.Widths) EmitFor(w, new Spelling(plan, width), polynomial, single);
        EmitFor(w, new Spelling(plan, null), polynomial, single);
    }

    /// <summary>How one form (a SIMD width, or scalars) spells the operations on doubles.</summary>
    private sealed class Spelling(NetworkPlan plan, SimdWidth? width)
    {
        public string Type => width is null ? "double" : Vocabulary.VectorOf(width, "double");

        public string Lanes => width is null ? "one double" : $"{width.Bits / 64} doubles at a time";

        public string Constant(string value) => width is null ? value : $"{Vocabulary.Vector(width)}.Create({value})";

        public string Call(string method, params string[] arguments) =>
            (width is null ? (method == "Exp" && plan.Int8 ? "Exp" : $"{Vocabulary.Math}.{method}") : method == "Exp" ? Vocabulary.VectorExp(plan, width) : $"{Vocabulary.Vector(width)}.{method}")
            + $"({string.Join(", ", arguments)})";

        public string One => width is null ? "1.0" : $"{Type}.One";

        /// <summary>a with the low 27 bits of its significand cleared.</summary>
        public string TopBits(string a) => width is null
            ? $"{Vocabulary.BitConverter}.Int64BitsToDouble({Vocabulary.BitConverter}.DoubleToInt64Bits({a}) & ~0x7FFFFFFL)"
            : $"{Vocabulary.Vector(width)}.AsDouble({Vocabulary.Vector(width)}.AsUInt64({a}) & topBits)";

        /// <summary>The mask <see cref="TopBits"/> reads, declared before it in the vector forms; null for scalars.</summary>
        public string? TopBitsMask => width is null ? null : $"{Vocabulary.VectorOf(width, "ulong")} topBits = {Vocabulary.Vector(width)}.Create(~{LowBits});";

        public string IfNegative(string x, string then, string otherwise) => width is null
            ? $"{x} < 0 ? {then} : {otherwise}"
            : $"{Vocabulary.Vector(width)}.ConditionalSelect({Vocabulary.Vector(width)}.LessThan({x}, {Type}.Zero), {then}, {otherwise})";
    }

    private static void EmitFor(CodeWriter w, Spelling d, double[] polynomial, bool single)
    {
        string type = d.Type;
        int degree = polynomial.Length - 1;
        string half = d.Constant("0.5"), minusHalf = d.Constant("-0.5");

        // |x| clamped, t, u: the same three lines in both helpers' forms.
        void Argument()
        {
            w.Line("// a = |x|, clamped: beyond 40, q underflows to 0 (and ±∞ gives 0, not NaN).");
            w.Line($"{type} a = {d.Call("Min", d.Call("Abs", "x"), d.Constant(Largest))};");
        }

        // e^(p − a²/2) (e^(−a²/2) without p): one exponential of an exact a² for a widened float, two (h² exact) for a double.
        string Gaussian(string? p)
        {
            string Exponent(string square) => p is null ? $"{minusHalf} * {square}" : $"{p} - {half} * {square}";
            if (single) return d.Call("Exp", Exponent("a * a"));
            w.Line("// h = a with its low 27 bits cleared: h² is exact, and a² = h² + (a − h)(a + h) without the rounding of a·a.");
            if (d.TopBitsMask is { } mask) w.Line(mask);
            w.Line($"{type} h = {d.TopBits("a")};");
            w.Line($"{type} e = {d.Call("Exp", Exponent("(a - h) * (a + h)"))};");
            return $"e * {d.Call("Exp", $"{minusHalf} * h * h")}";
        }

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Φ(x), the standard normal distribution function, for {d.Lanes}: 1 − q for x ≥ 0, q for x &lt; 0, where");
        w.Line("/// q = ½·erfc(|x|/√2) = ½·t·e^(−x²/2 + P(u)), t = 1/(1 + |x|/(2√2)) (the form of Numerical Recipes' erfcc), P of degree");
        w.Line($"/// {degree} in u = {Slope}·t − {Intercept.TrimStart('-')} ∈ [−1, 1], fitted to erfc within {(single ? "2.3e-9" : "4.7e-18")} of its value");
        w.Line("/// (docs/design/normal-cdf-fit.py).");
        w.Line("/// </summary>");
        w.Line("[CompilerServices::MethodImpl(CompilerServices::MethodImplOptions.AggressiveInlining)]");
        using (w.Method($"private static {type} NormalCdf", $"{type} x"))
        {
            Argument();
            w.Line($"{type} twoRootTwo = {d.Constant(TwoRootTwo)};");
            w.Line($"{type} t = twoRootTwo / (twoRootTwo + a);");
            w.Line($"{type} slope = {d.Constant(Slope)};");
            w.Line($"{type} u = t * slope + {d.Constant(Intercept)};");
            w.Line($"// P(u) by Horner's rule, highest power first.");
            w.Line($"{type} p = {d.Constant(Literal(polynomial[0]))};");
            foreach (double c in polynomial.Skip(1)) w.Line($"p = p * u + {d.Constant(Literal(c))};");
            string gaussian = Gaussian("p");
            w.Line($"{type} halfT = {half} * t;");
            w.Line($"{type} q = halfT * {gaussian};");
            w.Line($"{type} complement = {d.One} - q;");
            w.Line($"return {d.IfNegative("x", "q", "complement")};");
        }

        w.Line();
        w.Summary($"φ(x) = e^(−x²/2)/√(2π), the standard normal density, for {d.Lanes}.");
        w.Line("[CompilerServices::MethodImpl(CompilerServices::MethodImplOptions.AggressiveInlining)]");
        using (w.Method($"private static {type} NormalDensity", $"{type} x"))
        {
            Argument();
            w.Line($"return {d.Constant(OneOverRootTwoPi)} * {Gaussian(null)};");
        }
    }

    /// <summary>A double literal that reads back bit for bit, always with a decimal point or exponent.</summary>
    private static string Literal(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text : text + ".0";
    }
}
