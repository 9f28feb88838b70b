using System;
using System.Collections.Generic;
using System.Linq;

namespace MlpGen.Sample;

// The networks this sample can train: every (topology, hidden activation, output and cost) the command line
// offers, one attribute each. The generator writes the feedforward and backpropagation code of each class at
// compile time; the names read Digits<hidden sizes><hidden activation><output><cost>.
// Digits16x16SigmoidSigmoidQuadratic is the network of the README's quick start (network.py's sigmoid neurons and
// quadratic cost), Digits30SigmoidSigmoidQuadratic the network of Nielsen's book, chapter 1. GELU and SiLU hidden
// layers and the log-softmax output (PyTorch's nn.GELU, nn.SiLU, nn.LogSoftmax with NLLLoss) come with the outputs and
// costs PyTorch users pair them with, softmax and log-softmax on log-likelihood, not with every one: each network is
// generated code that every build compiles.

// 784-16-16-10
[Network(784, 16, 16, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits16x16SigmoidSigmoidQuadratic { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits16x16SigmoidSigmoidCrossEntropy { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16SigmoidSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits16x16TanhSigmoidQuadratic { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits16x16TanhSigmoidCrossEntropy { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16TanhSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits16x16ReluSigmoidQuadratic { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits16x16ReluSigmoidCrossEntropy { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16ReluSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits16x16LeakyReluSigmoidQuadratic { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits16x16LeakyReluSigmoidCrossEntropy { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16LeakyReluSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16ReluLogSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16GeluSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16GeluLogSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16SiluSoftmaxLogLikelihood { }
[Network(784, 16, 16, 10, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits16x16SiluLogSoftmaxLogLikelihood { }

// 784-30-10
[Network(784, 30, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits30SigmoidSigmoidQuadratic { }
[Network(784, 30, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits30SigmoidSigmoidCrossEntropy { }
[Network(784, 30, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30SigmoidSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits30TanhSigmoidQuadratic { }
[Network(784, 30, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits30TanhSigmoidCrossEntropy { }
[Network(784, 30, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30TanhSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits30ReluSigmoidQuadratic { }
[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits30ReluSigmoidCrossEntropy { }
[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30ReluSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits30LeakyReluSigmoidQuadratic { }
[Network(784, 30, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits30LeakyReluSigmoidCrossEntropy { }
[Network(784, 30, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30LeakyReluSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30ReluLogSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30GeluSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30GeluLogSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30SiluSoftmaxLogLikelihood { }
[Network(784, 30, 10, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits30SiluLogSoftmaxLogLikelihood { }

// 784-100-10
[Network(784, 100, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits100SigmoidSigmoidQuadratic { }
[Network(784, 100, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits100SigmoidSigmoidCrossEntropy { }
[Network(784, 100, 10, Hidden = NetworkActivation.Sigmoid, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100SigmoidSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits100TanhSigmoidQuadratic { }
[Network(784, 100, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits100TanhSigmoidCrossEntropy { }
[Network(784, 100, 10, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100TanhSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits100ReluSigmoidQuadratic { }
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits100ReluSigmoidCrossEntropy { }
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100ReluSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.Quadratic)] internal sealed partial class Digits100LeakyReluSigmoidQuadratic { }
[Network(784, 100, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Sigmoid, Cost = NetworkCost.CrossEntropy)] internal sealed partial class Digits100LeakyReluSigmoidCrossEntropy { }
[Network(784, 100, 10, Hidden = NetworkActivation.LeakyReLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100LeakyReluSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100ReluLogSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100GeluSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.GELU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100GeluLogSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.Softmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100SiluSoftmaxLogLikelihood { }
[Network(784, 100, 10, Hidden = NetworkActivation.SiLU, Output = NetworkOutput.LogSoftmax, Cost = NetworkCost.LogLikelihood)] internal sealed partial class Digits100SiluLogSoftmaxLogLikelihood { }

/// <summary>
/// What one of the sample's networks is, as an instance reports it (<see cref="INetwork{T}.LayerSizes"/>,
/// <see cref="INetwork{T}.Activations"/>, <see cref="INetwork{T}.CostFunction"/>), and what the command line chooses.
/// </summary>
/// <param name="Topology">The layer sizes, input first: <c>784-30-10</c>.</param>
/// <param name="Hidden">The activation of the hidden layers (every network here has one for all of them).</param>
/// <param name="Output">The activation of the output layer.</param>
/// <param name="Cost">The cost it is trained on.</param>
internal readonly record struct NetworkChoice(string Topology, ActivationFunction Hidden, ActivationFunction Output, CostFunction Cost)
{
    /// <summary>What <paramref name="network"/> reports about itself.</summary>
    public static NetworkChoice Of(INetwork<float> network)
    {
        ReadOnlySpan<ActivationFunction> activations = network.Activations;
        return new NetworkChoice(new ParameterLayout(network.LayerSizes.ToArray()).ToString(), activations[0], activations[^1], network.CostFunction);
    }

    /// <summary><c>784-100-10 (relu hidden, softmax output, log-likelihood cost)</c>.</summary>
    public override string ToString() =>
        $"{Topology} ({NetworkRules.Name(Hidden)} hidden, {NetworkRules.Name(Output)} output, {NetworkRules.Name(Cost)} cost)";
}

/// <summary>
/// The networks declared above, found as the classes of this assembly that implement <see cref="INetwork{T}"/> and
/// keyed by what an instance of each reports, so that each is declared once, by its attribute. The command line's
/// choices are what they have, in the order of <see cref="NetworkRules"/> (topologies smallest first).
/// </summary>
internal static class Networks
{
    /// <summary>How to create a declared network, and how many parameters it has.</summary>
    private sealed record Declaration(Func<int, INetwork<float>> Create, int ParameterCount);

    private static readonly Lazy<Dictionary<NetworkChoice, Declaration>> Declared = new(Discover);

    /// <summary>The topologies, smallest first: <c>784-16-16-10</c>, <c>784-30-10</c>, <c>784-100-10</c>.</summary>
    public static string[] Topologies => Declared.Value.OrderBy(d => d.Value.ParameterCount).Select(d => d.Key.Topology).Distinct().ToArray();

    /// <summary>The hidden layers' activations the networks have.</summary>
    public static ActivationFunction[] HiddenActivations => NetworkRules.HiddenActivations.Where(a => Declared.Value.Keys.Any(k => k.Hidden == a)).ToArray();

    /// <summary>The output activations the networks have.</summary>
    public static ActivationFunction[] Outputs => NetworkRules.OutputActivations.Where(a => Declared.Value.Keys.Any(k => k.Output == a)).ToArray();

    /// <summary>The costs the networks are trained on.</summary>
    public static CostFunction[] Costs => NetworkRules.Costs.Where(c => Declared.Value.Keys.Any(k => k.Cost == c)).ToArray();

    /// <summary>The outputs the networks of <paramref name="topology"/> with <paramref name="hidden"/> hidden layers have.</summary>
    public static ActivationFunction[] OutputsWith(string topology, ActivationFunction hidden) =>
        NetworkRules.OutputActivations.Where(a => Declared.Value.Keys.Any(k => k.Topology == topology && k.Hidden == hidden && k.Output == a)).ToArray();

    /// <summary>Whether some network has this output trained on this cost (whatever its topology and hidden layers).</summary>
    public static bool HasPair(ActivationFunction output, CostFunction cost) => Declared.Value.Keys.Any(k => k.Output == output && k.Cost == cost);

    /// <summary>Whether a network of these choices is declared.</summary>
    public static bool Exists(NetworkChoice choice) => Declared.Value.ContainsKey(choice);

    /// <summary>The output and cost pairs the networks have, for the error message of a pair they do not: <c>sigmoid with quadratic, …</c>.</summary>
    public static string OutputCostPairs => string.Join(", ",
        from output in Outputs
        from cost in Costs
        where HasPair(output, cost)
        select $"{NetworkRules.Name(output)} with {NetworkRules.Name(cost)}");

    /// <summary>The network of <paramref name="choice"/>, its parameters drawn from <paramref name="seed"/> by its constructor.</summary>
    public static INetwork<float> Create(NetworkChoice choice, int seed) => Declared.Value[choice].Create(seed);

    private static Dictionary<NetworkChoice, Declaration> Discover()
    {
        var declared = new Dictionary<NetworkChoice, Declaration>();
        foreach (Type type in typeof(Networks).Assembly.GetTypes())
        {
            if (!type.IsClass || type.IsAbstract || !typeof(INetwork<float>).IsAssignableFrom(type)) continue;
            INetwork<float> Create(int seed) => (INetwork<float>)Activator.CreateInstance(type, seed)!;   // the generated constructor Net(int seed)
            INetwork<float> instance = Create(0);
            declared.Add(NetworkChoice.Of(instance), new Declaration(Create, instance.ParameterCount));
        }
        return declared;
    }
}
