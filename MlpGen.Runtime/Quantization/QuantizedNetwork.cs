using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Training;

namespace MlpGen.Quantization;

/// <summary>
/// One layer of a <see cref="QuantizedNetwork"/>: n inputs, m outputs, and
/// <list type="bullet">
/// <item><see cref="InputScale"/> s_in, the scale of the layer's int8 inputs: an input a becomes the code
/// q = clamp(round(a · (1/s_in)), −127, 127) (round half to even, 1/s_in rounded to float32 once);</item>
/// <item><see cref="WeightScales"/> s_w, one per output row, and the int8 <see cref="Weights"/> Q (row-major [m, n], in
/// −127…127): W[j, i] ≈ s_w[j] · Q[j, i];</item>
/// <item><see cref="Biases"/> b, unquantized float32.</item>
/// </list>
/// The layer computes acc_j = Σ_i Q[j, i] · q_i exactly in int32, then z_j = float(acc_j) · m_j + b_j with
/// m_j = s_w[j] · s_in rounded to float32 (a multiply, then an add: two roundings, no fused multiply-add).
/// </summary>
public sealed class QuantizedLayer
{
    private readonly float[] _weightScales;
    private readonly float[] _biases;
    private readonly sbyte[] _weights;
    private readonly float[] _multipliers;

    internal QuantizedLayer(int inputs, int outputs, float inputScale, float[] weightScales, float[] biases, sbyte[] weights)
    {
        Inputs = inputs;
        Outputs = outputs;
        InputScale = inputScale;
        _weightScales = weightScales;
        _biases = biases;
        _weights = weights;
        _multipliers = new float[outputs];
        for (int j = 0; j < outputs; j++) _multipliers[j] = weightScales[j] * inputScale;
        InverseInputScale = 1f / inputScale;
    }

    /// <summary>n, the values the layer takes.</summary>
    public int Inputs { get; }

    /// <summary>m, the values the layer gives.</summary>
    public int Outputs { get; }

    /// <summary>s_in: an input a is coded as round(a / s_in), so that a ≈ s_in · q.</summary>
    public float InputScale { get; }

    /// <summary>1/s_in rounded to float32: what the inputs are multiplied by before rounding to their codes.</summary>
    public float InverseInputScale { get; }

    /// <summary>s_w[j], the scale of row j's weights.</summary>
    public ReadOnlySpan<float> WeightScales => _weightScales;

    /// <summary>b, unquantized.</summary>
    public ReadOnlySpan<float> Biases => _biases;

    /// <summary>Q, row-major [Outputs, Inputs], each in −127…127.</summary>
    public ReadOnlySpan<sbyte> Weights => _weights;

    /// <summary>m_j = s_w[j] · s_in in float32: what turns row j's int32 sum into z_j (before the bias).</summary>
    public ReadOnlySpan<float> Multipliers => _multipliers;

    /// <summary>
    /// The int8 code of an input a: clamp(round(a · (1/s_in)), −127, 127), rounding half to even. A NaN is coded as −127, the
    /// clamp's floor, as the generated int8 kernels code it on every path (their vector max gives the floor for a NaN).
    /// </summary>
    public sbyte Code(float a)
    {
        float x = a * InverseInputScale;
        x = x > -127f ? x : -127f;
        x = x < 127f ? x : 127f;
        return (sbyte)MathF.Round(x);
    }

    /// <summary>z = float(Q·q) ⊙ m + b for the int8 codes <paramref name="codes"/> of the layer's inputs.</summary>
    internal void Forward(ReadOnlySpan<sbyte> codes, Span<float> z)
    {
        ReadOnlySpan<sbyte> weights = _weights;
        for (int j = 0; j < Outputs; j++)
        {
            ReadOnlySpan<sbyte> row = weights.Slice(j * Inputs, Inputs);
            int acc = 0;
            for (int i = 0; i < row.Length; i++) acc += row[i] * codes[i];   // exact: |acc| ≤ 127² · n
            float product = acc * _multipliers[j];
            z[j] = product + _biases[j];
        }
    }
}

/// <summary>
/// A network quantized to 8-bit integers (made by <see cref="Quantizer.Quantize"/>, read and written by
/// <c>WeightsFile.ReadQuantized</c> and <c>WeightsFile.Write</c> as format version 3): per-output-channel symmetric int8
/// weights, a calibrated int8 scale for each layer's inputs, int32 sums, float32 biases and activations. This class is
/// the plain reference of its arithmetic (<see cref="QuantizedLayer"/> states it): one element at a time, the integer
/// sums exact, so any faster kernel must give the same sums bit for bit.
/// </summary>
public sealed class QuantizedNetwork
{
    private readonly int[] _layerSizes;
    private readonly ActivationFunction[] _activations;
    private readonly QuantizedLayer[] _layers;

    internal QuantizedNetwork(int[] layerSizes, ActivationFunction[] activations, CostFunction? cost, QuantizedLayer[] layers)
    {
        _layerSizes = layerSizes;
        _activations = activations;
        Cost = cost;
        _layers = layers;
    }

    /// <summary>The layer sizes, input first.</summary>
    public IReadOnlyList<int> LayerSizes => _layerSizes;

    /// <summary>The activation of each layer after the input, the output layer's last.</summary>
    public IReadOnlyList<ActivationFunction> Activations => _activations;

    /// <summary>The cost the float network was trained on, when known.</summary>
    public CostFunction? Cost { get; }

    /// <summary>The layers after the input.</summary>
    public IReadOnlyList<QuantizedLayer> Layers => _layers;

    /// <summary>The topology as people write it: <c>784-100-10</c>.</summary>
    public string Topology => ParameterLayout.Topology(_layerSizes);

    /// <summary>The bytes of its data in a weights file: per layer, 4 + 8·m + m·n (<c>WeightsFormat.Int8DataBytes</c>).</summary>
    public long DataBytes => Persistence.WeightsFormat.Int8DataBytes(_layerSizes);

    /// <summary>
    /// Feedforward of one sample: each layer codes its inputs as int8, sums in int32, scales and adds the bias in
    /// float32 and applies its activation (the output layer's last).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> or <paramref name="output"/> is not of the input or output layer's size.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != _layerSizes[0]) throw new ArgumentException($"The input has {input.Length} values; the network takes {_layerSizes[0]}.", nameof(input));
        if (output.Length != _layerSizes[^1]) throw new ArgumentException($"The output has room for {output.Length} values; the network gives {_layerSizes[^1]}.", nameof(output));
        int widest = _layerSizes.Max();
        float[] buffer = ArrayPool<float>.Shared.Rent(2 * widest);
        sbyte[] codes = ArrayPool<sbyte>.Shared.Rent(widest);
        try
        {
            Span<float> a = buffer.AsSpan(0, widest), z = buffer.AsSpan(widest, widest);
            input.CopyTo(a);
            for (int l = 0; l < _layers.Length; l++)
            {
                QuantizedLayer layer = _layers[l];
                Span<sbyte> q = codes.AsSpan(0, layer.Inputs);
                for (int i = 0; i < q.Length; i++) q[i] = layer.Code(a[i]);
                Span<float> zl = z[..layer.Outputs];
                layer.Forward(q, zl);
                ReferenceActivations.Apply(_activations[l], zl);
                zl.CopyTo(a);
            }
            a[..output.Length].CopyTo(output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
            ArrayPool<sbyte>.Shared.Return(codes);
        }
    }

    /// <summary>The class of <paramref name="input"/>: the index of the largest output (the first one on ties).</summary>
    public int Classify(ReadOnlySpan<float> input)
    {
        Span<float> output = _layerSizes[^1] <= 256 ? stackalloc float[_layerSizes[^1]] : new float[_layerSizes[^1]];
        Predict(input, output);
        return Evaluation.ArgMax<float>(output);
    }

    /// <summary>A one-line description: topology, activations, cost, int8, parameter count.</summary>
    public override string ToString() =>
        $"{Topology}, activations {string.Join(" ", NetworkRules.Names(_activations))}, cost {(Cost is { } c ? NetworkRules.Name(c) : Persistence.WeightsFormat.UnspecifiedCost)}, int8, {ParameterLayout.CountOf(_layerSizes):N0} parameters";
}
