using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Quantization;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// int8 networks (issue 20): baking a quantized weights file makes the generator write integer kernels behind Predict,
/// PredictBatch and Classify. Their codes and int32 sums are exact, so on every kernel path (CI runs these tests on the
/// AVX2, SSSE3, portable Vector128 and scalar paths) the outputs equal the plain integer reference, <see cref="QuantizedNetwork"/>, bit for
/// bit wherever no transcendental function follows the sums (ReLU, leaky ReLU, identity); a softmax output differs from
/// the reference's MathF-based softmax only in the exponential's last bits, and never in the class.
/// </summary>
public sealed class Int8NetworkTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private static uint[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, uint>(values).ToArray();

    /// <summary>Seeded uniform parameters for a network of these sizes (weights up to 1.7·√(2/n_in), biases up to ±0.1), as a weights file has them.</summary>
    internal static NetworkWeights RandomWeights(int[] sizes, ActivationFunction[] activations, int seed)
    {
        var random = new Random(seed);
        double[] parameters = new double[ParameterLayout.CountOf(sizes)];
        var layout = new ParameterLayout(sizes);
        for (int l = 1; l < sizes.Length; l++)
        {
            double scale = Math.Sqrt(2.0 / sizes[l - 1]);
            for (long i = layout.WeightOffset(l); i < layout.BiasOffset(l); i++) parameters[i] = (random.NextDouble() * 2 - 1) * scale * 1.7;
            for (long i = layout.BiasOffset(l); i < layout.BiasOffset(l) + sizes[l]; i++) parameters[i] = (random.NextDouble() - 0.5) * 0.2;
        }
        return new NetworkWeights(sizes, activations, CostFunction.Quadratic, WeightsElement.Float32, parameters);
    }

    private static float[] Uniform(int count, int seed, float low, float high)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();
    }

    /// <summary>Writes the quantized network to a file, bakes it into <paramref name="declaration"/> (class App.Q) as literals or as a resource, and loads it.</summary>
    private object Bake(QuantizedNetwork quantized, string declaration, bool asResource) => Bake(quantized, declaration, asResource, out _);

    /// <summary><see cref="Bake(QuantizedNetwork, string, bool)"/>, and the generated source of the class.</summary>
    private object Bake(QuantizedNetwork quantized, string declaration, bool asResource, out string source)
    {
        string path = _temporary.File($"q-{Guid.NewGuid():N}.mlpw");
        WeightsFile.Write(path, quantized);
        string text = File.ReadAllText(path);
        var file = new InMemoryAdditionalText("/src/q.mlpw", text);
        Dictionary<string, string> names = asResource ? new() { [file.Path] = "MlpGen.Weights/q.mlpw" } : new();
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile("namespace App; " + declaration), new AdditionalFileMetadata(names), file);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        source = string.Concat(result.GeneratedSources.Select(generated => generated.SourceText.ToString()));
        Dictionary<string, byte[]> resources = new();
        if (asResource) resources["MlpGen.Weights/q.mlpw"] = BakedWeightsTests.ParameterBytes(text);
        Assembly assembly = GeneratorHarness.Load(output, resources);
        return Activator.CreateInstance(assembly.GetType("App.Q")!)!;
    }

    /// <summary>The generated class's members, through reflection with span arguments (delegates over its methods).</summary>
    private delegate void PredictFn(ReadOnlySpan<float> input, Span<float> output);

    private delegate int ClassifyFn(ReadOnlySpan<float> input);

    private static PredictFn Predict(object network) => network.GetType().GetMethod("Predict")!.CreateDelegate<PredictFn>(network);

    private static PredictFn PredictBatch(object network) =>
        network.GetType().GetMethods().Single(m => m.Name == "PredictBatch" && m.GetParameters().Length == 2).CreateDelegate<PredictFn>(network);

    private static ClassifyFn Classify(object network) => network.GetType().GetMethod("Classify")!.CreateDelegate<ClassifyFn>(network);

    private static void ParallelPredictBatch(object network, float[] inputs, float[] outputs, int threads) =>
        network.GetType().GetMethods().Single(m => m.Name == "PredictBatch" && m.GetParameters().Length == 3)
            .Invoke(network, new object[] { new ReadOnlyMemory<float>(inputs), new Memory<float>(outputs), threads });

    /// <summary>Every output of the generated network, one at a time, in a batch and on 3 threads, equals the reference's bit for bit.</summary>
    private static void AssertEqualsReference(object network, QuantizedNetwork reference, float[] inputs)
    {
        int n0 = reference.LayerSizes[0], outputs = reference.LayerSizes[^1], count = inputs.Length / n0;
        float[] expected = new float[count * outputs], single = new float[count * outputs], batch = new float[count * outputs], parallel = new float[count * outputs];
        PredictFn predict = Predict(network), predictBatch = PredictBatch(network);
        for (int s = 0; s < count; s++)
        {
            reference.Predict(inputs.AsSpan(s * n0, n0), expected.AsSpan(s * outputs, outputs));
            predict(inputs.AsSpan(s * n0, n0), single.AsSpan(s * outputs, outputs));
        }
        predictBatch(inputs, batch);
        ParallelPredictBatch(network, inputs, parallel, threads: 3);
        for (int s = 0; s < count; s++)
        {
            Assert.True(Bits(expected.AsSpan(s * outputs, outputs)).SequenceEqual(Bits(single.AsSpan(s * outputs, outputs))),
                $"sample {s}: Predict gives {string.Join(", ", single.AsSpan(s * outputs, outputs).ToArray())}, the reference {string.Join(", ", expected.AsSpan(s * outputs, outputs).ToArray())}");
        }
        Assert.Equal(Bits(single), Bits(batch));
        Assert.Equal(Bits(single), Bits(parallel));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ReLUAndIdentity_OnEveryPath_EqualTheIntegerReference_BitForBit(bool asResource, bool fullRange)
    {
        // Odd sizes: inputs fewer than a vector of bytes, rows not a multiple of 4, padding in every layer. Quantized for the
        // paired sums (the default) or on the full range, whose layers the kernels sum unpaired.
        int[] sizes = [45, 37, 13, 6];
        NetworkWeights weights = RandomWeights(sizes, [ActivationFunction.ReLU, ActivationFunction.ReLU, ActivationFunction.Identity], seed: 11);
        float[] inputs = Uniform(45 * 203, seed: 2, low: 0f, high: 1f);   // pixels: codes never negative
        QuantizedNetwork reference = Quantizer.Quantize(weights, inputs.AsSpan(0, 45 * 100), fullRange);
        object network = Bake(reference, "[MlpGen.Network(45, 37, 13, 6, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity, "
            + "Weights = \"q.mlpw\")] public partial class Q { }", asResource);
        AssertEqualsReference(network, reference, inputs);
    }

    /// <summary>
    /// The paired sums at their bound and one past it. Every input codes as 127, −127 or 0, and the four weights of each
    /// 16-bit lane of the paired kernels (bytes 2t, 2t+1, 2t+32, 2t+33 of each 64-byte block) are, in every lane:
    /// <list type="bullet">
    /// <item>127, 127, 4, 0 (or their negations): magnitudes adding up to 258, the layer fits any codes (127·258 = 32,766), and
    /// both loops are paired;</item>
    /// <item>127, 73, −100, 0: positive 200, negative 100, it fits non-negative codes only (the signed loop would reach
    /// 127·300 = 38,100);</item>
    /// <item>127, 127, −5, 0: positive 254, magnitudes 259, the same, one past the bound for signed codes;</item>
    /// <item>127, 127, 4, 0 but 127, 127, 5, 0 in one lane of one row: it fits nothing (127·259 = 32,893), and neither loop is
    /// paired.</item>
    /// </list>
    /// The inputs drive each loop at its largest lane sums (all codes 127, or codes with the signs of the weights: every product
    /// positive), the non-negative ones also in a batch of their own (a tile with a negative code takes the signed loop).
    /// Every output equals the integer reference bit for bit; a wrong choice of form would wrap a lane by 65,536.
    /// </summary>
    [Theory]
    [InlineData("127,127,4,0", 16)]
    [InlineData("-127,-127,-4,0", 16)]
    [InlineData("127,73,-100,0", 8)]
    [InlineData("127,127,-5,0", 8)]
    [InlineData("none", 0)]
    public void PairedSums_AtTheirBound_AndOnePastIt_AreChosenFromTheWeights_AndEqualTheReference(string lane, int pairedLoops)
    {
        const int n = 200, m = 6;   // K = 224: three paired 64-byte blocks and a last 32 bytes alone
        var codes = new sbyte[m * n];
        for (int j = 0; j < m; j++)
        {
            for (int block = 0; block + 64 <= n; block += 64)
            {
                for (int t = 0; t < 32; t += 2)
                {
                    int[] weights = lane == "none" ? (j == 3 && t == 10 ? [127, 127, 5, 0] : [127, 127, 4, 0]) : lane.Split(',').Select(int.Parse).ToArray();
                    // Alternate the lane's order so that both blocks and both bytes of a pair carry the large weights.
                    int[] at = t / 2 % 2 == 0 ? [block + t, block + t + 1, block + t + 32, block + t + 33] : [block + t + 32, block + t + 33, block + t, block + t + 1];
                    for (int v = 0; v < 4; v++) codes[j * n + at[v]] = (sbyte)weights[v];
                }
            }
            for (int i = n - n % 64; i < n; i++) codes[j * n + i] = (sbyte)(i % 2 == 0 ? 127 : -127);   // the unpaired tail: full range
        }
        float[] scales = Enumerable.Range(0, m).Select(j => 1f / 4096 * (j + 1)).ToArray();
        float[] biases = Enumerable.Range(0, m).Select(j => 0.25f * j - 0.5f).ToArray();
        var layer = new QuantizedLayer(n, m, inputScale: 1f / 127, scales, biases, codes);
        var reference = new QuantizedNetwork([n, m], [ActivationFunction.Identity], CostFunction.Quadratic, [layer]);
        object network = Bake(reference, $"[MlpGen.Network({n}, {m}, Output = MlpGen.NetworkOutput.Identity, Weights = \"q.mlpw\")] public partial class Q {{ }}",
            asResource: false, out string source);

        // The form each loop takes, decided from the weights: per loop (non-negative codes, signed codes), the one-sample and
        // tile kernels, each with a four-row and a one-row loop, on AVX2 and SSSE3.
        Assert.Equal(pairedLoops, source.Split("// Paired:").Length - 1);

        // Non-negative codes: all 127, zeros, and mixtures of 127 and 0. Signed: the signs of row 0's weights, all −127,
        // alternating, mixtures of all three.
        float[] Samples(int count, Func<int, int, float> input) =>
            Enumerable.Range(0, count).SelectMany(s => Enumerable.Range(0, n).Select(i => input(s, i))).ToArray();
        float[] nonNegative = Samples(6, (s, i) => s switch { 0 or 1 => 1f, 2 => 0f, _ => (i * 7 + s) % 2 });
        float[] signed = Samples(6, (s, i) => s switch { 0 or 1 => codes[i] < 0 ? -1f : 1f, 2 => -1f, 3 => i % 2 == 0 ? 1f : -1f, _ => (i * 7 + s) % 3 - 1 });
        AssertEqualsReference(network, reference, nonNegative);
        AssertEqualsReference(network, reference, [.. nonNegative, .. signed]);
    }

    /// <summary>
    /// Edge shapes (no hidden layer, one to three outputs, fewer than 4 rows, inputs not a multiple of 16 or 32, a 5,000-input
    /// layer) with non-finite and out-of-range inputs (NaN codes as −127, ±∞ and 1e30 as ±127).
    /// </summary>
    [Theory]
    [InlineData("40,3", "Identity")]
    [InlineData("1,2", "Identity")]
    [InlineData("33,1", "Identity")]
    [InlineData("200,5,2", "ReLU,Identity")]
    [InlineData("17,3,3", "LeakyReLU,Identity")]
    [InlineData("64,4,1", "ReLU,Identity")]
    [InlineData("5000,7,3", "ReLU,Identity")]
    [InlineData("100,3,2,1", "ReLU,LeakyReLU,Identity")]
    public void EdgeShapes_AndNonFiniteInputs_EqualTheReference_BitForBit(string sizesText, string activationsText)
    {
        int[] sizes = sizesText.Split(',').Select(int.Parse).ToArray();
        ActivationFunction[] activations = activationsText.Split(',').Select(Enum.Parse<ActivationFunction>).ToArray();
        int n0 = sizes[0];
        var random = new Random(7);
        int count = 37;
        float[] inputs = Enumerable.Range(0, n0 * count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        QuantizedNetwork reference = Quantizer.Quantize(RandomWeights(sizes, activations, 3), inputs.AsSpan(0, n0 * Math.Min(count, 10)));
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
        AssertEqualsReference(Bake(reference, declaration, asResource: false), reference, inputs);
    }

    [Fact]
    public void SignedInputs_AndLeakyReLU_TakeTheSignedSums_AndEqualTheReference_BitForBit()
    {
        // Inputs of both signs, and leaky ReLU hidden layers whose values are negative too: the sums of signed codes.
        int[] sizes = [70, 40, 9];
        NetworkWeights weights = RandomWeights(sizes, [ActivationFunction.LeakyReLU, ActivationFunction.Identity], seed: 5);
        float[] inputs = Uniform(70 * 131, seed: 3, low: -1f, high: 1f);
        // A few inputs beyond the calibrated range (clamped to ±127) and exact half steps (rounded to even).
        inputs[0] = 50f;
        inputs[1] = -50f;
        QuantizedNetwork reference = Quantizer.Quantize(weights, inputs.AsSpan(70, 70 * 60));
        float step = reference.Layers[0].InputScale;
        inputs[2] = 2.5f * step;
        inputs[3] = -3.5f * step;
        object network = Bake(reference, "[MlpGen.Network(70, 40, 9, Hidden = MlpGen.NetworkActivation.LeakyReLU, Output = MlpGen.NetworkOutput.Identity, "
            + "Weights = \"q.mlpw\")] public partial class Q { }", asResource: false);
        AssertEqualsReference(network, reference, inputs);
    }

    [Fact]
    public void SoftmaxOutput_OnRealDigits_GivesTheReferencesClass_AndItsProbabilitiesWithinRounding()
    {
        // 784-30-10 ReLU/softmax trained briefly on real digits, quantized with training digits as calibration, baked as a resource.
        Dataset<float> train = TestData.Train, test = TestData.Test;
        var trained = new Net784x30x10ReLUSoftmax(seed: 4);
        Sgd.Train(trained, train.Slice(0, 4000), new SgdOptions { Epochs = 2, MiniBatchSize = 32, Eta = 0.001, Optimizer = Optimizer.Adam(), Seed = 4 });
        string path = _temporary.File("float.mlpw");
        WeightsFile.Save(path, trained);
        QuantizedNetwork reference = Quantizer.Quantize(WeightsFile.Read(path), train.Inputs[..(1000 * 784)]);
        object network = Bake(reference, "[MlpGen.Network(784, 30, 10, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax, "
            + "Weights = \"q.mlpw\")] public partial class Q { }", asResource: true);

        PredictFn predict = Predict(network);
        ClassifyFn classify = Classify(network);
        float[] expected = new float[10], actual = new float[10];
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            reference.Predict(test.Input(i), expected);
            predict(test.Input(i), actual);
            for (int k = 0; k < 10; k++) Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-6f, $"image {i}, output {k}: {actual[k]} against the reference's {expected[k]}");
            int label = classify(test.Input(i));
            Assert.Equal(reference.Classify(test.Input(i)), label);
            if (label == test.Label(i)) correct++;
        }
        Assert.True(correct > test.Count * 0.85, $"the int8 digits network classifies {correct} / {test.Count}");
        float[] batch = new float[test.Count * 10], single = new float[test.Count * 10];
        for (int i = 0; i < test.Count; i++) predict(test.Input(i), single.AsSpan(i * 10, 10));
        PredictBatch(network)(test.Inputs, batch);
        Assert.Equal(Bits(single), Bits(batch));
    }

    /// <summary>
    /// The SHA-256 of every output, one at a time and in a batch, against the digest this test computed when it was written
    /// (AVX2, AMD EPYC Zen 3): CI runs it on the Vector128 and scalar paths too, so every path gives these bits, exponentials
    /// included (an int8 network's activations take the kernels' own exponential on every path and sum its softmax in one order).
    /// </summary>
    [Theory]
    [InlineData("MlpGen.InferenceSample/digits-int8.mlpw", "[MlpGen.Network(784, 16, 16, 10, Weights = \"q.mlpw\")] public partial class Q { }",
        "854c9e1465ca98691a28565cd5420f824194b7eee217b146f4d7f4fef034d795")]
    [InlineData("MlpGen.Tests/Fixtures/int8-gelu-silu-tanh.mlpw", "[MlpGen.Network(30, 24, 16, 12, 5, HiddenLayers = new[] { MlpGen.NetworkActivation.GELU, "
        + "MlpGen.NetworkActivation.SiLU, MlpGen.NetworkActivation.Tanh }, Output = MlpGen.NetworkOutput.LogSoftmax, Cost = MlpGen.NetworkCost.LogLikelihood, "
        + "Weights = \"q.mlpw\")] public partial class Q { }", "9efd26b2f8adc010aedde4343eb74102b09dcb2e995ac7d79e389eb4ee51406e")]
    // 12 softmax outputs: e^z on one Vector256 and 4 scalars (AVX2), three Vector128s, or 12 scalars, the same bits each way.
    [InlineData("MlpGen.Tests/Fixtures/int8-relu-softmax.mlpw", "[MlpGen.Network(30, 20, 12, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax, "
        + "Cost = MlpGen.NetworkCost.LogLikelihood, Weights = \"q.mlpw\")] public partial class Q { }", "b2d49af84f628eadea605e309c26b576b994fba2b9e0dd13a46449efdd8de640")]
    public void SigmoidGeluSiluTanhAndSoftmaxes_GiveTheSameBitsOnEveryPath(string file, string declaration, string digest)
    {
        QuantizedNetwork reference = WeightsFile.ReadQuantized(Path.Combine(Repository.Root, file));
        object network = Bake(reference, declaration, asResource: true);
        int n0 = reference.LayerSizes[0], outputs = reference.LayerSizes[^1];
        // The test digits for the digits network; seeded values of both signs, some beyond the calibrated range, for the others.
        var random = new Random(1);
        float[] inputs = n0 == 784 ? TestData.Test.Inputs.ToArray() : Enumerable.Range(0, n0 * 300).Select(_ => (float)(random.NextDouble() * 5 - 2.5)).ToArray();
        int count = inputs.Length / n0;
        float[] single = new float[count * outputs], batch = new float[count * outputs];
        PredictFn predict = Predict(network);
        for (int s = 0; s < count; s++) predict(inputs.AsSpan(s * n0, n0), single.AsSpan(s * outputs, outputs));
        PredictBatch(network)(inputs, batch);
        Assert.Equal(Bits(single), Bits(batch));
        string actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(MemoryMarshal.AsBytes(single.AsSpan())));
        Assert.True(digest == actual, $"the outputs digest {actual}, not {digest}");
    }

    [Fact]
    public void Predict_AllocatesNothing_AndManyThreadsAtOnceGetTheSerialResults()
    {
        int[] sizes = [64, 32, 4];
        NetworkWeights weights = RandomWeights(sizes, [ActivationFunction.ReLU, ActivationFunction.Identity], seed: 9);
        float[] inputs = Uniform(64 * 400, seed: 4, low: 0f, high: 1f);
        QuantizedNetwork reference = Quantizer.Quantize(weights, inputs);
        object network = Bake(reference, "[MlpGen.Network(64, 32, 4, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity, "
            + "Weights = \"q.mlpw\")] public partial class Q { }", asResource: false);
        PredictFn predict = Predict(network);
        float[] output = new float[4];
        predict(inputs.AsSpan(0, 64), output);
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            for (int s = 0; s < 100; s++) predict(inputs.AsSpan(s * 64, 64), output);
        }));

        float[] serial = new float[400 * 4];
        for (int s = 0; s < 400; s++) predict(inputs.AsSpan(s * 64, 64), serial.AsSpan(s * 4, 4));
        var concurrent = new float[4][];
        Parallel.For(0, 4, t =>
        {
            PredictFn mine = Predict(network);
            var outputs = new float[400 * 4];
            for (int repeat = 0; repeat < 5; repeat++)
            {
                for (int s = 0; s < 400; s++) mine(inputs.AsSpan(s * 64, 64), outputs.AsSpan(s * 4, 4));
            }
            concurrent[t] = outputs;
        });
        foreach (float[] outputs in concurrent) Assert.Equal(Bits(serial), Bits(outputs));
    }
}
