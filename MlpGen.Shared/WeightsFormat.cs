using System;
using System.Globalization;
using System.IO;
using System.Text;
#if MLPGEN_GENERATOR
using MlpGen.Generator.Rules;
#endif

namespace MlpGen.Persistence;

/// <summary>
/// The text of an MlpGen weights file (<c>.mlpw</c>), format version 2 for float networks and 3 for int8 (quantized)
/// ones (version 1 is still read): writing it and parsing it.
/// This one file is compiled into both MlpGen.Runtime (which saves and loads weights) and the
/// netstandard2.0 source generator (which bakes a weights file into a network class), so the two
/// can never disagree about the format. It therefore uses only what netstandard2.0 offers, and it
/// reports problems as values: the runtime turns them into exceptions, the generator into diagnostics.
/// <code>
/// MLPW 2                      magic and format version
/// topology 784-16-16-10       layer sizes, input first
/// element float32             float32 or float64
/// parameters 13002            number of weights and biases
/// crc32 1a2b3c4d              CRC-32 (IEEE) of the parameter bytes below
/// activations relu relu softmax  the activation of each layer after the input, the output layer's last (version 2)
/// cost log-likelihood         the cost it was trained on, or 'unspecified' (version 2)
/// data
/// AAAAPz8/...                 the parameters as little-endian IEEE 754 bytes, base64, 76 characters a line:
/// ...                         for each layer l, W_l row-major [out, in], then b_l
/// end
/// </code>
/// Lines end in LF (CRLF is accepted). Version 1 files are the same without the <c>activations</c> and
/// <c>cost</c> lines: they do not say what the network computed with, so readers take them for any network.
/// Version 3 is version 2 with <c>element int8</c>: a quantized network (MlpGen.Quantization), whose data is, for
/// each layer l of n inputs and m outputs (<see cref="Int8DataBytes"/>),
/// <code>
/// s_in                        float32: the scale of the layer's int8 inputs, a ≈ s_in·q (q in −127…127)
/// s_w[0..m)                   float32 each: the scale of each output row's weights, W[j,i] ≈ s_w[j]·Q[j,i]
/// b[0..m)                     float32 each: the biases, unquantized
/// Q[0..m)[0..n)               int8 each, row-major [out, in], in −127…127 (−128 never: the int8 kernels rely on it)
/// </code>
/// so that a 784-100-10 network takes 80,288 bytes of data instead of 318,040. Float networks are still written as
/// version 2, which older readers read.
/// </summary>
internal static class WeightsFormat
{
    /// <summary>The format version this code writes for float32 and float64 networks; it reads this one, version 1 and version 3.</summary>
    public const int Version = 2;

    /// <summary>The format version of an int8 (quantized) network: version 2 with <c>element int8</c> and the int8 data layout.</summary>
    public const int QuantizedVersion = 3;

    /// <summary>The element name of a quantized network's data.</summary>
    public const string Int8 = "int8";

    /// <summary>The most inputs an int8 layer may have: its int32 sums, at most 127² per input, must stay exact.</summary>
    public const int MaxInt8Inputs = int.MaxValue / (127 * 127);

    /// <summary>The names of the activations on the <c>activations</c> line; hidden layers take the first four, the output layer sigmoid, softmax or identity.</summary>
    public static readonly string[] HiddenActivationNames = NetworkRules.Names(NetworkRules.HiddenActivations);

    /// <summary>The names of the output activations on the <c>activations</c> line (last item).</summary>
    public static readonly string[] OutputActivationNames = NetworkRules.Names(NetworkRules.OutputActivations);

    /// <summary>The names on the <c>cost</c> line; <see cref="UnspecifiedCost"/> for weights from elsewhere (ONNX) that do not say.</summary>
    public static readonly string[] CostNames = CostNamesAndUnspecified();

    /// <summary>The cost line's value for weights whose training cost is not known.</summary>
    public const string UnspecifiedCost = "unspecified";

    private const int Base64LineLength = 76;

    private static string[] CostNamesAndUnspecified()
    {
        var names = new string[NetworkRules.Costs.Count + 1];
        for (int i = 0; i < NetworkRules.Costs.Count; i++) names[i] = NetworkRules.Name(NetworkRules.Costs[i]);
        names[names.Length - 1] = UnspecifiedCost;
        return names;
    }

    /// <summary>What kind of defect a weights text has.</summary>
    public enum Problem
    {
        None,

        /// <summary>The text does not start with <c>MLPW</c>: it is not a weights file at all.</summary>
        NotWeightsFile,

        /// <summary>A weights file of a format version this code does not read.</summary>
        UnsupportedVersion,

        /// <summary>A line is not what the format puts there, or the data is truncated.</summary>
        Malformed,

        /// <summary>Well formed, but the data does not match its CRC-32: the file is corrupt.</summary>
        ChecksumMismatch,
    }

    /// <summary>A well-formed, intact weights file.</summary>
    public sealed class Contents
    {
        public Contents(int[] layerSizes, string element, uint crc32, byte[] parameters, string[]? activations, string? cost)
        {
            LayerSizes = layerSizes;
            Element = element;
            Crc32 = crc32;
            Parameters = parameters;
            Activations = activations;
            Cost = cost;
        }

        public int[] LayerSizes { get; }

        /// <summary>The activation of each layer after the input (names of <see cref="HiddenActivationNames"/>, the output's of <see cref="OutputActivationNames"/>); null in a version 1 file.</summary>
        public string[]? Activations { get; }

        /// <summary>A name of <see cref="CostNames"/>; null in a version 1 file.</summary>
        public string? Cost { get; }

        /// <summary><c>float32</c> or <c>float64</c>.</summary>
        public string Element { get; }

        public uint Crc32 { get; }

        /// <summary>The parameters as little-endian bytes.</summary>
        public byte[] Parameters { get; }

        public string Topology => ParameterLayout.Topology(LayerSizes);
    }

    /// <summary>
    /// The outcome of <see cref="Parse"/>: the contents, or the problem, its 1-based line and a message
    /// saying what was expected and found; with the header (lines 2 and 3, and the activations of line 6
    /// in version 2) whenever it is well formed, also when a later line is not, so that a reader can first
    /// check that the file is of its network.
    /// </summary>
    public sealed class Result
    {
        private Result(Contents? contents, Problem problem, int line, string message, int[]? layerSizes, string? element, string[]? activations)
        {
            Value = contents;
            Problem = problem;
            Line = line;
            Message = message;
            LayerSizes = layerSizes;
            Element = element;
            Activations = activations;
        }

        public Contents? Value { get; }

        /// <summary>The layer sizes of line 2, when lines 1 to 3 are well formed (else null).</summary>
        public int[]? LayerSizes { get; }

        /// <summary>The element of line 3 (<c>float32</c> or <c>float64</c>), when lines 1 to 3 are well formed (else null).</summary>
        public string? Element { get; }

        /// <summary>The activations of line 6 of a version 2 file, when the lines up to it are well formed (else null, and always null for version 1).</summary>
        public string[]? Activations { get; }

        public Problem Problem { get; }

        public int Line { get; }

        public string Message { get; }

        public static Result Success(Contents contents) => new(contents, Problem.None, 0, "", contents.LayerSizes, contents.Element, contents.Activations);

        public static Result Failure(Problem problem, int line, string message) => new(null, problem, line, message, null, null, null);

        /// <summary>A problem after a well-formed header of <paramref name="layerSizes"/>, <paramref name="element"/> and (version 2, when line 6 is well formed) <paramref name="activations"/>.</summary>
        public static Result Failure(Problem problem, int line, string message, int[] layerSizes, string element, string[]? activations) =>
            new(null, problem, line, message, layerSizes, element, activations);
    }

    /// <summary>The element name of a number type of <paramref name="size"/> bytes.</summary>
    public static string ElementName(int size) => size == 4 ? "float32" : "float64";

    /// <summary>The bytes of one parameter of a float element (<c>float32</c> or <c>float64</c>).</summary>
    public static int ElementSize(string element) => element == "float32" ? 4 : 8;

    /// <summary>
    /// The data bytes of an int8 network of <paramref name="layerSizes"/>: for each layer of n inputs and m outputs, its
    /// input scale (4 bytes), m weight scales and m biases (4 bytes each) and m·n int8 weights.
    /// </summary>
    public static long Int8DataBytes(int[] layerSizes)
    {
        long bytes = 0;
        for (int l = 1; l < layerSizes.Length; l++) bytes += Int8LayerBytes(layerSizes[l - 1], layerSizes[l]);
        return bytes;
    }

    /// <summary>
    /// The data bytes of one int8 layer of <paramref name="inputs"/> n and <paramref name="outputs"/> m: s_in at 0, s_w from
    /// 4, b from 4 + 4·m, the codes from 4 + 8·m, m·n of them.
    /// </summary>
    public static long Int8LayerBytes(int inputs, int outputs) => 4 + 8L * outputs + (long)outputs * inputs;

    /// <summary>The data bytes of a network of <paramref name="parameterCount"/> parameters of <paramref name="element"/>.</summary>
    private static long DataBytes(int[] layerSizes, long parameterCount, string element) =>
        element == Int8 ? Int8DataBytes(layerSizes) : parameterCount * ElementSize(element);

    /// <summary>More parameters than any network can have; a topology beyond it is taken as a corrupt line (and its byte count cannot overflow).</summary>
    private const long MaxParameters = long.MaxValue / 16;

    /// <summary>
    /// The text of a weights file holding <paramref name="parameters"/> (little-endian bytes): version 2 with
    /// <paramref name="activations"/> and <paramref name="cost"/>; version 1 (no activations or cost lines) when
    /// <paramref name="activations"/> is null, for weights read from a version 1 file, whose activations nobody knows:
    /// writing them as version 2 would claim activations they may not have had.
    /// </summary>
    /// <remarks><paramref name="activations"/> has one name per layer after the input (<see cref="HiddenActivationNames"/>, <see cref="OutputActivationNames"/>), <paramref name="cost"/> is one of <see cref="CostNames"/>.</remarks>
    /// <remarks>An <see cref="Int8"/> element writes version 3, whose <paramref name="parameters"/> are the int8 layout (<see cref="Int8DataBytes"/>) and which always has activations.</remarks>
    public static string Format(int[] layerSizes, string element, byte[] parameters, string[]? activations, string? cost)
    {
        var text = new StringBuilder();
        text.Append("MLPW ").Append(element == Int8 ? QuantizedVersion : activations is null ? 1 : Version).Append('\n');
        text.Append("topology ").Append(ParameterLayout.Topology(layerSizes)).Append('\n');
        text.Append("element ").Append(element).Append('\n');
        text.Append("parameters ").Append(element == Int8 ? ParameterLayout.CountOf(layerSizes) : parameters.Length / ElementSize(element)).Append('\n');
        text.Append("crc32 ").Append(Crc32.Compute(parameters).ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        if (activations is not null)
        {
            text.Append("activations ").Append(string.Join(" ", activations)).Append('\n');
            text.Append("cost ").Append(cost ?? UnspecifiedCost).Append('\n');
        }
        text.Append("data\n");
        string base64 = Convert.ToBase64String(parameters);
        for (int i = 0; i < base64.Length; i += Base64LineLength)
        {
            text.Append(base64, i, Math.Min(Base64LineLength, base64.Length - i)).Append('\n');
        }
        text.Append("end\n");
        return text.ToString();
    }

    /// <summary>
    /// Parses and checks a weights text: the header (<see cref="ReadHeader"/>: every line up to <c>data</c>, the
    /// parameter count against the topology), then the data (<see cref="ReadData"/>: its length against the header),
    /// then the checksum.
    /// </summary>
    public static Result Parse(string text)
    {
        var lines = new Lines(text);
        var header = new Header();
        if (ReadHeader(lines, header) is { } headerProblem) return headerProblem;
        if (ReadData(lines, header, out byte[] parameters) is { } dataProblem) return dataProblem;
        uint actual = Crc32.Compute(parameters);
        if (actual != header.Crc)
        {
            return header.Failure(Problem.ChecksumMismatch, 5,
                $"checksum mismatch: the file records CRC-32 {header.Crc:x8}, its data gives {actual:x8} (the file is corrupt)");
        }
        if (header.Element == Int8 && CheckInt8Data(parameters, header.LayerSizes!) is { } int8Problem) return header.Malformed(header.DataLine + 1, int8Problem);
        return Result.Success(new Contents(header.LayerSizes!, header.Element!, header.Crc, parameters, header.Activations, header.Cost));
    }

    /// <summary>The lines of a weights text, numbered from 1 as the messages number them; past the end, a line is empty.</summary>
    private sealed class Lines
    {
        private readonly string[] _lines;

        public Lines(string text)
        {
            _lines = text.Replace("\r\n", "\n").Split('\n');
            TextLength = text.Length;
        }

        public int Count => _lines.Length;

        /// <summary>The characters of the whole text: more than its base64 data can decode to.</summary>
        public int TextLength { get; }

        public string this[int number] => number <= _lines.Length ? _lines[number - 1] : "";

        /// <summary>What a message says was found on line <paramref name="number"/>: its start, quoted, or that the text ended.</summary>
        public string Found(int number)
        {
            string line = this[number];
            return line.Length == 0 ? "nothing (truncated)" : FileText.Quoted(line);
        }
    }

    /// <summary>
    /// What the header has said so far. Once lines 2 and 3 are well formed (and, in version 2, line 6), every later
    /// failure carries them, so that a reader can first check that the file is of its network.
    /// </summary>
    private sealed class Header
    {
        public int Version;
        public int[]? LayerSizes;
        public string? Element;
        public long ParameterCount;
        public uint Crc;
        public string[]? Activations;
        public string? Cost;

        /// <summary>The line that says <c>data</c>, after the fields of the version.</summary>
        public int DataLine => FieldNames(Version).Length + 2;

        public Result Failure(Problem problem, int line, string message) => LayerSizes is null
            ? Result.Failure(problem, line, message)
            : Result.Failure(problem, line, message, LayerSizes, Element!, Activations);

        public Result Malformed(int line, string message) => Failure(Problem.Malformed, line, message);
    }

    /// <summary>The fields of lines 2, 3, … in a file of format <paramref name="version"/>.</summary>
    private static string[] FieldNames(int version) => version == 1
        ? new[] { "topology", "element", "parameters", "crc32" }
        : new[] { "topology", "element", "parameters", "crc32", "activations", "cost" };

    /// <summary>Lines 1 to <c>data</c>: the magic and version, then each field line by name, then each field's value in order.</summary>
    private static Result? ReadHeader(Lines lines, Header header)
    {
        if (!lines[1].StartsWith("MLPW ", StringComparison.Ordinal))
        {
            return Result.Failure(Problem.NotWeightsFile, 1, $"expected 'MLPW {Version}' (an MlpGen weights file), found {lines.Found(1)}");
        }
        header.Version = lines[1] == "MLPW 1" ? 1 : lines[1] == "MLPW 2" ? 2 : lines[1] == "MLPW 3" ? 3 : 0;
        if (header.Version == 0) return Result.Failure(Problem.UnsupportedVersion, 1, $"expected format version 1, 2 or 3, found {lines.Found(1)}");

        // Every field line must be there, by name, before any value is judged.
        string[] names = FieldNames(header.Version);
        var fields = new string[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            string line = lines[i + 2];
            if (!line.StartsWith(names[i] + " ", StringComparison.Ordinal)) return header.Malformed(i + 2, $"expected '{names[i]} …', found {lines.Found(i + 2)}");
            fields[i] = line.Substring(names[i].Length + 1);
        }

        if (ReadTopology(fields[0], fields[1], header) is { } topologyProblem) return topologyProblem;
        if (!long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count != header.ParameterCount)
        {
            return header.Malformed(4, $"expected {header.ParameterCount} parameters for the topology {fields[0]}, found {FileText.Quoted(fields[2])}");
        }
        if (fields[3].Length != 8 || !uint.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out header.Crc))
        {
            return header.Malformed(5, $"expected 8 hexadecimal digits, found {FileText.Quoted(fields[3])}");
        }
        if (header.Version >= 2 && ReadActivationsAndCost(fields[4], fields[5], header) is { } namesProblem) return namesProblem;
        if (lines[header.DataLine] != "data") return header.Malformed(header.DataLine, $"expected 'data', found {lines.Found(header.DataLine)}");
        return null;
    }

    /// <summary>Lines 2 and 3: at least two layer sizes of at least 1, their parameter count (<see cref="ParameterLayout"/>), the element.</summary>
    private static Result? ReadTopology(string topology, string element, Header header)
    {
        string[] sizeTexts = topology.Split('-');
        var sizes = new int[sizeTexts.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            if (!int.TryParse(sizeTexts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                return header.Malformed(2, $"expected layer sizes of at least 1 separated by '-', found {FileText.Quoted(topology)}");
            }
        }
        if (sizes.Length < 2) return header.Malformed(2, $"expected at least two layer sizes, found {FileText.Quoted(topology)}");
        if (header.Version == QuantizedVersion && element != Int8)
        {
            return header.Malformed(3, $"expected '{Int8}' (a version {QuantizedVersion} file holds a quantized network), found {FileText.Quoted(element)}");
        }
        if (header.Version < QuantizedVersion && element != "float32" && element != "float64")
        {
            string int8 = element == Int8 ? $" (int8 weights are format version {QuantizedVersion})" : "";
            return header.Malformed(3, $"expected 'float32' or 'float64'{int8}, found {FileText.Quoted(element)}");
        }
        if (!ParameterLayout.TryCountOf(sizes, MaxParameters, out header.ParameterCount))
        {
            return header.Malformed(2, $"expected a topology of at most {MaxParameters} parameters, found {FileText.Quoted(topology)}");
        }
        header.LayerSizes = sizes;
        header.Element = element;
        return null;
    }

    /// <summary>Lines 6 and 7 of version 2: one activation per layer after the input, legal where it is (<see cref="NetworkRules"/>), and the cost.</summary>
    private static Result? ReadActivationsAndCost(string activationsText, string cost, Header header)
    {
        string[] activations = activationsText.Split(' ');
        int layers = header.LayerSizes!.Length - 1;
        string expected = $"{layers} activations separated by spaces: {string.Join(", ", HiddenActivationNames)} for hidden layers, {string.Join(", ", OutputActivationNames)} for the output layer";
        if (activations.Length != layers) return header.Malformed(6, $"expected {expected}, found {FileText.Quoted(activationsText)}");
        for (int i = 0; i < activations.Length; i++)
        {
            string[] allowed = i == activations.Length - 1 ? OutputActivationNames : HiddenActivationNames;
            if (Array.IndexOf(allowed, activations[i]) < 0) return header.Malformed(6, $"expected {expected}, found {FileText.Quoted(activationsText)}");
        }
        header.Activations = activations;
        if (Array.IndexOf(CostNames, cost) < 0) return header.Malformed(7, $"expected one of {string.Join(", ", CostNames)}, found {FileText.Quoted(cost)}");
        header.Cost = cost;
        return null;
    }

    /// <summary>The base64 lines after <c>data</c> up to <c>end</c>: exactly the bytes the header's parameters take, and nothing after <c>end</c>.</summary>
    private static Result? ReadData(Lines lines, Header header, out byte[] parameters)
    {
        parameters = Array.Empty<byte>();
        string element = header.Element!;
        long expectedBytes = DataBytes(header.LayerSizes!, header.ParameterCount, element);
        // The base64 text bounds the data, so a header that claims a huge topology allocates nothing big.
        var data = new MemoryStream((int)Math.Min(expectedBytes, lines.TextLength));
        int number = header.DataLine + 1;
        for (; number <= lines.Count && lines[number] != "end"; number++)
        {
            byte[] chunk;
            try
            {
                chunk = Convert.FromBase64String(lines[number]);
            }
            catch (FormatException)
            {
                return header.Malformed(number, $"expected base64 data or 'end', found {lines.Found(number)}");
            }
            data.Write(chunk, 0, chunk.Length);
        }
        if (number > lines.Count) return header.Malformed(number, "expected 'end' after the data, found the end of the file (truncated)");
        if (data.Length != expectedBytes)
        {
            string other = element == "float32" ? "float64" : "float32";
            if (element != Int8 && data.Length == header.ParameterCount * ElementSize(other))
            {
                return header.Malformed(3, $"the data holds {header.ParameterCount} {other} values ({data.Length} bytes), but line 3 says element {element} (which would be {expectedBytes} bytes)");
            }
            return header.Malformed(number,
                $"expected {expectedBytes} bytes of data ({(element == Int8 ? $"the int8 layout of {header.ParameterCount} parameters" : $"{header.ParameterCount} {element} values")}), found {data.Length}{(data.Length < expectedBytes ? " (truncated)" : "")}");
        }
        for (int rest = number + 1; rest <= lines.Count; rest++)
        {
            if (lines[rest].Length != 0) return header.Malformed(rest, $"expected nothing after 'end', found {lines.Found(rest)}");
        }
        parameters = data.ToArray();
        return null;
    }

    /// <summary>
    /// The values of an int8 network's data that its readers and kernels rely on: every scale finite and positive, every
    /// bias finite, every weight code in −127…127. Returns what is wrong and where (the byte offset in the data), or null.
    /// </summary>
    private static string? CheckInt8Data(byte[] data, int[] layerSizes)
    {
        int offset = 0;
        for (int l = 1; l < layerSizes.Length; l++)
        {
            int inputs = layerSizes[l - 1], outputs = layerSizes[l];
            if (inputs > MaxInt8Inputs) return $"layer {l} takes {inputs} inputs: an int8 layer takes at most {MaxInt8Inputs}, for its int32 sums to stay exact";
            if (Scale(offset) is { } inputScale) return $"layer {l}'s input scale (data byte {offset}): expected a finite positive float32, found {inputScale}";
            float input = Float(offset);
            offset += 4;
            for (int j = 0; j < outputs; j++, offset += 4)
            {
                if (Scale(offset) is { } weightScale) return $"layer {l}'s weight scale of row {j} (data byte {offset}): expected a finite positive float32, found {weightScale}";
                float multiplier = Float(offset) * input;
                if (float.IsInfinity(multiplier)) return $"layer {l}'s weight scale of row {j} (data byte {offset}): its product with the input scale, {multiplier.ToString("R", CultureInfo.InvariantCulture)}, is not a finite float32";
            }
            for (int j = 0; j < outputs; j++, offset += 4)
            {
                float bias = Float(offset);
                if (float.IsNaN(bias) || float.IsInfinity(bias)) return $"layer {l}'s bias {j} (data byte {offset}): expected a finite float32, found {bias.ToString("R", CultureInfo.InvariantCulture)}";
            }
            for (int k = 0; k < outputs * inputs; k++, offset++)
            {
                if (data[offset] == 0x80) return $"layer {l}'s weight [{k / inputs}, {k % inputs}] (data byte {offset}): expected an int8 code in -127...127, found -128";
            }
        }
        return null;

        float Float(int at) => BitConverter.ToSingle(data, at);

        string? Scale(int at)
        {
            float scale = Float(at);
            return scale > 0 && !float.IsInfinity(scale) ? null : scale.ToString("R", CultureInfo.InvariantCulture);
        }
    }
}
