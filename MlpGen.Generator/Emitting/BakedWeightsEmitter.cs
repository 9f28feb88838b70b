using System;
using System.Globalization;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Writes the trained parameters of a network with baked-in weights, in one of two ways, at the end of the generated
/// file. Where the build embedded the weights file's bytes in the assembly as a resource (MlpGen.Generator's build
/// targets do), a small class that reads that resource straight into the storage that needs it: the generated source
/// does not grow with the model. Elsewhere, one array initializer, laid out layer by layer and row by row, which the
/// C# compiler stores in the assembly's data section (<c>RuntimeHelpers.CreateSpan</c>): the fallback, which costs
/// the compiler about a C# literal per parameter on every build (MLPG039 above a budget).
/// </summary>
internal static class BakedWeightsEmitter
{
    private const int ValuesPerLine = 8;

    /// <param name="literals">The parameters' bytes, when they are written as literals (<see cref="BakedWeights.AsLiterals"/>).</param>
    public static void Emit(CodeWriter w, NetworkPlan plan, byte[]? literals)
    {
        BakedWeights weights = plan.Model.Weights!;
        if (weights.AsLiterals) EmitLiterals(w, plan, literals ?? throw new ArgumentNullException(nameof(literals)));
        else EmitResourceReader(w, plan, weights.ResourceName!);
    }

    /// <summary>Where <c>BakedParameters</c> reads the parameters from, for the class's remarks.</summary>
    public static string Source(NetworkPlan plan, BakedWeights weights) =>
        !weights.AsLiterals ? $"the resource <c>{Vocabulary.Xml(weights.ResourceName!)}</c> embedded in the assembly"
        : plan.Target.ModernBcl ? "the assembly's read-only data"
        : "one array, filled from the literals at the first use of the class";

    /// <summary>The remarks on <c>BakedParameters</c>: what reading them costs.</summary>
    public static string BakedParametersRemarks(NetworkPlan plan, BakedWeights weights) => weights.AsLiterals
        ? plan.Target.ModernBcl
            ? "The compiler stores them in the assembly's read-only data: reading them allocates nothing and parses nothing."
            : "They are literals that fill one static array at the first use of the class (.NET Standard has no RuntimeHelpers.CreateSpan to read them in place); later reads allocate nothing."
        : $"They are embedded in the assembly as the resource <c>{Vocabulary.Xml(weights.ResourceName!)}</c>: the first read copies them into an array of their own ({Vocabulary.Num(weights.ByteCount)} bytes), once; later reads allocate nothing. The constructor reads them straight into the network's storage, without that array.";

    /// <summary>
    /// The reader of the embedded resource: <c>CopyTo</c> copies its bytes into the network's storage (one copy, from the
    /// loaded image: the resource stream reads the assembly's memory), and <c>Parameters</c> keeps a copy for
    /// <c>BakedParameters</c>, made at its first use.
    /// </summary>
    private static void EmitResourceReader(CodeWriter w, NetworkPlan plan, string resource)
    {
        NetworkModel m = plan.Model;
        BakedWeights weights = m.Weights!;
        string t = Element(plan), c = plan.WeightsClass;
        string bits = m.Element == ElementKind.Single ? "int" : "long";
        string exception = Vocabulary.InvalidOperationException;

        w.Line();
        w.Summary($"The trained parameters of {Vocabulary.Xml(plan.FullName)} ({m.Topology}, {(plan.Int8 ? "int8" : t)}), baked in from <c>{Vocabulary.Xml(weights.FileName)}</c> "
            + $"(CRC-32 {weights.Crc32:x8}): {Vocabulary.Num(weights.ByteCount)} bytes{Layout(plan)}, which the build "
            + $"embedded in the assembly as the resource <c>{Vocabulary.Xml(resource)}</c> (MlpGen.Generator's build targets decode the file; the generator checked it).");
        using (Vocabulary.HelperClass(w, plan, c))
        {
            w.Line("/// <summary>The embedded resource that holds the parameters.</summary>");
            w.Line($"public const string ResourceName = {Vocabulary.StringLiteral(resource)};");
            w.Line();
            w.Line("// BakedParameters: the parameters in an array of their own, read at the first call (two threads may both read; they read the same).");
            w.Line($"private static {t}[]? s_parameters;");
            w.Line();
            w.Line($"public static {Vocabulary.ReadOnlySpanOf(t)} Parameters => s_parameters ??= Read();");
            w.Line();
            using (w.Block($"private static {t}[] Read()"))
            {
                long count = plan.Int8 ? weights.ByteCount : m.ParameterCount;
                w.Line(plan.Target.ModernBcl
                    ? $"{t}[] parameters = {Vocabulary.GC}.AllocateUninitializedArray<{t}>({count});"
                    : $"{t}[] parameters = new {t}[{count}];");
                w.Line("CopyTo(parameters);");
                w.Line("return parameters;");
            }
            w.Line();
            w.Line(plan.Int8
                ? $"/// <summary>Copies the {Vocabulary.Num(weights.ByteCount)} bytes of int8 data into <paramref name=\"destination\"/>: one copy, from the resource's bytes in the loaded assembly.</summary>"
                : $"/// <summary>Copies the {Vocabulary.Num(m.ParameterCount)} parameters into <paramref name=\"destination\"/>: one copy, from the resource's bytes in the loaded assembly.</summary>");
            using (w.Block($"public static void CopyTo({Vocabulary.SpanOf(t)} destination)"))
            {
                w.Line($"using {Vocabulary.Stream} stream = typeof({c}).Assembly.GetManifestResourceStream(ResourceName)");
                w.Line($"    ?? throw new {exception}($\"The assembly has no resource '{{ResourceName}}' with the baked parameters of {plan.FullName}: "
                    + "MlpGen.Generator's build targets embed it, and this assembly was built without them.\");");
                w.Line($"{Vocabulary.SpanOf("byte")} bytes = {Vocabulary.MemoryMarshal}.AsBytes(destination);");
                w.Line("if (stream.Length != bytes.Length)");
                using (w.Block(""))
                {
                    w.Line($"throw new {exception}($\"The resource '{{ResourceName}}' holds {{stream.Length}} bytes; the baked parameters of {plan.FullName} take {{bytes.Length}}.\");");
                }
                if (plan.Target.ModernBcl)
                {
                    w.Line("stream.ReadExactly(bytes);");
                }
                else
                {
                    // netstandard2.0's Stream reads into arrays only: through a buffer, until every byte is in.
                    w.Line("byte[] buffer = new byte[bytes.Length];");
                    w.Line("int read = 0;");
                    using (w.Block("while (read < buffer.Length)"))
                    {
                        w.Line("int count = stream.Read(buffer, read, buffer.Length - read);");
                        w.Line($"if (count == 0) throw new {exception}($\"The resource '{{ResourceName}}' ended after {{read}} of its {{buffer.Length}} bytes.\");");
                        w.Line("read += count;");
                    }
                    w.Line($"new {Vocabulary.ReadOnlySpanOf("byte")}(buffer).CopyTo(bytes);");
                }
                // An int8 network's data is bytes, whose float32 fields its kernels read as little-endian when they unpack it.
                if (plan.Int8) return;
                w.Line("// The bytes are little-endian, as in the weights file: a big-endian machine reverses each value's.");
                w.Line($"if (!{Vocabulary.BitConverter}.IsLittleEndian)");
                using (w.Block(""))
                {
                    w.Line($"{Vocabulary.SpanOf(bits)} values = {Vocabulary.MemoryMarshal}.Cast<{t}, {bits}>(destination);");
                    w.Line(plan.Target.ModernBcl
                        ? $"{Vocabulary.BinaryPrimitives}.ReverseEndianness(values, values);"
                        : $"for (int i = 0; i < values.Length; i++) values[i] = {Vocabulary.BinaryPrimitives}.ReverseEndianness(values[i]);");
                }
            }
        }
    }

    /// <summary>The element type of the baked data: the network's, or <c>byte</c> for an int8 network's data.</summary>
    private static string Element(NetworkPlan plan) => plan.Int8 ? "byte" : plan.T;

    /// <summary>What the bytes of the baked data are, for the summary.</summary>
    private static string Layout(NetworkPlan plan) => plan.Int8
        ? " of int8 data in the layout of the weights file (for each layer: s_in, s_w[m] and b[m] as little-endian float32, then Q[m×n] as int8)"
        : $" of little-endian {plan.T} values, in the layout of the parameter vector";

    private static void EmitLiterals(CodeWriter w, NetworkPlan plan, byte[] data)
    {
        if (plan.Int8)
        {
            EmitInt8Literals(w, plan, data);
            return;
        }
        NetworkModel m = plan.Model;
        BakedWeights weights = m.Weights!;
        string t = plan.T;

        w.Line();
        w.Summary($"The trained parameters of {Vocabulary.Xml(plan.FullName)} ({m.Topology}, {t}), baked in from "
            + $"<c>{Vocabulary.Xml(weights.FileName)}</c> (CRC-32 {weights.Crc32:x8}). Each value is written so that it reads back bit for bit.");
        using (Vocabulary.HelperClass(w, plan, plan.WeightsClass))
        {
            if (plan.Target.ModernBcl)
            {
                w.Line("// A ReadOnlySpan over a constant array: the compiler keeps the values in the assembly's read-only data.");
                w.Line($"public static {Vocabulary.ReadOnlySpanOf(t)} Parameters => new {t}[]");
            }
            else
            {
                // Without RuntimeHelpers.CreateSpan (.NET 7) the compiler would allocate the array at every read: it is made once.
                w.Line($"public static {Vocabulary.ReadOnlySpanOf(t)} Parameters => s_parameters;");
                w.Line();
                w.Line("// netstandard2.0 cannot keep a span over constant values other than bytes: one array, made at the first use of the class.");
                w.Line($"private static readonly {t}[] s_parameters = new {t}[]");
            }
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
            w.Line();
            w.Line($"public static void CopyTo({Vocabulary.SpanOf(t)} destination) => Parameters.CopyTo(destination);");
        }
    }

    /// <summary>
    /// An int8 network's data as one byte array initializer, which the compiler keeps in the assembly's read-only data on
    /// every framework (a span over constant bytes needs no <c>RuntimeHelpers.CreateSpan</c>), laid out layer by layer.
    /// </summary>
    private static void EmitInt8Literals(CodeWriter w, NetworkPlan plan, byte[] data)
    {
        NetworkModel m = plan.Model;
        BakedWeights weights = m.Weights!;
        w.Line();
        w.Summary($"The trained parameters of {Vocabulary.Xml(plan.FullName)} ({m.Topology}, int8), baked in from "
            + $"<c>{Vocabulary.Xml(weights.FileName)}</c> (CRC-32 {weights.Crc32:x8}): {Vocabulary.Num(weights.ByteCount)} bytes{Layout(plan)}.");
        using (Vocabulary.HelperClass(w, plan, plan.WeightsClass))
        {
            w.Line("// A ReadOnlySpan over a constant byte array: the compiler keeps the bytes in the assembly's read-only data.");
            w.Line("public static System::ReadOnlySpan<byte> Parameters => new byte[]");
            using (w.Block("", closing: "};"))
            {
                long offset = 0;
                foreach (LayerPlan layer in plan.Layers)
                {
                    int l = layer.Index, rows = layer.OutputSize, columns = layer.InputSize;
                    w.Line($"// Layer {l}: s_in, then s_w and b ({rows} each), float32 little-endian.");
                    Bytes(w, data, offset, 4 + 8L * rows);
                    offset += 4 + 8L * rows;
                    w.Line($"// Layer {l}: Q, {rows}×{columns} int8 codes (two's complement), row-major.");
                    Bytes(w, data, offset, (long)rows * columns);
                    offset += (long)rows * columns;
                }
            }
        }
    }

    private static void Bytes(CodeWriter w, byte[] data, long start, long count)
    {
        const int perLine = 24;
        for (long i = 0; i < count; i += perLine)
        {
            int n = (int)Math.Min(perLine, count - i);
            var line = new string[n];
            for (int k = 0; k < n; k++) line[k] = data[start + i + k].ToString(CultureInfo.InvariantCulture) + ",";
            w.Line(string.Join(" ", line));
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
