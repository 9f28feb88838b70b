using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MlpGen.Interop;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static MlpGen.Tests.Interop.InteropFixtures;

namespace MlpGen.Tests.Interop;

/// <summary>
/// network2.py's JSON (Network.save, as Python's json module writes it) reads into MlpGen and back with the same
/// numbers, and its network, baked, computes what network2.py's feedforward computes.
/// </summary>
public sealed class Network2JsonTests(ITestOutputHelper output) : IDisposable
{
    private const string Name = "network2-784-6-10";

    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    /// <summary>Every number of a network2.py file in document order, as the doubles they parse to, and the other members.</summary>
    private static (long[] Numbers, string Sizes, string Cost) Contents(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        long[] numbers = root.GetProperty("weights").EnumerateArray().SelectMany(m => m.EnumerateArray()).SelectMany(r => r.EnumerateArray())
            .Concat(root.GetProperty("biases").EnumerateArray().SelectMany(v => v.EnumerateArray()).SelectMany(r => r.EnumerateArray()))
            .Select(n => BitConverter.DoubleToInt64Bits(n.GetDouble())).ToArray();
        return (numbers, root.GetProperty("sizes").GetRawText().Replace(" ", ""), root.GetProperty("cost").GetString()!);
    }

    [Fact]
    public void JsonToWeightsToJson_GivesTheSameNumbers()
    {
        string weights = _temporary.File("net.mlpw"), json = _temporary.File("net.json");
        NetworkWeights read = ModelFile.Read(Fixture(Name + ".json"));
        Assert.Equal("784-6-10", read.Topology);
        Assert.Equal("sigmoid sigmoid", read.ActivationNames);
        Assert.Equal(CostFunction.CrossEntropy, read.Cost);
        Assert.Equal(WeightsElement.Float64, read.Element);
        ModelFile.Write(weights, read);
        Assert.Contains("element float64\n", File.ReadAllText(weights));
        ModelFile.Write(json, ModelFile.Read(weights));

        var (expected, sizes, cost) = Contents(Fixture(Name + ".json"));
        var (actual, sizesAgain, costAgain) = Contents(json);
        Assert.Equal(784 * 6 + 6 + 6 * 10 + 10, actual.Length);
        Assert.Equal(expected, actual);   // bit for bit, every number
        Assert.Equal(sizes, sizesAgain);
        Assert.Equal("CrossEntropyCost", cost);
        Assert.Equal(cost, costAgain);
    }

    [Fact]
    public void Baked_ComputesWhatNetwork2pyComputes()
    {
        INetwork<double> baked = Bake<double>(ModelFile.Read(Fixture(Name + ".json")));
        double[] inputs = Images.Select(p => (double)p).ToArray();
        var actual = new double[Samples * 10];
        baked.PredictBatch(inputs, actual);
        double[] expected = ExpectedDouble(Name);
        double difference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"{Name}: max |MlpGen − network2.py (numpy float64)| = {difference:E2}");
        Assert.True(difference <= 1e-12, $"MlpGen's outputs differ from numpy's by up to {difference:E2}");
    }

    [Theory]
    [InlineData("[1, 2]", "expected a JSON object with sizes, weights, biases and cost (network2.py's save), found an array")]
    [InlineData("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[0]]]}", "expected the member \"cost\" of network2.py's save (sizes, weights, biases, cost), found none")]
    [InlineData("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[0]]], \"cost\": \"HingeCost\"}", "cost: expected QuadraticCost or CrossEntropyCost (network2.py's costs), found \"HingeCost\"")]
    [InlineData("{\"sizes\": [2, 1], \"weights\": [[[1]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}", "weights[0][0]: expected 2 numbers (one per input), found 1")]
    [InlineData("{\"sizes\": [2, 1], \"weights\": [[[1, \"x\"]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}", "weights[0][0][1]: expected a number, found \"x\"")]
    [InlineData("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[0]], \"cost\": \"QuadraticCost\"}", "biases[0][0]: expected an array, found 0")]
    [InlineData("{\"sizes\": [2, 0], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}", "sizes[1]: expected a layer size of at least 1, found 0")]
    [InlineData("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[1e999]]], \"cost\": \"QuadraticCost\"}", "biases[0][0][0]: expected a number, found 1e999")]
    public void BadFile_IsRefusedWithItsJsonPath(string json, string expected)
    {
        string path = _temporary.File("bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Read(path));
        Assert.Equal($"{path}: {expected}", e.Message);
    }

    [Fact]
    public void StringsThatAreNotText_AreRefusedInOneLine()
    {
        // Valid JSON to the parser, but no .NET string: a lone surrogate escape, and bytes that are not UTF-8.
        static byte[] Json(string cost) => System.Text.Encoding.UTF8.GetBytes("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[0]]], \"cost\": \"" + cost + "\"}");
        byte[] invalid = Json("X").Select(b => b == (byte)'X' ? (byte)0xFF : b).ToArray();
        byte[] invalidSize = System.Text.Encoding.UTF8.GetBytes("{\"sizes\": [\"X\", 1]}").Select(b => b == (byte)'X' ? (byte)0xFF : b).ToArray();
        foreach ((byte[] bytes, string expected) in new[]
        {
            (Json("\\ud800"), "cost: expected a string of text, found one that is not valid UTF-8 or holds a lone surrogate escape (\\ud800–\\udfff)"),
            (invalid, "cost: expected a string of text, found one that is not valid UTF-8 or holds a lone surrogate escape (\\ud800–\\udfff)"),
            (invalidSize, "sizes[0]: expected a layer size of at least 1, found a string that is not valid UTF-8"),
        })
        {
            string path = _temporary.File("bad.json");
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Read(path));
            Assert.Equal($"{path}: {expected}", e.Message);
        }
    }

    [Fact]
    public void TruncatedFile_IsRefused()
    {
        string path = _temporary.File("cut.json");
        byte[] bytes = File.ReadAllBytes(Fixture(Name + ".json"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Read(path));
        Assert.StartsWith($"{path}: not JSON: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Version1Weights_OfUnknownActivations_AreRefusedForOnnxAndJson_AndStayVersion1AsWeights()
    {
        // The inference sample's weights: version 1, which records no activations (the sample trained sigmoid, tanh,
        // ReLU and softmax networks and saved them all so). Writing them as ONNX or JSON would guess.
        string version1 = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw");
        NetworkWeights read = ModelFile.Read(version1);
        foreach (string name in new[] { "v1.onnx", "v1.json" })
        {
            string path = _temporary.File(name);
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Write(path, read));
            Assert.Equal($"{path}: version 1 weights do not record their activations, which ONNX and network2.py's JSON need; load the file into its network class "
                + "(WeightsFile.Load) and save it with WeightsFile.Save, which writes version 2 with the class's activations, then convert that", e.Message);
        }
        Assert.Empty(Directory.GetFileSystemEntries(_temporary.Path));
        string copy = _temporary.File("v1.mlpw");
        ModelFile.Write(copy, read);
        Assert.StartsWith("MLPW 1\n", File.ReadAllText(copy));
        Assert.Null(ModelFile.Read(copy).Activations);
        Assert.Equal("[Network(784, 16, 16, 10, Weights = \"v1.mlpw\")]", NetworkDeclaration.Attribute(read, "v1.mlpw"));
    }

    [Theory]
    [InlineData("plain.mlpw")]
    [InlineData("quote\"and\\backslash.mlpw")]
    [InlineData("line\nbreak\u2028.mlpw")]
    public void TheDeclaredWeightsFile_IsAStringLiteralThatCompiles_WhateverTheFileName(string fileName)
    {
        NetworkWeights read = ModelFile.Read(Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw"));
        string attribute = NetworkDeclaration.Attribute(read, fileName);
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText($"{attribute} partial class Model {{ }}");
        Assert.Empty(tree.GetDiagnostics());
        var literal = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>()
            .Single(l => l.Token.Value is string);
        Assert.Equal(fileName, literal.Token.ValueText);
    }

    [Fact]
    public void NetworkNetwork2pyCannotHold_IsRefused_AndNothingIsWritten()
    {
        string path = _temporary.File("relu.json");
        NetworkWeights relu = ModelFile.Read(Fixture("relu-logits-gemm-dynamic.onnx"));
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Write(path, relu));
        Assert.Equal($"{path}: network2.py's JSON holds sigmoid networks only; this one has the activations relu identity", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_temporary.Path));
    }
}
