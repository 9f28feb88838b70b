using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen;

namespace MlpGen.Sample;

// The networks this sample can train: every (topology, hidden activation, output and cost) the command line
// offers, one attribute each. The generator writes the feedforward and backpropagation code of each class at
// compile time; the names read Digits<hidden sizes><hidden activation><output><cost>.
// Digits16x16SigmoidSigmoidQuadratic is the network of the MlpGen README (network.py's sigmoid neurons and
// quadratic cost), Digits30SigmoidSigmoidQuadratic the network of Nielsen's book, chapter 1.

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

/// <summary>The choices that name one of the sample's networks.</summary>
internal readonly record struct NetworkChoice(string Topology, string Hidden, string Output, string Cost);

/// <summary>Creates the network the command line asks for.</summary>
internal static class Networks
{
    public static readonly string[] Topologies = { "784-16-16-10", "784-30-10", "784-100-10" };

    public static readonly string[] HiddenActivations = { "sigmoid", "tanh", "relu", "leaky-relu" };

    public static readonly string[] Outputs = { "sigmoid", "softmax" };

    public static readonly string[] Costs = { "quadratic", "cross-entropy", "log-likelihood" };

    /// <summary>Every declared network, by its choices; the constructor draws the initial parameters from the seed.</summary>
    private static readonly Dictionary<NetworkChoice, Func<int, INetwork<float>>> Factories = new()
    {
        [new("784-16-16-10", "sigmoid", "sigmoid", "quadratic")] = seed => new Digits16x16SigmoidSigmoidQuadratic(seed),
        [new("784-16-16-10", "sigmoid", "sigmoid", "cross-entropy")] = seed => new Digits16x16SigmoidSigmoidCrossEntropy(seed),
        [new("784-16-16-10", "sigmoid", "softmax", "log-likelihood")] = seed => new Digits16x16SigmoidSoftmaxLogLikelihood(seed),
        [new("784-16-16-10", "tanh", "sigmoid", "quadratic")] = seed => new Digits16x16TanhSigmoidQuadratic(seed),
        [new("784-16-16-10", "tanh", "sigmoid", "cross-entropy")] = seed => new Digits16x16TanhSigmoidCrossEntropy(seed),
        [new("784-16-16-10", "tanh", "softmax", "log-likelihood")] = seed => new Digits16x16TanhSoftmaxLogLikelihood(seed),
        [new("784-16-16-10", "relu", "sigmoid", "quadratic")] = seed => new Digits16x16ReluSigmoidQuadratic(seed),
        [new("784-16-16-10", "relu", "sigmoid", "cross-entropy")] = seed => new Digits16x16ReluSigmoidCrossEntropy(seed),
        [new("784-16-16-10", "relu", "softmax", "log-likelihood")] = seed => new Digits16x16ReluSoftmaxLogLikelihood(seed),
        [new("784-16-16-10", "leaky-relu", "sigmoid", "quadratic")] = seed => new Digits16x16LeakyReluSigmoidQuadratic(seed),
        [new("784-16-16-10", "leaky-relu", "sigmoid", "cross-entropy")] = seed => new Digits16x16LeakyReluSigmoidCrossEntropy(seed),
        [new("784-16-16-10", "leaky-relu", "softmax", "log-likelihood")] = seed => new Digits16x16LeakyReluSoftmaxLogLikelihood(seed),
        [new("784-30-10", "sigmoid", "sigmoid", "quadratic")] = seed => new Digits30SigmoidSigmoidQuadratic(seed),
        [new("784-30-10", "sigmoid", "sigmoid", "cross-entropy")] = seed => new Digits30SigmoidSigmoidCrossEntropy(seed),
        [new("784-30-10", "sigmoid", "softmax", "log-likelihood")] = seed => new Digits30SigmoidSoftmaxLogLikelihood(seed),
        [new("784-30-10", "tanh", "sigmoid", "quadratic")] = seed => new Digits30TanhSigmoidQuadratic(seed),
        [new("784-30-10", "tanh", "sigmoid", "cross-entropy")] = seed => new Digits30TanhSigmoidCrossEntropy(seed),
        [new("784-30-10", "tanh", "softmax", "log-likelihood")] = seed => new Digits30TanhSoftmaxLogLikelihood(seed),
        [new("784-30-10", "relu", "sigmoid", "quadratic")] = seed => new Digits30ReluSigmoidQuadratic(seed),
        [new("784-30-10", "relu", "sigmoid", "cross-entropy")] = seed => new Digits30ReluSigmoidCrossEntropy(seed),
        [new("784-30-10", "relu", "softmax", "log-likelihood")] = seed => new Digits30ReluSoftmaxLogLikelihood(seed),
        [new("784-30-10", "leaky-relu", "sigmoid", "quadratic")] = seed => new Digits30LeakyReluSigmoidQuadratic(seed),
        [new("784-30-10", "leaky-relu", "sigmoid", "cross-entropy")] = seed => new Digits30LeakyReluSigmoidCrossEntropy(seed),
        [new("784-30-10", "leaky-relu", "softmax", "log-likelihood")] = seed => new Digits30LeakyReluSoftmaxLogLikelihood(seed),
        [new("784-100-10", "sigmoid", "sigmoid", "quadratic")] = seed => new Digits100SigmoidSigmoidQuadratic(seed),
        [new("784-100-10", "sigmoid", "sigmoid", "cross-entropy")] = seed => new Digits100SigmoidSigmoidCrossEntropy(seed),
        [new("784-100-10", "sigmoid", "softmax", "log-likelihood")] = seed => new Digits100SigmoidSoftmaxLogLikelihood(seed),
        [new("784-100-10", "tanh", "sigmoid", "quadratic")] = seed => new Digits100TanhSigmoidQuadratic(seed),
        [new("784-100-10", "tanh", "sigmoid", "cross-entropy")] = seed => new Digits100TanhSigmoidCrossEntropy(seed),
        [new("784-100-10", "tanh", "softmax", "log-likelihood")] = seed => new Digits100TanhSoftmaxLogLikelihood(seed),
        [new("784-100-10", "relu", "sigmoid", "quadratic")] = seed => new Digits100ReluSigmoidQuadratic(seed),
        [new("784-100-10", "relu", "sigmoid", "cross-entropy")] = seed => new Digits100ReluSigmoidCrossEntropy(seed),
        [new("784-100-10", "relu", "softmax", "log-likelihood")] = seed => new Digits100ReluSoftmaxLogLikelihood(seed),
        [new("784-100-10", "leaky-relu", "sigmoid", "quadratic")] = seed => new Digits100LeakyReluSigmoidQuadratic(seed),
        [new("784-100-10", "leaky-relu", "sigmoid", "cross-entropy")] = seed => new Digits100LeakyReluSigmoidCrossEntropy(seed),
        [new("784-100-10", "leaky-relu", "softmax", "log-likelihood")] = seed => new Digits100LeakyReluSoftmaxLogLikelihood(seed),
    };

    /// <summary>The cost a network is trained on when --cost is not given: the attribute's own default for the output.</summary>
    public static string DefaultCost(string output) => output == "softmax" ? "log-likelihood" : "quadratic";

    /// <summary>Whether a network with these choices is declared (every topology and hidden activation has the same outputs and costs).</summary>
    public static bool Exists(string output, string cost) => Factories.Keys.Any(k => k.Output == output && k.Cost == cost);

    /// <summary>The output and cost pairs the networks have, for the error message of a pair they do not.</summary>
    public static string OutputCostPairs => string.Join(", ", Factories.Keys.Select(k => $"{k.Output} with {k.Cost}").Distinct());

    public static INetwork<float> Create(NetworkChoice choice, int seed) => Factories[choice](seed);
}
