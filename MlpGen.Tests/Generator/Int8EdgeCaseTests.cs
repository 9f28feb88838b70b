using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using MlpGen.Persistence;
using MlpGen.Quantization;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// int8 networks of edge shapes (no hidden layer, one or two outputs, fewer than 4 rows, inputs not a multiple of 16 or 32, a
/// 5,000-input layer) with non-finite and out-of-range inputs (NaN codes as −127, ±∞ and 1e30 as ±127): every output equals
/// QuantizedNetwork's bit for bit, one at a time and in a batch (CI runs it on every int8 path: its name has Int8).
/// </summary>
public sealed class Int8EdgeCaseTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private static uint[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, uint>(values).ToArray();

    private (GeneratorRunResult Result, Compilation Output, string Text) Generate(QuantizedNetwork quantized, string declaration)
    {
        string path = _temporary.File($"q-{Guid.NewGuid():N}.mlpw");
        WeightsFile.Write(path, quantized);
        string text = File.ReadAllText(path);
        var file = new InMemoryAdditionalText("/src/q.mlpw", text);
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile("namespace App; " + declaration), file);
        return (result, output, text);
    }

    private delegate void PredictFn(ReadOnlySpan<float> input, Span<float> output);

    [Theory]
    [InlineData("40,3", "Identity")]
    [InlineData("1,2", "Identity")]
    [InlineData("33,1", "Identity")]
    [InlineData("200,5,2", "ReLU,Identity")]
    [InlineData("17,3,3", "LeakyReLU,Identity")]
    [InlineData("64,4,1", "ReLU,Identity")]
    [InlineData("5000,7,3", "ReLU,Identity")]
    [InlineData("100,3,2,1", "ReLU,LeakyReLU,Identity")]
    public void EdgeShapes_AndNonFiniteInputs_EqualTheReference(string sizesText, string activationsText)
    {
        int[] sizes = sizesText.Split(',').Select(int.Parse).ToArray();
        ActivationFunction[] activations = activationsText.Split(',').Select(Enum.Parse<ActivationFunction>).ToArray();
        int n0 = sizes[0], nL = sizes[^1];
        var random = new Random(7);
        int count = 37;
        float[] inputs = Enumerable.Range(0, n0 * count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        QuantizedNetwork reference = Quantizer.Quantize(Int8NetworkTests.RandomWeights(sizes, activations, 3), inputs.AsSpan(0, n0 * Math.Min(count, 10)));
        // Non-finite and out-of-range inputs: NaN (floor, −127), ±∞ (±127), huge.
        for (int s = 0; s < count; s++)
        {
            int i = random.Next(n0);
            inputs[s * n0 + i] = (s % 4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => 1e30f };
        }
        // A sample entirely NaN, one entirely +∞ (vector blocks included).
        Array.Fill(inputs, float.NaN, 0, n0);
        Array.Fill(inputs, float.PositiveInfinity, n0, n0);
        string hidden = sizes.Length > 2
            ? $"HiddenLayers = new[] {{ {string.Join(", ", activations.Take(activations.Length - 1).Select(a => "MlpGen.NetworkActivation." + a))} }}, "
            : "";
        string declaration = $"[MlpGen.Network({sizesText.Replace(",", ", ")}, {hidden}Output = MlpGen.NetworkOutput.Identity, Weights = \"q.mlpw\")] public partial class Q {{ }}";
        (GeneratorRunResult result, Compilation output, _) = Generate(reference, declaration);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assembly assembly = GeneratorHarness.Load(output);
        object network = Activator.CreateInstance(assembly.GetType("App.Q")!)!;
        PredictFn predict = network.GetType().GetMethod("Predict")!.CreateDelegate<PredictFn>(network);
        PredictFn batch = network.GetType().GetMethods().Single(m => m.Name == "PredictBatch" && m.GetParameters().Length == 2).CreateDelegate<PredictFn>(network);
        float[] expected = new float[count * nL], single = new float[count * nL], batched = new float[count * nL];
        for (int s = 0; s < count; s++)
        {
            reference.Predict(inputs.AsSpan(s * n0, n0), expected.AsSpan(s * nL, nL));
            predict(inputs.AsSpan(s * n0, n0), single.AsSpan(s * nL, nL));
        }
        batch(inputs, batched);
        for (int s = 0; s < count; s++)
        {
            Assert.True(Bits(expected.AsSpan(s * nL, nL)).SequenceEqual(Bits(single.AsSpan(s * nL, nL))),
                $"sample {s}: Predict {string.Join(", ", single.AsSpan(s * nL, nL).ToArray())}, reference {string.Join(", ", expected.AsSpan(s * nL, nL).ToArray())}");
        }
        Assert.Equal(Bits(single), Bits(batched));
    }
}
