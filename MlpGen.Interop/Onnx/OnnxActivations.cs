using System;
using System.Collections.Generic;
using System.Linq;

namespace MlpGen.Interop.Onnx;

/// <summary>
/// The ONNX op of each activation that is one node in ONNX: what the importer recognises and the exporter writes.
/// An identity output has no node (a linear output is the linear layer's own); SiLU is always a subgraph (Sigmoid and
/// Mul), and GELU is one node only from opset 20 on (Gelu): the exporter writes both as the subgraphs opset 13 has
/// (<see cref="OnnxExporter"/>), the importer reads those too (<see cref="OnnxChainReader"/>). Which activation may go
/// where is <see cref="NetworkRules"/>' to say, not this table's.
/// </summary>
internal static class OnnxActivations
{
    /// <summary>The ops, in the order messages list them: the hidden activations first, then those only an output layer has.</summary>
    public static IReadOnlyList<(string OpType, ActivationFunction Activation)> All { get; } = new[]
    {
        ("Relu", ActivationFunction.ReLU),
        ("Sigmoid", ActivationFunction.Sigmoid),
        ("Tanh", ActivationFunction.Tanh),
        ("LeakyRelu", ActivationFunction.LeakyReLU),
        ("Gelu", ActivationFunction.GELU),
        ("Softmax", ActivationFunction.Softmax),
        ("LogSoftmax", ActivationFunction.LogSoftmax),
    };

    /// <summary>
    /// LeakyRelu's <c>alpha</c> when the node does not set it: ONNX's default (operators.md), which happens to be
    /// <see cref="NetworkRules.LeakyReLUSlope"/> too. A fact about ONNX files, not a rule of MlpGen's.
    /// </summary>
    public const float DefaultLeakyReluAlpha = 0.01f;

    /// <summary>The activation a node of <paramref name="opType"/> computes, if it is one of <see cref="All"/>.</summary>
    public static bool TryGet(string opType, out ActivationFunction activation)
    {
        foreach ((string op, ActivationFunction a) in All)
        {
            if (op == opType)
            {
                activation = a;
                return true;
            }
        }
        activation = default;
        return false;
    }

    /// <summary>The op that computes <paramref name="activation"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An activation without an op of its own (identity).</exception>
    public static string OpType(ActivationFunction activation) =>
        All.FirstOrDefault(entry => entry.Activation == activation).OpType
        ?? throw new ArgumentOutOfRangeException(nameof(activation), activation, "no ONNX op computes it alone");
}
