using System;
using System.Collections.Generic;
using System.Linq;

namespace MlpGen.Persistence;

/// <summary>The number type a network's parameters are stored in.</summary>
public enum WeightsElement
{
    /// <summary>IEEE 754 single precision (<see cref="float"/>).</summary>
    Float32,

    /// <summary>IEEE 754 double precision (<see cref="double"/>).</summary>
    Float64,
}

/// <summary>
/// A trained network as data, without a generated class: the layer sizes, the activation of each layer,
/// the cost, the element type and the parameters in MlpGen's layout (for each layer l, W_l row-major
/// [out, in], then b_l). What <see cref="WeightsFile.Read"/> returns and <see cref="WeightsFile.Write"/>
/// takes, and what converters to and from other formats (ONNX, network2.py JSON) work on.
/// </summary>
public sealed class NetworkWeights
{
    /// <summary>
    /// Checks that the parts describe one network: at least two positive layer sizes, one activation per layer after the
    /// input (the hidden ones sigmoid, tanh, ReLU or leaky ReLU; the output sigmoid, softmax or identity), and the number
    /// of parameters the topology has. <paramref name="activations"/> is null when they are not known (a version 1
    /// weights file records none); <paramref name="cost"/> is then null too. For <see cref="WeightsElement.Float32"/>,
    /// <paramref name="parameters"/> are floats widened to double.
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit together; the message says how.</exception>
    public NetworkWeights(IReadOnlyList<int> layerSizes, IReadOnlyList<ActivationFunction>? activations, CostFunction? cost, WeightsElement element, double[] parameters)
    {
        if (layerSizes.Count < 2 || layerSizes.Any(s => s <= 0))
            throw new ArgumentException($"A network needs at least two layer sizes of at least 1; found {string.Join("-", layerSizes)}.", nameof(layerSizes));
        if (activations is null && cost is not null)
            throw new ArgumentException($"Weights of unknown activations (version 1) record no cost either; found {cost}.", nameof(cost));
        if (activations is not null && activations.Count != layerSizes.Count - 1)
            throw new ArgumentException($"A {string.Join("-", layerSizes)} network has {layerSizes.Count - 1} activations (one per layer after the input); found {activations.Count}.", nameof(activations));
        for (int i = 0; i < (activations?.Count ?? 0); i++)
        {
            bool output = i == activations!.Count - 1;
            bool supported = output
                ? activations[i] is ActivationFunction.Sigmoid or ActivationFunction.Softmax or ActivationFunction.Identity
                : activations[i] is ActivationFunction.Sigmoid or ActivationFunction.Tanh or ActivationFunction.ReLU or ActivationFunction.LeakyReLU;
            if (!supported)
                throw new ArgumentException(output
                    ? $"The output layer's activation is sigmoid, softmax or identity in MlpGen; found {activations[i]}."
                    : $"A hidden layer's activation is sigmoid, tanh, ReLU or leaky ReLU in MlpGen; layer {i + 1} has {activations[i]}.", nameof(activations));
        }
        long count = 0;
        for (int l = 1; l < layerSizes.Count; l++) count += (long)layerSizes[l] * (layerSizes[l - 1] + 1);
        if (parameters.LongLength != count)
            throw new ArgumentException($"A {string.Join("-", layerSizes)} network has {count} parameters; found {parameters.LongLength}.", nameof(parameters));
        LayerSizes = layerSizes.ToArray();
        Activations = activations?.ToArray();
        Cost = cost;
        Element = element;
        Parameters = parameters;
    }

    /// <summary>The layer sizes, input first.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>
    /// The activation of each layer after the input, the output layer's last; null when they are not known: a version 1
    /// weights file does not record them (MlpGen trained sigmoid, tanh, ReLU, leaky ReLU and softmax networks and saved
    /// them all as version 1), so such weights cannot be converted to a format that names the activations.
    /// </summary>
    public IReadOnlyList<ActivationFunction>? Activations { get; }

    /// <summary>The cost the network was trained on, when known (weights imported from ONNX and version 1 weights files do not say).</summary>
    public CostFunction? Cost { get; }

    /// <summary>The number type of the parameters.</summary>
    public WeightsElement Element { get; }

    /// <summary>The parameters, float32 ones widened exactly: for each layer l, W_l row-major [out, in], then b_l.</summary>
    public double[] Parameters { get; }

    /// <summary>The topology as people write it: <c>784-16-16-10</c>.</summary>
    public string Topology => string.Join("-", LayerSizes);

    /// <summary>The number of weights and biases.</summary>
    public int ParameterCount => Parameters.Length;

    /// <summary>Offset of layer <paramref name="layer"/>'s (1..L) weight matrix in <see cref="Parameters"/>; its biases follow the matrix.</summary>
    public int WeightOffset(int layer)
    {
        int offset = 0;
        for (int l = 1; l < layer; l++) offset += LayerSizes[l] * (LayerSizes[l - 1] + 1);
        return offset;
    }

    /// <summary>The activations as the weights file and the sample name them, e.g. <c>relu relu softmax</c>; <c>unknown (version 1)</c> when they are not known.</summary>
    public string ActivationNames => Activations is null ? UnknownActivations : string.Join(" ", Activations.Select(WeightsFile.ActivationName));

    /// <summary>What <see cref="ActivationNames"/> says for weights whose activations are not known.</summary>
    public const string UnknownActivations = "unknown (version 1)";

    /// <summary>A one-line description: topology, activations, cost, element, parameter count.</summary>
    public override string ToString() =>
        $"{Topology}, activations {ActivationNames}, cost {(Cost is { } c ? WeightsFile.CostName(c) : WeightsFormat.UnspecifiedCost)}, {(Element == WeightsElement.Float32 ? "float32" : "float64")}, {ParameterCount:N0} parameters";
}
