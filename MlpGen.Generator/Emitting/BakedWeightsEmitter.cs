using System;
using System.Globalization;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Writes the trained parameters of a network with baked-in weights: one array initializer, at the
/// end of the generated file so the code stays readable, laid out layer by layer and row by row.
/// The array is returned as a <c>ReadOnlySpan</c>, which the C# compiler stores in the assembly's
/// data section (<c>RuntimeHelpers.CreateSpan</c>): no allocation, no parsing at start-up.
/// </summary>
internal static class BakedWeightsEmitter
{
    private const int ValuesPerLine = 8;

    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        BakedWeights weights = m.Weights!;
        string t = plan.T;
        byte[] data = new byte[weights.Data.Count];
        for (int i = 0; i < data.Length; i++) data[i] = weights.Data[i];

        w.Line();
        w.Summary($"The trained parameters of {Vocabulary.Xml(plan.FullName)} ({m.Topology}, {t}), baked in from "
            + $"<c>{Vocabulary.Xml(weights.FileName)}</c> (CRC-32 {weights.Crc32:x8}). Each value is written so that it reads back bit for bit.");
        using (w.Block($"file static class {plan.WeightsClass}"))
        {
            w.Line("// A ReadOnlySpan over a constant array: the compiler keeps the values in the assembly's read-only data.");
            w.Line($"public static {Vocabulary.ReadOnlySpanOf(t)} Parameters => new {t}[]");
            using (w.Block("", closing: "};"))
            {
                foreach (LayerPlan layer in plan.Layers)
                {
                    int l = layer.Index, rows = layer.OutputSize, columns = layer.InputSize;
                    w.Line($"// W{l}: {rows}×{columns}, row-major; row j holds the weights into neuron j of layer {l}.");
                    for (int j = 0; j < rows; j++)
                    {
                        if (columns > ValuesPerLine) w.Line($"// W{l} row {j}");
                        Values(w, m, data, layer.WeightOffset + (long)j * columns, columns);
                    }
                    w.Line($"// b{l}: {rows}");
                    Values(w, m, data, layer.BiasOffset, rows);
                }
            }
        }
    }

    private static void Values(CodeWriter w, NetworkModel m, byte[] data, long start, int count)
    {
        for (int i = 0; i < count; i += ValuesPerLine)
        {
            int n = Math.Min(ValuesPerLine, count - i);
            var line = new string[n];
            for (int k = 0; k < n; k++) line[k] = Literal(m, data, start + i + k) + ",";
            w.Line(string.Join(" ", line));
        }
    }

    /// <summary>The C# literal of parameter <paramref name="index"/>: the shortest text that parses back to the same bits.</summary>
    internal static string Literal(NetworkModel m, byte[] data, long index)
    {
        if (m.Element == ElementKind.Single)
        {
            float value = BitConverter.ToSingle(data, checked((int)(index * 4)));
            if (float.IsNaN(value)) return "float.NaN";
            if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            if (!RoundTrips(text, value)) text = value.ToString("G9", CultureInfo.InvariantCulture);
            if (value == 0 && BitConverter.ToInt32(data, (int)(index * 4)) != 0) text = "-0";
            return text + "f";
        }
        else
        {
            double value = BitConverter.ToDouble(data, checked((int)(index * 8)));
            if (double.IsNaN(value)) return "double.NaN";
            if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
            if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double back)
                || BitConverter.DoubleToInt64Bits(back) != BitConverter.DoubleToInt64Bits(value))
            {
                text = value.ToString("G17", CultureInfo.InvariantCulture);
            }
            if (value == 0 && BitConverter.DoubleToInt64Bits(value) != 0) text = "-0";
            return text + "d";
        }
    }

    private static bool RoundTrips(string text, float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float back)
        && BitConverter.ToInt32(BitConverter.GetBytes(back), 0) == BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
}
