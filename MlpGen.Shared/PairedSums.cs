#if MLPGEN_GENERATOR
namespace MlpGen.Generator.Rules;
#else
namespace MlpGen.Quantization;
#endif

/// <summary>
/// When the x64 int8 kernels may add two byte products' pair sums in 16 bits before widening them to 32 bits: the rule
/// the quantizer codes weights to fit (MlpGen.Runtime's <c>Quantizer</c>) and the generator checks a baked file's
/// weights against, per layer, to pick the faster form (<c>LayerPlan.Paired</c>), written once here so that both agree.
/// <para>
/// The kernels multiply 32 codes a by 32 weights w with <c>pmaddubsw</c>, which gives 16 pair sums
/// a[2t]·w[2t] + a[2t+1]·w[2t+1] in 16 bits, and widen those into int32 with <c>pmaddwd</c> by ones. The paired form adds
/// the pair sums of bytes k…k+31 and k+32…k+63 first (<c>paddw</c>), so one widening serves 64 products instead of 32:
/// in each 64-byte block of a row, lane t adds the four weights at 2t, 2t+1, 2t+32 and 2t+33 (t = 0…15), each times a
/// code of magnitude at most 127. That sum is exact in 16 bits when 127 times its largest possible magnitude is at most
/// 32,767, that is, when the four weights' magnitudes (<see cref="CodeSign.Any"/>) or, for codes that are never
/// negative, the four weights' positive parts and their negative parts (<see cref="CodeSign.NonNegative"/>) each add
/// up to at most <see cref="Bound"/>. Weights within ±64 always fit (4·64 = 256); full-range rows often do not.
/// A row of n weights is padded with zeros to a multiple of <see cref="RowBytes"/> bytes; a last 32-byte block
/// that has no partner is widened alone.
/// </para>
/// </summary>
internal static class PairedSums
{
    /// <summary>The bytes each row of an int8 layer is padded to, and each half of a paired block.</summary>
    public const int RowBytes = 32;

    /// <summary>The most the four weights of one 16-bit lane may add up to: 127 · 258 = 32,766 ≤ 32,767.</summary>
    public const int Bound = short.MaxValue / 127;

    /// <summary>The largest code of the narrowest range the quantizer gives a row: weights within ±64 fit, for any codes (4·64 = 256 ≤ <see cref="Bound"/>).</summary>
    public const int NarrowestCode = Bound / 4;

    /// <summary>
    /// The signs the codes of a layer's inputs can take, which decide the bound a row must keep. A row that fits
    /// <see cref="Any"/> fits <see cref="NonNegative"/>.
    /// </summary>
    public enum CodeSign
    {
        /// <summary>Codes 0…127 (ReLU's codes, images): the positive and the negative weights of a lane are bounded apart.</summary>
        NonNegative,

        /// <summary>Codes −127…127: the kernels multiply |code| by the weight with the code's sign, so the magnitudes add.</summary>
        Any,
    }

    /// <summary>
    /// Whether the <paramref name="inputs"/> weights of one row, from <paramref name="start"/> in
    /// <paramref name="codes"/>, keep every paired lane within <see cref="Bound"/> for codes of <paramref name="sign"/>.
    /// </summary>
    public static bool RowFits(sbyte[] codes, int start, int inputs, CodeSign sign)
    {
        LaneSums(codes, start, inputs, out int any, out int nonNegative);
        return (sign == CodeSign.Any ? any : nonNegative) <= Bound;
    }

    /// <summary>
    /// The widest sign of codes whose paired sums a layer's weights fit (<see cref="CodeSign.Any"/>, which implies
    /// <see cref="CodeSign.NonNegative"/>), or null when some row fits neither; also null for a layer of at most
    /// <see cref="RowBytes"/> inputs, whose rows have no pair of blocks to add. The layer's <paramref name="outputs"/> rows of
    /// <paramref name="inputs"/> weights lie one after another from <paramref name="start"/>.
    /// </summary>
    public static CodeSign? LayerSign(sbyte[] codes, int start, int inputs, int outputs)
    {
        if (inputs <= RowBytes) return null;
        int any = 0, nonNegative = 0;
        for (int j = 0; j < outputs; j++)
        {
            LaneSums(codes, start + j * inputs, inputs, out int rowAny, out int rowNonNegative);
            any = System.Math.Max(any, rowAny);
            nonNegative = System.Math.Max(nonNegative, rowNonNegative);
        }
        return any <= Bound ? CodeSign.Any : nonNegative <= Bound ? CodeSign.NonNegative : null;
    }

    /// <summary>
    /// A row's largest lane sum for codes of any sign (the four weights' magnitudes) and for non-negative codes (the larger of
    /// their positive parts and their negative parts), over its 64-byte blocks; 0 when it has none.
    /// </summary>
    private static void LaneSums(sbyte[] codes, int start, int inputs, out int any, out int nonNegative)
    {
        any = 0;
        nonNegative = 0;
        int padded = (inputs + RowBytes - 1) / RowBytes * RowBytes;
        for (int block = 0; block + 2 * RowBytes <= padded; block += 2 * RowBytes)
        {
            for (int t = 0; t < RowBytes; t += 2)
            {
                int positive = 0, negative = 0;
                Add(block + t);
                Add(block + t + 1);
                Add(block + RowBytes + t);
                Add(block + RowBytes + t + 1);
                any = System.Math.Max(any, positive + negative);
                nonNegative = System.Math.Max(nonNegative, System.Math.Max(positive, negative));

                void Add(int i)
                {
                    if (i >= inputs) return;   // the padding's zero weights
                    int weight = codes[start + i];
                    if (weight > 0) positive += weight;
                    else negative -= weight;
                }
            }
        }
    }
}
