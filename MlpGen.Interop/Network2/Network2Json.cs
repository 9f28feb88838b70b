using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MlpGen.Persistence;

namespace MlpGen.Interop.Network2;

/// <summary>
/// The JSON of Michael Nielsen's network2.py (<c>Network.save</c> and <c>load</c>):
/// <c>{"sizes": [784, 30, 10], "weights": [[[w, …] × out] per layer], "biases": [[[b] × out] per layer], "cost": "CrossEntropyCost"}</c>,
/// weights [out][in] per layer, biases [out][1], sigmoid neurons throughout, float64. Numbers are written in the
/// shortest form that reads back to the same double, so a file read and written again holds the same numbers.
/// </summary>
internal static class Network2Json
{
    private static readonly (string Name, CostFunction Cost)[] Costs = { ("QuadraticCost", CostFunction.Quadratic), ("CrossEntropyCost", CostFunction.CrossEntropy) };

    /// <exception cref="ModelFormatException">Not a network2.py file; the message names the JSON path, what was expected and found.</exception>
    public static NetworkWeights Read(ReadOnlyMemory<byte> bytes, string path)
    {
        ModelFormatException Refuse(string problem) => new(path, problem);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Refuse($"not JSON: {Where(e)}");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Refuse($"expected a JSON object with sizes, weights, biases and cost (network2.py's save), found {Kind(root)}");
            JsonElement Member(string name) => root.TryGetProperty(name, out JsonElement value)
                ? value
                : throw Refuse($"expected the member \"{name}\" of network2.py's save (sizes, weights, biases, cost), found none");

            JsonElement sizesElement = Array(Member("sizes"), "sizes");
            var sizes = new List<int>();
            foreach (JsonElement size in sizesElement.EnumerateArray())
            {
                if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out int n) || n <= 0)
                    throw Refuse($"sizes[{sizes.Count}]: expected a layer size of at least 1, found {Text(size)}");
                sizes.Add(n);
            }
            if (sizes.Count < 2) throw Refuse($"sizes: expected at least two layer sizes, found {sizes.Count}");
            string costName = Member("cost") is { ValueKind: JsonValueKind.String } c ? String(c, "cost") : throw Refuse($"cost: expected a string, found {Text(root.GetProperty("cost"))}");
            CostFunction cost = Costs.FirstOrDefault(k => k.Name == costName) is { Name: not null } known
                ? known.Cost
                : throw Refuse($"cost: expected QuadraticCost or CrossEntropyCost (network2.py's costs), found \"{FileText.Excerpt(costName)}\"");

            JsonElement weights = Array(Member("weights"), "weights"), biases = Array(Member("biases"), "biases");
            int layers = sizes.Count - 1;
            if (weights.GetArrayLength() != layers) throw Refuse($"weights: expected {layers} matrices for sizes [{string.Join(", ", sizes)}], found {weights.GetArrayLength()}");
            if (biases.GetArrayLength() != layers) throw Refuse($"biases: expected {layers} vectors for sizes [{string.Join(", ", sizes)}], found {biases.GetArrayLength()}");
            // Read in the order of ParameterLayout (W_l row by row, then b_l, layer by layer), so that the values are
            // appended where they belong; the list grows only with values really read, whatever sizes claims.
            var parameters = new List<double>();
            for (int l = 0; l < layers; l++)
            {
                int inputs = sizes[l], outputs = sizes[l + 1];
                JsonElement matrix = Array(weights[l], $"weights[{l}]");
                if (matrix.GetArrayLength() != outputs) throw Refuse($"weights[{l}]: expected {outputs} rows (one per neuron of layer {l + 1}), found {matrix.GetArrayLength()}");
                for (int j = 0; j < outputs; j++)
                {
                    JsonElement row = Array(matrix[j], $"weights[{l}][{j}]");
                    if (row.GetArrayLength() != inputs) throw Refuse($"weights[{l}][{j}]: expected {inputs} numbers (one per input), found {row.GetArrayLength()}");
                    for (int i = 0; i < inputs; i++) parameters.Add(Number(row[i], $"weights[{l}][{j}][{i}]"));
                }
                JsonElement vector = Array(biases[l], $"biases[{l}]");
                if (vector.GetArrayLength() != outputs) throw Refuse($"biases[{l}]: expected {outputs} rows, found {vector.GetArrayLength()}");
                for (int j = 0; j < outputs; j++)
                {
                    JsonElement row = Array(vector[j], $"biases[{l}][{j}]");
                    if (row.GetArrayLength() != 1) throw Refuse($"biases[{l}][{j}]: expected [b] (a column vector's row), found {row.GetArrayLength()} numbers");
                    parameters.Add(Number(row[0], $"biases[{l}][{j}][0]"));
                }
            }
            return new NetworkWeights(sizes, Enumerable.Repeat(ActivationFunction.Sigmoid, layers).ToArray(), cost, WeightsElement.Float64, parameters.ToArray());
        }

        // A string of invalid UTF-8 or with a lone surrogate escape ("\ud800") is valid JSON to the parser, but has no
        // .NET string: GetString throws InvalidOperationException.
        string String(JsonElement element, string where)
        {
            try
            {
                return element.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw Refuse($"{where}: expected a string of text, found one that is not valid UTF-8 or holds a lone surrogate escape (\\ud800–\\udfff)");
            }
        }

        JsonElement Array(JsonElement element, string where) =>
            element.ValueKind == JsonValueKind.Array ? element : throw Refuse($"{where}: expected an array, found {Text(element)}");

        double Number(JsonElement element, string where) =>
            element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double value) && double.IsFinite(value)
                ? value
                : throw Refuse($"{where}: expected a number, found {Text(element)}");
    }

    /// <summary>The JSON text of <paramref name="network"/>, if network2.py can load it: sigmoid throughout, quadratic or cross-entropy cost.</summary>
    /// <exception cref="ModelFormatException">network2.py cannot hold this network; the message says why (for <paramref name="path"/>, the output).</exception>
    public static byte[] Write(NetworkWeights network, string path)
    {
        if (network.Activations is null) throw new ModelFormatException(path, ModelFile.UnknownActivations);
        if (network.Activations.Any(a => a != ActivationFunction.Sigmoid))
            throw new ModelFormatException(path, $"network2.py's JSON holds sigmoid networks only; this one has the activations {network.ActivationNames}");
        string costName = network.Cost switch
        {
            CostFunction.Quadratic => "QuadraticCost",
            CostFunction.CrossEntropy => "CrossEntropyCost",
            null => throw new ModelFormatException(path, "network2.py's JSON names the cost (QuadraticCost or CrossEntropyCost); this network records none (imported from ONNX?)"),
            { } other => throw new ModelFormatException(path, $"network2.py's JSON holds the costs QuadraticCost and CrossEntropyCost; this network was trained on {NetworkRules.Name(other)}"),
        };
        int nonFinite = System.Array.FindIndex(network.Parameters, p => !double.IsFinite(p));
        if (nonFinite >= 0) throw new ModelFormatException(path, $"parameter {nonFinite} is {network.Parameters[nonFinite]}, which JSON cannot hold");

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("sizes");
            foreach (int size in network.LayerSizes) json.WriteNumberValue(size);
            json.WriteEndArray();
            var layout = new ParameterLayout(network.LayerSizes);
            json.WriteStartArray("weights");
            for (int l = 1; l <= layout.Layers; l++)
            {
                int inputs = layout.Size(l - 1), outputs = layout.Size(l);
                long offset = layout.WeightOffset(l);
                json.WriteStartArray();
                for (int j = 0; j < outputs; j++)
                {
                    json.WriteStartArray();
                    for (int i = 0; i < inputs; i++) Write(json, network.Parameters[offset + (long)j * inputs + i]);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("biases");
            for (int l = 1; l <= layout.Layers; l++)
            {
                long offset = layout.BiasOffset(l);
                json.WriteStartArray();
                for (int j = 0; j < layout.Size(l); j++)
                {
                    json.WriteStartArray();
                    Write(json, network.Parameters[offset + j]);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteString("cost", costName);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The shortest text that parses back to the same double ("R"), as Python's repr writes it.</summary>
    private static void Write(Utf8JsonWriter json, double value) =>
        json.WriteRawValue(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), skipInputValidation: true);

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Text(JsonElement element)
    {
        string raw;
        try
        {
            raw = element.GetRawText();
        }
        catch (InvalidOperationException)   // text that is not valid UTF-8
        {
            return $"{Kind(element)} that is not valid UTF-8";
        }
        return FileText.Excerpt(raw);
    }

    /// <summary>
    /// Where and why System.Text.Json stopped, in one line: <c>line 3, byte 7: 't\nrue' is an invalid JSON literal. …</c>
    /// (its message quotes the bytes it met, which may hold a line break; its positions count from 0, people's from 1).
    /// </summary>
    private static string Where(JsonException e)
    {
        string why = e.Message;
        int position = why.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        if (position >= 0) why = why[..position];
        string where = e.LineNumber is { } line && e.BytePositionInLine is { } column ? $"line {line + 1}, byte {column + 1}: " : "";
        return where + FileText.Excerpt(why, maxLength: 2 * FileText.MaxLength);
    }
}
