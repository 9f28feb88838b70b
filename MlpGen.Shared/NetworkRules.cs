// Shared source (MlpGen.Shared.projitems): compiled into MlpGen.Runtime and into the netstandard2.0 generator,
// where it lives in MlpGen.Generator.Rules. The generator decides with it what a [Network] declaration may say and
// what its generated code does; the runtime, the converters and the sample decide with it what a weights file, an
// imported model or a command line may say. Only netstandard2.0 APIs.
using System;
using System.Collections.Generic;
#if MLPGEN_GENERATOR
namespace MlpGen.Generator.Rules;
#else
using MlpGen.Training;

namespace MlpGen;
#endif

/// <summary>
/// The rules of an MlpGen network, written once: which activation a layer may have where, which cost goes with
/// which output, how a seeded constructor initialises each layer, and the names of activations and costs in
/// weights files, summaries, diagnostics and on the command line.
/// </summary>
public static class NetworkRules
{
    /// <summary>The slope of leaky ReLU for z ≤ 0: 0.01, PyTorch's default <c>negative_slope</c>.</summary>
    public const double LeakyReLUSlope = 0.01;

    /// <summary>The activations a hidden layer may have, in the order (and with the values) of the generated <c>NetworkActivation</c> enum.</summary>
    public static IReadOnlyList<ActivationFunction> HiddenActivations { get; } = new[]
    {
        ActivationFunction.Sigmoid, ActivationFunction.Tanh, ActivationFunction.ReLU, ActivationFunction.LeakyReLU,
        ActivationFunction.GELU, ActivationFunction.SiLU,
    };

    /// <summary>The activations the output layer may have; item i is the generated <c>NetworkOutput</c> enum's value i.</summary>
    public static IReadOnlyList<ActivationFunction> OutputActivations { get; } = new[]
    {
        ActivationFunction.Sigmoid, ActivationFunction.Softmax, ActivationFunction.Identity, ActivationFunction.LogSoftmax,
    };

    /// <summary>Every cost, in the order of the generated <c>NetworkCost</c> enum.</summary>
    public static IReadOnlyList<CostFunction> Costs { get; } = new[]
    {
        CostFunction.Quadratic, CostFunction.CrossEntropy, CostFunction.LogLikelihood,
    };

    /// <summary>Whether a hidden layer may have <paramref name="activation"/>.</summary>
    public static bool IsHidden(ActivationFunction activation) => Contains(HiddenActivations, activation);

    /// <summary>Whether the output layer may have <paramref name="activation"/>.</summary>
    public static bool IsOutput(ActivationFunction activation) => Contains(OutputActivations, activation);

    /// <summary>Whether layer <paramref name="layer"/> (1..<paramref name="layers"/>, the output last) may have <paramref name="activation"/>.</summary>
    public static bool IsLegal(ActivationFunction activation, int layer, int layers) =>
        layer == layers ? IsOutput(activation) : IsHidden(activation);

    /// <summary>
    /// The outputs a cost can train, in the order of <see cref="OutputActivations"/>: cross-entropy takes the logarithms
    /// of a and 1 − a, which only sigmoid outputs keep in (0, 1); log-likelihood takes a probability distribution, which
    /// softmax makes (and log-softmax as its logarithms); the quadratic cost fits every output but log-softmax, whose
    /// outputs are log-probabilities (≤ 0), not values to bring close to targets.
    /// </summary>
    public static IReadOnlyList<ActivationFunction> OutputsFor(CostFunction cost) => cost switch
    {
        CostFunction.CrossEntropy => new[] { ActivationFunction.Sigmoid },
        CostFunction.LogLikelihood => new[] { ActivationFunction.Softmax, ActivationFunction.LogSoftmax },
        _ => new[] { ActivationFunction.Sigmoid, ActivationFunction.Softmax, ActivationFunction.Identity },
    };

    /// <summary>Whether a network with output activation <paramref name="output"/> can be trained on <paramref name="cost"/>.</summary>
    public static bool Fits(CostFunction cost, ActivationFunction output) => Contains(OutputsFor(cost), output);

    /// <summary>
    /// The cost a network is trained on when none is given: log-likelihood after softmax and log-softmax (for log-softmax,
    /// PyTorch's <c>NLLLoss</c>), else quadratic (network.py's).
    /// </summary>
    public static CostFunction DefaultCost(ActivationFunction output) =>
        output is ActivationFunction.Softmax or ActivationFunction.LogSoftmax ? CostFunction.LogLikelihood : CostFunction.Quadratic;

    /// <summary>
    /// Whether the derivative of a hidden layer's activation needs z itself, not only a = f(z): GELU and SiLU are not
    /// one-to-one (both dip below 0 and come back), so a does not tell z; backpropagation keeps their z.
    /// </summary>
    public static bool DerivativeNeedsZ(ActivationFunction activation) =>
        activation is ActivationFunction.GELU or ActivationFunction.SiLU;

    /// <summary>
    /// Whether the quadratic cost on this output learns more slowly than the cost made for it: after softmax the
    /// log-likelihood's gradient is a − y, the quadratic cost's is damped by the softmax Jacobian.
    /// </summary>
    public static bool IsSlowPairing(CostFunction cost, ActivationFunction output) =>
        cost == CostFunction.Quadratic && output == ActivationFunction.Softmax;

    /// <summary>
    /// The layer whose activation decides how weight layer <paramref name="layer"/> (1..<paramref name="layers"/>) is
    /// initialised: a hidden layer its own; the output layer the last hidden layer (whose outputs it weighs), or its
    /// own when there is no hidden layer.
    /// </summary>
    public static int InitializerSourceLayer(int layer, int layers)
    {
        if (layer < 1 || layer > layers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Weight layers are 1..{layers}.");
        return layer < layers ? layer : layers > 1 ? layers - 1 : layer;
    }

    /// <summary>
    /// The scheme for a layer initialised for <paramref name="activation"/>: sigmoid N(0, 1) as network.py; ReLU, leaky
    /// ReLU, GELU and SiLU He (GELU and SiLU behave like ReLU for |z| large, as PyTorch users expect); tanh, softmax,
    /// log-softmax and identity Glorot.
    /// </summary>
    public static Initializer InitializerFor(ActivationFunction activation) => activation switch
    {
        ActivationFunction.Sigmoid => Initializer.StandardNormal,
        ActivationFunction.ReLU or ActivationFunction.LeakyReLU or ActivationFunction.GELU or ActivationFunction.SiLU => Initializer.He,
        _ => Initializer.Glorot,
    };

    /// <summary>What <see cref="Initializer.Default"/> means for weight layer <paramref name="layer"/> (1..L) of a network with these activations (layers 1..L).</summary>
    public static Initializer DefaultInitializer(IReadOnlyList<ActivationFunction> activations, int layer) =>
        InitializerFor(activations[InitializerSourceLayer(layer, activations.Count) - 1]);

    /// <summary>
    /// The standard deviations of a normal scheme's weights and biases for a layer of <paramref name="fanIn"/> inputs
    /// and <paramref name="fanOut"/> outputs: each parameter is one N(0, 1) draw times its scale (a scale of 0 still
    /// consumes its draw). Not for <see cref="Initializer.Default"/> (resolve it first) or the uniform
    /// <see cref="Initializer.PyTorchUniform"/>.
    /// </summary>
    public static (double Weights, double Biases) NormalScales(Initializer initializer, int fanIn, int fanOut) => initializer switch
    {
        Initializer.StandardNormal => (1.0, 1.0),
        Initializer.ScaledNormal => (1.0 / Math.Sqrt(fanIn), 1.0),
        Initializer.Glorot => (Math.Sqrt(2.0 / (fanIn + fanOut)), 0.0),
        Initializer.He => (Math.Sqrt(2.0 / fanIn), 0.0),
        _ => throw new ArgumentOutOfRangeException(nameof(initializer), initializer, "Not a normal scheme with fixed scales."),
    };

    /// <summary>The activation's name in weights files, summaries and on the command line: sigmoid, tanh, relu, leaky-relu, softmax, identity, gelu, silu, log-softmax.</summary>
    public static string Name(ActivationFunction activation) => activation switch
    {
        ActivationFunction.Sigmoid => "sigmoid",
        ActivationFunction.Tanh => "tanh",
        ActivationFunction.ReLU => "relu",
        ActivationFunction.LeakyReLU => "leaky-relu",
        ActivationFunction.Softmax => "softmax",
        ActivationFunction.Identity => "identity",
        ActivationFunction.GELU => "gelu",
        ActivationFunction.SiLU => "silu",
        ActivationFunction.LogSoftmax => "log-softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>The cost's name in weights files, summaries and on the command line: quadratic, cross-entropy, log-likelihood.</summary>
    public static string Name(CostFunction cost) => cost switch
    {
        CostFunction.Quadratic => "quadratic",
        CostFunction.CrossEntropy => "cross-entropy",
        CostFunction.LogLikelihood => "log-likelihood",
        _ => throw new ArgumentOutOfRangeException(nameof(cost), cost, "Unknown cost."),
    };

    /// <summary>The activation of that <see cref="Name(ActivationFunction)"/>, if any.</summary>
    public static bool TryParseActivation(string name, out ActivationFunction activation)
    {
        foreach (ActivationFunction candidate in AllActivations)
        {
            if (Name(candidate) == name)
            {
                activation = candidate;
                return true;
            }
        }
        activation = default;
        return false;
    }

    /// <summary>The cost of that <see cref="Name(CostFunction)"/>, if any.</summary>
    public static bool TryParseCost(string name, out CostFunction cost)
    {
        foreach (CostFunction candidate in Costs)
        {
            if (Name(candidate) == name)
            {
                cost = candidate;
                return true;
            }
        }
        cost = default;
        return false;
    }

    /// <summary>The names of <paramref name="activations"/>, as a list in prose or on a command line takes them.</summary>
    public static string[] Names(IReadOnlyList<ActivationFunction> activations)
    {
        var names = new string[activations.Count];
        for (int i = 0; i < names.Length; i++) names[i] = Name(activations[i]);
        return names;
    }

    private static readonly ActivationFunction[] AllActivations =
    {
        ActivationFunction.Sigmoid, ActivationFunction.Tanh, ActivationFunction.ReLU, ActivationFunction.LeakyReLU,
        ActivationFunction.Softmax, ActivationFunction.Identity, ActivationFunction.GELU, ActivationFunction.SiLU, ActivationFunction.LogSoftmax,
    };

    private static bool Contains(IReadOnlyList<ActivationFunction> list, ActivationFunction activation)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == activation) return true;
        }
        return false;
    }

    // ---- The [Network] attribute's default activations (added for MlpGen.Interop's NetworkDeclaration, which
    // names only what differs from them; the attribute's source in the generator says the same) ----

    /// <summary>The activation of the hidden layers when a declaration names none: sigmoid, as network.py.</summary>
    public const ActivationFunction DefaultHiddenActivation = ActivationFunction.Sigmoid;

    /// <summary>The activation of the output layer when a declaration names none: sigmoid, as network.py.</summary>
    public const ActivationFunction DefaultOutputActivation = ActivationFunction.Sigmoid;
}
