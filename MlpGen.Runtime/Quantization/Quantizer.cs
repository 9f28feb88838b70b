using System;
using System.Linq;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Training;

namespace MlpGen.Quantization;

/// <summary>
/// Post-training quantization of a float network to int8 (<see cref="QuantizedNetwork"/>), and the comparison that
/// tells whether it kept its accuracy:
/// <list type="bullet">
/// <item>weights per output channel, symmetrically: row j's scale s_w[j] = max_i |W[j, i]| / c_j, its codes
/// Q[j, i] = round(W[j, i] / s_w[j]) (in double, half to even), so every row uses the whole −c_j…c_j, where c_j is the
/// largest code from 127 down to 64 whose row fits the x64 kernels' paired 16-bit sums (docs/quantization.md, the arithmetic) for
/// the signs the layer's calibration inputs take; most rows keep 127, and a row with a few large weights gives up
/// less than one bit. With <c>fullRange</c>, every c_j is 127;</item>
/// <item>each layer's inputs with one scale, calibrated: s_in = max |a| / 127 over every input value the layer sees
/// when the float network runs the calibration samples (the training images, or a sample of them), so that no
/// calibration activation is clipped;</item>
/// <item>biases stay float32 (a bias is one number per output; it costs nothing to keep exact).</item>
/// </list>
/// The float network runs here as a plain reference (float32 activations, each sum in double rounded once), the same
/// network as its generated class up to the order of the float sums.
/// </summary>
public static class Quantizer
{
    /// <summary>The largest int8 code of a symmetric scale: codes are −127…127 (never −128).</summary>
    public const int MaxCode = 127;

    /// <summary>The most inputs a layer may have for its int32 sums to be exact: 127² · n must stay within int.MaxValue.</summary>
    public const int MaxInputs = Persistence.WeightsFormat.MaxInt8Inputs;

    /// <summary>
    /// Quantizes <paramref name="network"/>, its input scales calibrated on <paramref name="calibrationInputs"/> (samples
    /// one after another, each of the input layer's size); with <paramref name="fullRange"/>, every row's weights take the
    /// whole −127…127, whether or not the x64 kernels can then pair their sums.
    /// </summary>
    /// <exception cref="ArgumentException">The network's activations are not known (version 1 weights), or the calibration inputs are empty or not whole samples.</exception>
    public static QuantizedNetwork Quantize(NetworkWeights network, ReadOnlySpan<float> calibrationInputs, bool fullRange = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.Activations is not { } activations)
            throw new ArgumentException("Weights of unknown activations (a version 1 file) cannot be quantized: its activations decide the calibration. Load and save it with its network first.", nameof(network));
        int inputs = network.LayerSizes[0];
        if (calibrationInputs.Length == 0 || calibrationInputs.Length % inputs != 0)
            throw new ArgumentException($"The calibration inputs must be whole samples of {inputs} values, at least one; found {calibrationInputs.Length} values.", nameof(calibrationInputs));

        for (int l = 0; l + 1 < network.LayerSizes.Count; l++)
        {
            if (network.LayerSizes[l] > MaxInputs)
                throw new ArgumentException($"Layer {l + 1} takes {network.LayerSizes[l]:N0} inputs; an int8 layer takes at most {MaxInputs:N0}, for its int32 sums to stay exact.", nameof(network));
        }
        var reference = new FloatReference(network);
        int layers = reference.Layers;
        // The largest |a| each layer takes, over every calibration sample, and whether any a is negative.
        var largest = new float[layers];
        var signed = new bool[layers];
        Span<float> output = new float[network.LayerSizes[^1]];
        for (int s = 0; s < calibrationInputs.Length / inputs; s++)
        {
            reference.Predict(calibrationInputs.Slice(s * inputs, inputs), output, (layer, a) =>
            {
                foreach (float value in a)
                {
                    largest[layer] = MathF.Max(largest[layer], MathF.Abs(value));
                    signed[layer] |= value < 0;
                }
            });
        }

        var quantized = new QuantizedLayer[layers];
        for (int l = 0; l < layers; l++)
        {
            int n = network.LayerSizes[l], m = network.LayerSizes[l + 1];
            ReadOnlySpan<double> w = network.Parameters.AsSpan((int)network.Layout.WeightOffset(l + 1), n * m);
            ReadOnlySpan<double> b = network.Parameters.AsSpan((int)network.Layout.BiasOffset(l + 1), m);
            var scales = new float[m];
            var codes = new sbyte[m * n];
            PairedSums.CodeSign sign = signed[l] ? PairedSums.CodeSign.Any : PairedSums.CodeSign.NonNegative;
            for (int j = 0; j < m; j++)
            {
                ReadOnlySpan<double> row = w.Slice(j * n, n);
                double max = 0;
                foreach (double value in row) max = Math.Max(max, Math.Abs(value));
                // The widest range from 127 down whose codes fit the paired sums; ±64 always does.
                for (int code = MaxCode; ; code--)
                {
                    scales[j] = ScaleOf(max, code);
                    for (int i = 0; i < n; i++) codes[j * n + i] = (sbyte)Math.Clamp(Math.Round(row[i] / scales[j], MidpointRounding.ToEven), -code, code);
                    if (fullRange || code == PairedSums.NarrowestCode || PairedSums.RowFits(codes, j * n, n, sign)) break;
                }
            }
            float[] biases = b.ToArray().Select(value => (float)value).ToArray();
            quantized[l] = new QuantizedLayer(n, m, ScaleOf(largest[l], MaxCode), scales, biases, codes);
            // What the reader requires of every layer: finite biases, and each row's s_w·s_in finite (a file must read back).
            if (biases.Any(bias => !float.IsFinite(bias)) || quantized[l].Multipliers.ToArray().Any(multiplier => !float.IsFinite(multiplier)))
                throw new ArgumentException($"Layer {l + 1}'s biases or scales do not fit in float32: the network cannot be quantized.", nameof(network));
        }
        return new QuantizedNetwork([.. network.LayerSizes], [.. activations], network.Cost, quantized);
    }

    /// <summary>
    /// The scale that codes values up to <paramref name="largest"/> in magnitude as −code…code: largest / code in float32
    /// (at least the smallest positive float32), or 1 when all are 0 (any scale codes zeros).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="largest"/> is infinite or NaN: the float network itself overflows.</exception>
    private static float ScaleOf(double largest, int code)
    {
        if (!double.IsFinite(largest)) throw new ArgumentException($"A weight or activation of the float network is {largest}: it cannot be quantized.");
        if (largest == 0) return 1f;
        float scale = MathF.Max((float)(largest / code), float.Epsilon);
        return float.IsFinite(scale) ? scale : throw new ArgumentException($"A weight or activation of the float network is {largest}: beyond what an int8 scale in float32 can code.");
    }

    /// <summary>
    /// Runs the float network and the int8 one on <paramref name="test"/>: each one's accuracy against the labels, and
    /// for how many samples the two give the same class.
    /// </summary>
    /// <exception cref="ArgumentException">The networks or the data are not of one size.</exception>
    public static QuantizationReport Compare(NetworkWeights network, QuantizedNetwork quantized, Dataset<float> test)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(test);
        if (!network.LayerSizes.SequenceEqual(quantized.LayerSizes))
            throw new ArgumentException($"The float network is {network.Topology}, the int8 one {quantized.Topology}.", nameof(quantized));
        if (test.InputSize != network.LayerSizes[0])
            throw new ArgumentException($"The test samples have {test.InputSize} inputs; the network takes {network.LayerSizes[0]}.", nameof(test));
        var reference = new FloatReference(network);
        Span<float> output = new float[network.LayerSizes[^1]];
        int floatCorrect = 0, int8Correct = 0, same = 0;
        for (int s = 0; s < test.Count; s++)
        {
            reference.Predict(test.Input(s), output, null);
            int floatClass = Evaluation.ArgMax<float>(output);
            int int8Class = quantized.Classify(test.Input(s));
            if (floatClass == test.Label(s)) floatCorrect++;
            if (int8Class == test.Label(s)) int8Correct++;
            if (floatClass == int8Class) same++;
        }
        return new QuantizationReport(test.Count, floatCorrect, int8Correct, same);
    }
}

/// <summary>
/// A float network's forward pass without a generated class, plainly: float32 activations, each layer's sums in double
/// rounded once to float32. What <see cref="Quantizer"/> calibrates on and compares with.
/// </summary>
internal sealed class FloatReference
{
    /// <summary>Sees the input <paramref name="a"/> of layer <paramref name="layer"/> (0-based: layer 0 takes the network's input).</summary>
    public delegate void LayerInputs(int layer, ReadOnlySpan<float> a);

    private readonly NetworkWeights _network;

    public FloatReference(NetworkWeights network) => _network = network;

    public int Layers => _network.LayerSizes.Count - 1;

    /// <summary>The output of <paramref name="input"/>; <paramref name="observe"/>, when given, sees each layer's input first (layer 0 the network's input).</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> output, LayerInputs? observe)
    {
        float[] a = input.ToArray();
        for (int l = 0; l < Layers; l++)
        {
            observe?.Invoke(l, a);
            int n = _network.LayerSizes[l], m = _network.LayerSizes[l + 1];
            ReadOnlySpan<double> w = _network.Parameters.AsSpan((int)_network.Layout.WeightOffset(l + 1), n * m);
            ReadOnlySpan<double> b = _network.Parameters.AsSpan((int)_network.Layout.BiasOffset(l + 1), m);
            var z = new float[m];
            for (int j = 0; j < m; j++)
            {
                double sum = b[j];
                ReadOnlySpan<double> row = w.Slice(j * n, n);
                for (int i = 0; i < n; i++) sum += row[i] * a[i];
                z[j] = (float)sum;
            }
            ReferenceActivations.Apply(_network.Activations![l], z);
            a = z;
        }
        a.CopyTo(output);
    }
}

/// <summary>What <see cref="Quantizer.Compare"/> found: the float and int8 networks' accuracy on the same samples, and their agreement.</summary>
/// <param name="Samples">The samples compared.</param>
/// <param name="FloatCorrect">The samples the float network classifies correctly.</param>
/// <param name="Int8Correct">The samples the int8 network classifies correctly.</param>
/// <param name="SameClass">The samples both networks give the same class (right or wrong).</param>
public sealed record QuantizationReport(int Samples, int FloatCorrect, int Int8Correct, int SameClass)
{
    /// <summary>The float network's accuracy in percent.</summary>
    public double FloatAccuracy => 100.0 * FloatCorrect / Samples;

    /// <summary>The int8 network's accuracy in percent.</summary>
    public double Int8Accuracy => 100.0 * Int8Correct / Samples;

    /// <summary>How many percentage points the int8 network loses (negative when it gains).</summary>
    public double Drop => FloatAccuracy - Int8Accuracy;

    /// <summary>The share of samples, in percent, where both give the same class.</summary>
    public double Agreement => 100.0 * SameClass / Samples;
}
