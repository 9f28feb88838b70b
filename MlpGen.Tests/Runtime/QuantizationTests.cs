using System;
using System.IO;
using System.Linq;
using MlpGen.Persistence;
using MlpGen.Quantization;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// int8 quantization (issue 20): the quantizer's scales and codes, the integer arithmetic of the reference against a
/// plain restatement, the float reference against the generated networks, accuracy on real digits, and the version 3
/// weights file: exact round trips and every defect refused with a clear message.
/// </summary>
[Trait("Category", "NoKernels")] // the quantized reference runs no generated kernel (the float comparisons are path-tolerant)
public sealed class QuantizationTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    /// <summary>A network's parameters as the quantizer takes them (through a weights file, as users have them).</summary>
    private NetworkWeights WeightsOf<T>(INetwork<T> network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        string path = _temporary.File($"float-{Guid.NewGuid():N}.mlpw");
        WeightsFile.Save(path, network);
        return WeightsFile.Read(path);
    }

    /// <summary>784-30-10 ReLU/softmax trained with Adam for 3 epochs on the training digits (about 94 % on the test digits).</summary>
    private static readonly Lazy<Net784x30x10ReLUSoftmax> TrainedDigits = new(() =>
    {
        var network = new Net784x30x10ReLUSoftmax(seed: 3);
        Sgd.Train(network, TestData.Train, new SgdOptions { Epochs = 3, MiniBatchSize = 32, Eta = 0.001, Optimizer = Optimizer.Adam(), Seed = 3 });
        return network;
    });

    private static float[] Uniform(int count, int seed, float scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    [Fact]
    public void EachRowUsesTheWholeCodeRange_AndItsCodesDequantizeWithinHalfAStep()
    {
        NetworkWeights weights = WeightsOf(new Net37x19x5ReLUSoftmax(seed: 5));
        QuantizedNetwork quantized = Quantizer.Quantize(weights, Uniform(37 * 50, seed: 1), fullRange: true);
        for (int l = 1; l < weights.LayerSizes.Count; l++)
        {
            QuantizedLayer layer = quantized.Layers[l - 1];
            int n = layer.Inputs;
            for (int j = 0; j < layer.Outputs; j++)
            {
                ReadOnlySpan<sbyte> codes = layer.Weights.Slice(j * n, n);
                Assert.Equal(Quantizer.MaxCode, codes.ToArray().Max(c => Math.Abs((int)c)));   // the row's largest weight is ±127
                for (int i = 0; i < n; i++)
                {
                    double w = weights.Parameters[weights.Layout.WeightOffset(l) + j * n + i];
                    Assert.True(Math.Abs(w - layer.WeightScales[j] * codes[i]) <= layer.WeightScales[j] * 0.5000001, $"layer {l} W[{j},{i}] = {w}");
                }
                Assert.Equal((float)weights.Parameters[weights.Layout.BiasOffset(l) + j], layer.Biases[j]);   // biases stay float32
            }
        }
    }

    /// <summary>
    /// By default each row keeps the widest range, from ±127 down to ±64, whose codes fit the x64 kernels' paired 16-bit sums
    /// (<see cref="PairedSums"/>) for the signs of the layer's calibration inputs: a row that fits on the full range keeps
    /// the full-range codes, and a row with large weights close together (every 64th weight large here) gives up the least
    /// range that makes it fit. Its codes still dequantize within half a step of its own scale.
    /// </summary>
    [Theory]
    [InlineData(0f)]     // non-negative inputs: positive and negative weights of a lane are bounded apart
    [InlineData(-1f)]    // signed inputs: their magnitudes add
    public void EachRow_KeepsTheWidestRangeThatFitsThePairedSums(float low)
    {
        int[] sizes = [300, 12, 3];
        NetworkWeights weights = Generator.Int8NetworkTests.RandomWeights(sizes, [ActivationFunction.ReLU, ActivationFunction.Identity], seed: 9);
        // Rows 0-3 of layer 1: a few large weights in one 16-bit lane of the paired kernels (bytes 0, 1, 32, 33 of a block).
        for (int j = 0; j < 4; j++)
        {
            long row = weights.Layout.WeightOffset(1) + j * 300;
            double sign = j % 2 == 0 ? 1 : -1;   // all four of one sign: too much for either bound on ±127
            weights.Parameters[row + 64] = 0.9 * sign;
            weights.Parameters[row + 65] = 0.8 * sign;
            weights.Parameters[row + 96] = 0.7 * sign;
            weights.Parameters[row + 97] = (0.6 - 0.05 * j) * sign;
        }
        var random = new Random(4);
        float[] calibration = Enumerable.Range(0, 300 * 20).Select(_ => (float)(low + random.NextDouble() * (1 - low))).ToArray();
        QuantizedNetwork paired = Quantizer.Quantize(weights, calibration);
        QuantizedNetwork full = Quantizer.Quantize(weights, calibration, fullRange: true);
        PairedSums.CodeSign first = low < 0 ? PairedSums.CodeSign.Any : PairedSums.CodeSign.NonNegative;
        int narrowed = 0;
        for (int l = 0; l < 2; l++)
        {
            PairedSums.CodeSign sign = l == 0 ? first : PairedSums.CodeSign.NonNegative;   // layer 2 takes ReLU's values
            QuantizedLayer layer = paired.Layers[l], wide = full.Layers[l];
            sbyte[] codes = layer.Weights.ToArray(), wideCodes = wide.Weights.ToArray();
            int n = layer.Inputs;
            for (int j = 0; j < layer.Outputs; j++)
            {
                int largest = codes.Skip(j * n).Take(n).Max(c => Math.Abs((int)c));
                Assert.True(PairedSums.RowFits(codes, j * n, n, sign), $"layer {l + 1} row {j} does not fit the paired sums");
                Assert.InRange(largest, PairedSums.NarrowestCode, Quantizer.MaxCode);
                if (PairedSums.RowFits(wideCodes, j * n, n, sign))
                {
                    Assert.Equal(wideCodes.Skip(j * n).Take(n), codes.Skip(j * n).Take(n));   // fits as it is: the full range kept
                    Assert.Equal(wide.WeightScales[j], layer.WeightScales[j]);
                    continue;
                }
                narrowed++;
                // The widest that fits: one code more would not.
                double max = Enumerable.Range(0, n).Max(i => Math.Abs(weights.Parameters[weights.Layout.WeightOffset(l + 1) + j * n + i]));
                float wider = (float)(max / (largest + 1));
                sbyte[] widerCodes = Enumerable.Range(0, n).Select(i => (sbyte)Math.Clamp(Math.Round(weights.Parameters[weights.Layout.WeightOffset(l + 1) + j * n + i] / wider, MidpointRounding.ToEven), -(largest + 1), largest + 1)).ToArray();
                Assert.False(PairedSums.RowFits(widerCodes, 0, n, sign), $"layer {l + 1} row {j} would fit on ±{largest + 1}");
                for (int i = 0; i < n; i++)
                {
                    double w = weights.Parameters[weights.Layout.WeightOffset(l + 1) + j * n + i];
                    Assert.True(Math.Abs(w - layer.WeightScales[j] * codes[j * n + i]) <= layer.WeightScales[j] * 0.5000001, $"layer {l + 1} W[{j},{i}] = {w}");
                }
            }
        }
        Assert.True(narrowed >= 4, $"{narrowed} rows narrowed");   // the four rows made not to fit, and any whose random weights did not
        for (int j = 0; j < 4; j++) Assert.True(paired.Layers[0].WeightScales[j] > full.Layers[0].WeightScales[j], $"row {j} kept the full range");
    }

    [Fact]
    public void TheInputScale_CodesTheLargestCalibrationValueAs127()
    {
        NetworkWeights weights = WeightsOf(new Net37x19x5ReLUSoftmax(seed: 5));
        float[] calibration = Uniform(37 * 20, seed: 2, scale: 3);
        QuantizedNetwork quantized = Quantizer.Quantize(weights, calibration);
        float largest = calibration.Max(MathF.Abs);
        QuantizedLayer first = quantized.Layers[0];
        Assert.Equal(largest / 127, first.InputScale, 6);
        sbyte code = first.Code(calibration.First(v => MathF.Abs(v) == largest));
        Assert.Equal(127, Math.Abs((int)code));
        Assert.Equal(127, first.Code(1e9f));      // beyond the calibration: clipped, never wrapped
        Assert.Equal(-127, first.Code(-1e9f));
    }

    [Fact]
    public void Predict_IsThePlainIntegerArithmetic_BitForBit()
    {
        // Restated here from the format's definition: codes q = clamp(round(a·(1/s_in)), ±127); acc = Σ Q·q in exact
        // integers; z = float(acc)·(s_w·s_in) + b; then the activation.
        NetworkWeights weights = WeightsOf(new Net5x37x29x3Mixed(seed: 9));   // ReLU, tanh, softmax
        QuantizedNetwork quantized = Quantizer.Quantize(weights, Uniform(5 * 64, seed: 4, scale: 2));
        foreach (float[] input in Enumerable.Range(0, 20).Select(s => Uniform(5, 100 + s, scale: 2.5f)))
        {
            float[] a = input;
            for (int l = 0; l < quantized.Layers.Count; l++)
            {
                QuantizedLayer layer = quantized.Layers[l];
                float inverse = 1f / layer.InputScale;
                int[] q = a.Select(v => (int)Math.Clamp(MathF.Round(v * inverse, MidpointRounding.ToEven), -127, 127)).ToArray();
                var z = new float[layer.Outputs];
                for (int j = 0; j < z.Length; j++)
                {
                    long acc = 0;
                    for (int i = 0; i < q.Length; i++) acc += (long)layer.Weights[j * layer.Inputs + i] * q[i];
                    float m = layer.WeightScales[j] * layer.InputScale;
                    z[j] = acc * m + layer.Biases[j];   // float(acc)·m, then + b
                }
                ReferenceActivations.Apply(quantized.Activations[l], z);
                a = z;
            }
            var output = new float[3];
            quantized.Predict(input, output);
            Assert.Equal(a.Select(BitConverter.SingleToInt32Bits), output.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void TheLargestSums_AreExact()
    {
        // Every code ±127 over 784 inputs: |acc| = 127²·784 = 12,645,136, exact in int32 (and in float32, below 2^24).
        var weights = new NetworkWeights([784, 2], [ActivationFunction.Identity], null, WeightsElement.Float32,
            [.. Enumerable.Repeat(1.0, 784), .. Enumerable.Repeat(-1.0, 784), 0, 0]);
        QuantizedNetwork quantized = Quantizer.Quantize(weights, Enumerable.Repeat(1f, 784).ToArray(), fullRange: true);
        var output = new float[2];
        quantized.Predict(Enumerable.Repeat(1f, 784).ToArray(), output);
        float unit = quantized.Layers[0].Multipliers[0];
        Assert.Equal(12_645_136f * unit, output[0]);
        Assert.Equal(-12_645_136f * unit, output[1]);
        Assert.Equal(784.0, output[0], 3);    // and it dequantizes to Σ 1·1
    }

    public static TheoryData<string> Activations => ["ReLU softmax", "tanh sigmoid", "leaky identity", "GELU log-softmax", "SiLU identity", "GELU SiLU softmax"];

    [Theory]
    [MemberData(nameof(Activations))]
    public void TheFloatReference_IsTheGeneratedNetwork(string activations)
    {
        // The float side of the comparison must be the network the user trained: the same outputs as its generated class
        // up to the order of the sums.
        INetwork<float> network = activations switch
        {
            "ReLU softmax" => new Net37x19x5ReLUSoftmax(seed: 1),
            "tanh sigmoid" => new Net37x19x5Tanh(seed: 1),
            "leaky identity" => new Net37x19x5LeakyIdentity(seed: 1),
            "GELU log-softmax" => new Net37x19x5GeluLogSoftmax(seed: 1),
            "SiLU identity" => new Net3x5x7x2x4SiluIdentity(seed: 1),
            _ => new Net5x37x29x3GeluSilu(seed: 1),
        };
        var reference = new FloatReference(WeightsOf(network));
        int inputs = network.LayerSizes[0], outputs = network.LayerSizes[^1];
        for (int s = 0; s < 10; s++)
        {
            float[] input = Uniform(inputs, 50 + s, scale: 2);
            float[] expected = new float[outputs], actual = new float[outputs];
            network.Predict(input, expected);
            reference.Predict(input, actual, null);
            for (int k = 0; k < outputs; k++) Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5f * Math.Max(1, Math.Abs(expected[k])), $"{activations}: output {k}: {expected[k]} vs {actual[k]}");
        }
    }

    [Fact]
    public void OnRealDigits_Int8KeepsTheAccuracy_AndTheClasses()
    {
        NetworkWeights weights = WeightsOf(TrainedDigits.Value);
        QuantizedNetwork quantized = Quantizer.Quantize(weights, TestData.Train.Inputs[..(1000 * 784)]);
        QuantizationReport report = Quantizer.Compare(weights, quantized, TestData.Test);
        Assert.Equal(TestData.Test.Count, report.Samples);
        Assert.Equal(Evaluation.CountCorrect(TrainedDigits.Value, TestData.Test), report.FloatCorrect, tolerance: 2);   // the float side is the generated network's accuracy
        Assert.True(report.FloatAccuracy > 90, $"float {report.FloatAccuracy} %");
        Assert.True(report.Drop <= 0.5, $"float {report.FloatAccuracy} %, int8 {report.Int8Accuracy} %");
        Assert.True(report.Agreement >= 99, $"same class for {report.Agreement} %");
    }

    [Fact]
    public void TheFile_RoundTripsExactly_AndIsAQuarterOfTheFloatFile()
    {
        string floatPath = _temporary.File("float.mlpw"), int8Path = _temporary.File("int8.mlpw");
        WeightsFile.Save(floatPath, TrainedDigits.Value);
        QuantizedNetwork quantized = Quantizer.Quantize(WeightsFile.Read(floatPath), TestData.Train.Inputs[..(200 * 784)]);
        WeightsFile.Write(int8Path, quantized);

        QuantizedNetwork read = WeightsFile.ReadQuantized(int8Path);
        Assert.Equal(quantized.LayerSizes, read.LayerSizes);
        Assert.Equal(quantized.Activations, read.Activations);
        Assert.Equal(CostFunction.LogLikelihood, read.Cost);
        for (int l = 0; l < quantized.Layers.Count; l++)
        {
            Assert.Equal(quantized.Layers[l].InputScale, read.Layers[l].InputScale);
            Assert.Equal(quantized.Layers[l].WeightScales.ToArray(), read.Layers[l].WeightScales.ToArray());
            Assert.Equal(quantized.Layers[l].Biases.ToArray(), read.Layers[l].Biases.ToArray());
            Assert.Equal(quantized.Layers[l].Weights.ToArray(), read.Layers[l].Weights.ToArray());
        }
        float[] expected = new float[10], actual = new float[10];
        for (int s = 0; s < 50; s++)
        {
            quantized.Predict(TestData.Test.Input(s), expected);
            read.Predict(TestData.Test.Input(s), actual);
            Assert.Equal(expected, actual);
        }
        string[] lines = File.ReadAllLines(int8Path);
        Assert.Equal(["MLPW 3", "topology 784-30-10", "element int8", "parameters 23860"], lines[..4]);
        Assert.Equal(4 + 8 * 30 + 784 * 30 + 4 + 8 * 10 + 30 * 10, quantized.DataBytes);
        double ratio = (double)new FileInfo(int8Path).Length / new FileInfo(floatPath).Length;
        Assert.InRange(ratio, 0.2, 0.3);
    }

    [Fact]
    public void AnInt8File_IsNotReadAsAFloatNetwork_NorLoadedIntoOne_AndAFloatFileNotAsInt8()
    {
        string int8Path = _temporary.File("int8.mlpw"), floatPath = _temporary.File("float.mlpw");
        WeightsFile.Write(int8Path, Quantizer.Quantize(WeightsOf(new Net37x19x5ReLUSoftmax(seed: 5)), Uniform(37, seed: 1)));
        WeightsFile.Save(floatPath, new Net37x19x5ReLUSoftmax(seed: 5));

        var read = Assert.Throws<WeightsFormatException>(() => WeightsFile.Read(int8Path));
        Assert.Equal($"{int8Path}: line 3: expected element float32 or float64, found int8: a quantized network, which WeightsFile.ReadQuantized reads", read.Message);
        var load = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(int8Path, new Net37x19x5ReLUSoftmax(seed: 1)));
        Assert.Equal($"{int8Path}: line 3: expected element float32 for this network, found int8 (a quantized network, which WeightsFile.ReadQuantized reads)", load.Message);
        var quantized = Assert.Throws<WeightsFormatException>(() => WeightsFile.ReadQuantized(floatPath));
        Assert.Equal($"{floatPath}: line 3: expected element int8 (a quantized network), found float32: a float network, which WeightsFile.Read reads", quantized.Message);
    }

    /// <summary>
    /// Writes a 2-3-2 int8 network whose data <paramref name="edit"/> has spoilt (the writer checks nothing, the reader
    /// everything), and expects reading it to fail.
    /// </summary>
    private WeightsFormatException RefusedData(Action<float[], float[], float[], sbyte[], QuantizedLayer> edit)
    {
        var weights = new NetworkWeights([2, 3, 2], [ActivationFunction.ReLU, ActivationFunction.Softmax], CostFunction.LogLikelihood, WeightsElement.Float32,
            [.. Enumerable.Range(1, 17).Select(i => (double)(i % 5 - 2) / 4)]);
        QuantizedNetwork quantized = Quantizer.Quantize(weights, [1f, -0.5f, 0.25f, 2f]);
        var layers = quantized.Layers.Select(layer =>
        {
            float[] inputScale = [layer.InputScale], scales = layer.WeightScales.ToArray(), biases = layer.Biases.ToArray();
            sbyte[] codes = layer.Weights.ToArray();
            edit(inputScale, scales, biases, codes, layer);
            return new QuantizedLayer(layer.Inputs, layer.Outputs, inputScale[0], scales, biases, codes);
        }).ToArray();
        string path = _temporary.File("bad.mlpw");
        WeightsFile.Write(path, new QuantizedNetwork([2, 3, 2], [ActivationFunction.ReLU, ActivationFunction.Softmax], CostFunction.LogLikelihood, layers));
        return Assert.Throws<WeightsFormatException>(() => WeightsFile.ReadQuantized(path));
    }

    [Fact]
    public void AScaleThatIsNotFiniteAndPositive_IsRefusedWithItsPlace()
    {
        // Layer 1: its input scale at byte 0, weight scales at 4, 8, 12, biases at 16, 20, 24, codes at 28…33; layer 2 from 34.
        Assert.EndsWith("line 9: layer 1's input scale (data byte 0): expected a finite positive float32, found NaN",
            RefusedData((input, _, _, _, layer) => { if (layer.Outputs == 3) input[0] = float.NaN; }).Message);
        Assert.EndsWith("line 9: layer 1's weight scale of row 2 (data byte 12): expected a finite positive float32, found 0",
            RefusedData((_, scales, _, _, layer) => { if (layer.Outputs == 3) scales[2] = 0; }).Message);
        Assert.EndsWith("line 9: layer 2's weight scale of row 0 (data byte 38): expected a finite positive float32, found -1",
            RefusedData((_, scales, _, _, layer) => { if (layer.Outputs == 2) scales[0] = -1; }).Message);
    }

    [Fact]
    public void ABiasThatIsNotFinite_OrAWeightCodeOfMinus128_IsRefusedWithItsPlace()
    {
        Assert.EndsWith("line 9: layer 1's bias 1 (data byte 20): expected a finite float32, found Infinity",
            RefusedData((_, _, biases, _, layer) => { if (layer.Outputs == 3) biases[1] = float.PositiveInfinity; }).Message);
        Assert.EndsWith("line 9: layer 1's weight [2, 1] (data byte 33): expected an int8 code in -127...127, found -128",
            RefusedData((_, _, _, codes, layer) => { if (layer.Outputs == 3) codes[5] = -128; }).Message);
    }

    [Fact]
    public void ScalesWhoseProductOverflows_AreRefusedByTheReader()
    {
        Assert.EndsWith("line 9: layer 1's weight scale of row 0 (data byte 4): its product with the input scale, Infinity, is not a finite float32",
            RefusedData((input, scales, _, _, layer) =>
            {
                if (layer.Outputs != 3) return;
                input[0] = 1e30f;
                scales[0] = 1e30f;
            }).Message);
    }

    [Fact]
    public void ALayerTooWideForExactInt32Sums_IsRefused()
    {
        // 127² · 133,145 > int.MaxValue: such a layer's sums could wrap around.
        int wide = Quantizer.MaxInputs + 1;
        var weights = new NetworkWeights([wide, 1], [ActivationFunction.Identity], null, WeightsElement.Float32, new double[wide + 1]);
        var e = Assert.Throws<ArgumentException>(() => Quantizer.Quantize(weights, new float[wide]));
        Assert.Contains($"Layer 1 takes {wide:N0} inputs; an int8 layer takes at most {Quantizer.MaxInputs:N0}", e.Message);
        Assert.Equal(133_144, Quantizer.MaxInputs);
    }

    [Fact]
    public void Int8DataOfTheWrongLength_IsRefused()
    {
        string path = _temporary.File("short.mlpw");
        WeightsFile.Write(path, Quantizer.Quantize(new NetworkWeights([2, 3, 2], [ActivationFunction.ReLU, ActivationFunction.Softmax], null, WeightsElement.Float32,
            new double[17]), [1f, 1f]));
        string[] lines = File.ReadAllLines(path);
        int data = Array.IndexOf(lines, "data");
        File.WriteAllLines(path, [.. lines[..(data + 1)], Convert.ToBase64String(new byte[50]), "end"]);
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.ReadQuantized(path));
        Assert.Contains("expected 60 bytes of data (the int8 layout of 17 parameters), found 50 (truncated)", e.Message);
    }

    [Fact]
    public void Version3WithAFloatElement_AndVersion2WithInt8_AreRefused()
    {
        string path = _temporary.File("mixed.mlpw");
        WeightsFile.Save(path, new Net37x19x5ReLUSoftmax(seed: 5));
        File.WriteAllText(path, File.ReadAllText(path).Replace("MLPW 2", "MLPW 3"));
        Assert.EndsWith("line 3: expected 'int8' (a version 3 file holds a quantized network), found 'float32'",
            Assert.Throws<WeightsFormatException>(() => WeightsFile.Read(path)).Message);
        File.WriteAllText(path, File.ReadAllText(path).Replace("MLPW 3", "MLPW 2").Replace("element float32", "element int8"));
        Assert.EndsWith("line 3: expected 'float32' or 'float64' (int8 weights are format version 3), found 'int8'",
            Assert.Throws<WeightsFormatException>(() => WeightsFile.Read(path)).Message);
    }

    [Fact]
    public void WeightsOfUnknownActivations_OrCalibrationThatIsNotWholeSamples_AreRefused()
    {
        var version1 = new NetworkWeights([2, 1], null, null, WeightsElement.Float32, [1, 1, 0]);
        Assert.Contains("unknown activations", Assert.Throws<ArgumentException>(() => Quantizer.Quantize(version1, [1f, 1f])).Message);
        var known = new NetworkWeights([2, 1], [ActivationFunction.Sigmoid], null, WeightsElement.Float32, [1, 1, 0]);
        Assert.Contains("whole samples of 2 values, at least one; found 3 values", Assert.Throws<ArgumentException>(() => Quantizer.Quantize(known, [1f, 1f, 1f])).Message);
        Assert.Contains("found 0 values", Assert.Throws<ArgumentException>(() => Quantizer.Quantize(known, [])).Message);
    }
}
