using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace MlpGen;

/// <summary>One layer of a <see cref="ModelSummary"/>: layer l (from 1) maps n_(l−1) inputs to n_l neurons.</summary>
/// <param name="Index">The layer's number l, from 1 (the input layer 0 has no parameters).</param>
/// <param name="Inputs">n_(l−1), the width of the layer before.</param>
/// <param name="Size">n_l, the number of neurons.</param>
/// <param name="Activation">The layer's activation function.</param>
public sealed record LayerSummary(int Index, int Inputs, int Size, ActivationFunction Activation)
{
    /// <summary>n_l·n_(l−1) weights.</summary>
    public long Weights => (long)Size * Inputs;

    /// <summary>n_l biases.</summary>
    public long Biases => Size;

    /// <summary>Weights plus biases.</summary>
    public long Parameters => Weights + Biases;
}

/// <summary>
/// What a network is and what it costs, as Keras' <c>model.summary()</c> and PyTorch's torchinfo print it: each
/// layer with its size, activation, weights and biases; the total number of parameters and their bytes; and the
/// floating-point operations of one sample, counting 2 per multiply-add: inference 2·W, training with mini-batch m
/// 2·(W + W + (W − n_1·n_0)) + 2·W/m (<see cref="FlopCount"/>, the one file that MlpGen.Benchmarks and the generator
/// compile too). The generator reports the same figures at compile time as the opt-in info diagnostic MLPG033.
/// </summary>
public sealed class ModelSummary
{
    private readonly int[] _sizes;
    private readonly ParameterLayout _layout;

    private ModelSummary(int[] sizes, IReadOnlyList<LayerSummary> layers, CostFunction cost, int elementSize, string elementName)
    {
        (_sizes, _layout) = (sizes, new ParameterLayout(sizes));
        (Layers, Cost, ElementSize, ElementName) = (layers, cost, elementSize, elementName);
    }

    /// <summary>The summary of <paramref name="network"/>, from its sizes, activations and cost.</summary>
    public static ModelSummary Of<T>(INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ReadOnlySpan<int> sizes = network.LayerSizes;
        ReadOnlySpan<ActivationFunction> activations = network.Activations;
        var layers = new LayerSummary[sizes.Length - 1];
        for (int l = 1; l < sizes.Length; l++) layers[l - 1] = new LayerSummary(l, sizes[l - 1], sizes[l], activations[l - 1]);
        return new ModelSummary(sizes.ToArray(), layers, network.CostFunction, Unsafe.SizeOf<T>(), typeof(T) == typeof(float) ? "float" : typeof(T).Name.ToLowerInvariant());
    }

    /// <summary>The layers 1..L after the input, the output layer last.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>The cost the network is trained on.</summary>
    public CostFunction Cost { get; }

    /// <summary>Bytes of one parameter: 4 for <see cref="float"/>, 8 for <see cref="double"/>.</summary>
    public int ElementSize { get; }

    /// <summary>The C# name of the element type, e.g. <c>float</c>.</summary>
    public string ElementName { get; }

    /// <summary>The layer sizes, input first, e.g. <c>784-30-10</c>.</summary>
    public string Topology => _layout.ToString();

    /// <summary>All weights, W = Σ_l n_l·n_(l−1).</summary>
    public long Weights => Sum(isWeights: true);

    /// <summary>All biases, Σ_l n_l.</summary>
    public long Biases => Sum(isWeights: false);

    /// <summary>Weights and biases: the generated class's <c>ParameterCount</c> (<see cref="ParameterLayout.Count"/>).</summary>
    public long Parameters => _layout.Count;

    /// <summary>Bytes the parameters take (<see cref="Parameters"/>·<see cref="ElementSize"/>), as in memory and in a weights file's body.</summary>
    public long ParameterBytes => Parameters * ElementSize;

    /// <summary>FLOPs of one feedforward pass: 2·W.</summary>
    public long InferenceFlopsPerSample => FlopCount.InferencePerSample(_sizes);

    /// <summary>FLOPs of training per sample with mini-batch <paramref name="miniBatch"/>: 2·(W + W + (W − n_1·n_0)) + 2·W/m (see <see cref="FlopCount"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="miniBatch"/> is 0 or negative.</exception>
    public double TrainingFlopsPerSample(int miniBatch) => FlopCount.TrainingPerSample(_sizes, miniBatch);

    /// <summary>
    /// The summary as a table in plain text, one layer a line, then the totals; with <paramref name="miniBatch"/>,
    /// also the training FLOPs per sample.
    /// </summary>
    public string ToText(int? miniBatch = null)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{"Layer",-6} {"Shape",-12} {"Activation",-18} {"Weights",10} {"Biases",8} {"Parameters",11}"));
        foreach (LayerSummary layer in Layers)
        {
            text.AppendLine(Invariant($"{layer.Index,-6} {$"{layer.Inputs} → {layer.Size}",-12} {NetworkRules.Name(layer.Activation),-18} {layer.Weights,10:N0} {layer.Biases,8:N0} {layer.Parameters,11:N0}"));
        }
        text.AppendLine(Invariant($"{"Total",-6} {Topology,-12} {NetworkRules.Name(Cost) + " cost",-18} {Weights,10:N0} {Biases,8:N0} {Parameters,11:N0}"));
        text.Append(Invariant($"{ParameterBytes:N0} bytes of {ElementName} parameters; {InferenceFlopsPerSample:N0} FLOPs per sample to infer"));
        if (miniBatch is { } m) text.Append(Invariant($", {TrainingFlopsPerSample(m):N0} to train at mini-batch {m}"));
        return text.Append('.').ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToText();

    /// <summary>The length of the layout's weight matrices, or of its bias vectors.</summary>
    private long Sum(bool isWeights)
    {
        long total = 0;
        foreach (ParameterSegment segment in _layout.Segments()) total += segment.IsWeights == isWeights ? segment.Length : 0;
        return total;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
