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
/// [out, in], then b_l). What <see cref="WeightsFile.Read"/> returns and <see cref="WeightsFile.Write(string, NetworkWeights)"/>
/// takes, and what converters to and from other formats (ONNX, network2.py JSON) work on.
/// </summary>
public sealed class NetworkWeights
{
    /// <summary>
    /// Checks that the parts describe one network: at least two positive layer sizes, one activation per layer after the
    /// input, each legal where it is (<see cref="NetworkRules.IsLegal"/>), and the number of parameters the topology has
    /// (<see cref="ParameterLayout"/>). <paramref name="activations"/> is null when they are not known (a version 1
    /// weights file records none); <paramref name="cost"/> is then null too. For <see cref="WeightsElement.Float32"/>,
    /// <paramref name="parameters"/> are floats widened to double.
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit together; the message says how.</exception>
    public NetworkWeights(IReadOnlyList<int> layerSizes, IReadOnlyList<ActivationFunction>? activations, CostFunction? cost, WeightsElement element, double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(parameters);
        if (layerSizes.Count < 2 || layerSizes.Any(s => s <= 0))
            throw new ArgumentException($"A network needs at least two layer sizes of at least 1; found {ParameterLayout.Topology(layerSizes)}.", nameof(layerSizes));
        if (activations is null && cost is not null)
            throw new ArgumentException($"Weights of unknown activations (version 1) record no cost either; found {cost}.", nameof(cost));
        Layout = new ParameterLayout(layerSizes);
        if (activations is not null) CheckActivations(activations, Layout);
        if (parameters.LongLength != Layout.Count)
            throw new ArgumentException($"A {Layout} network has {Layout.Count} parameters; found {parameters.LongLength}.", nameof(parameters));
        LayerSizes = layerSizes.ToArray();
        Activations = activations?.ToArray();
        Cost = cost;
        Element = element;
        Parameters = parameters;
    }

    private static void CheckActivations(IReadOnlyList<ActivationFunction> activations, ParameterLayout layout)
    {
        int layers = layout.Layers;
        if (activations.Count != layers)
            throw new ArgumentException($"A {layout} network has {layers} activations (one per layer after the input); found {activations.Count}.", nameof(activations));
        for (int l = 1; l <= layers; l++)
        {
            if (NetworkRules.IsLegal(activations[l - 1], l, layers)) continue;
            throw new ArgumentException(l == layers
                ? $"The output layer's activation is {Prose(NetworkRules.OutputActivations)} in MlpGen; found {NameOf(activations[l - 1])}."
                : $"A hidden layer's activation is {Prose(NetworkRules.HiddenActivations)} in MlpGen; layer {l} has {NameOf(activations[l - 1])}.", nameof(activations));
        }
    }

    /// <summary>"sigmoid, tanh, relu or leaky-relu".</summary>
    private static string Prose(IReadOnlyList<ActivationFunction> activations)
    {
        string[] names = NetworkRules.Names(activations);
        return string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    /// <summary>The activation's name, or its number when it is none of the enum's.</summary>
    private static string NameOf(ActivationFunction activation) => Enum.IsDefined(activation) ? NetworkRules.Name(activation) : activation.ToString();

    /// <summary>Where each weight and bias lives in <see cref="Parameters"/> (for each layer l, W_l row-major [out, in], then b_l).</summary>
    public ParameterLayout Layout { get; }

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
    public string Topology => Layout.ToString();

    /// <summary>The number of weights and biases.</summary>
    public int ParameterCount => Parameters.Length;

    /// <summary>The activations as the weights file and the sample name them, e.g. <c>relu relu softmax</c>; <c>unknown (version 1)</c> when they are not known.</summary>
    public string ActivationNames => Activations is null ? UnknownActivations : string.Join(" ", NetworkRules.Names(Activations));

    /// <summary>What <see cref="ActivationNames"/> says for weights whose activations are not known.</summary>
    public const string UnknownActivations = "unknown (version 1)";

    /// <summary>A one-line description: topology, activations, cost, element, parameter count.</summary>
    public override string ToString() =>
        $"{Topology}, activations {ActivationNames}, cost {CostName}, {ElementName}, {ParameterCount:N0} parameters";

    /// <summary>The cost as the weights file names it: quadratic, cross-entropy, log-likelihood, or <c>unspecified</c> when it is not known.</summary>
    public string CostName => Cost is { } cost ? NetworkRules.Name(cost) : WeightsFormat.UnspecifiedCost;

    /// <summary>The element as the weights file names it: <c>float32</c> or <c>float64</c>.</summary>
    public string ElementName => WeightsFormat.ElementName(Element == WeightsElement.Float32 ? sizeof(float) : sizeof(double));
}
