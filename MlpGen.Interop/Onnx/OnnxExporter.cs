using System;
using System.Collections.Generic;
using System.Linq;
using System.Buffers.Binary;
using MlpGen.Interop.Protobuf;
using MlpGen.Persistence;

namespace MlpGen.Interop.Onnx;

/// <summary>
/// Exports a network as an ONNX model (opset 13): input <c>input</c> [batch, in], output <c>output</c> [batch, out]
/// with a dynamic batch dimension; each layer a <c>Gemm</c> (transB = 1, so the weights are stored [out, in], MlpGen's
/// own layout, <see cref="ParameterLayout"/>) followed by its activation node (<see cref="OnnxActivations"/>: LeakyRelu
/// with alpha <see cref="NetworkRules.LeakyReLUSlope"/>, Softmax and LogSoftmax over the last axis; none for an identity
/// output), or subgraph: GELU as PyTorch's opset 13 export writes it (Div by √2, Erf, Add 1, Mul by z, Mul by ½: the
/// Gelu op only exists from opset 20 on), SiLU as Sigmoid and Mul. Float32 networks become float models, float64 ones
/// double models.
/// </summary>
internal static class OnnxExporter
{
    /// <summary>The opset the exported models import: Softmax over the last axis by default, every op used is as in opset 13.</summary>
    public const int Opset = 13;

    /// <summary>ONNX IR version 7 (the IR of ONNX 1.8, opset 13): read by every ONNX Runtime since 1.6.</summary>
    public const int IrVersion = 7;

    public static byte[] Export(NetworkWeights network)
    {
        int dataType = network.Element == WeightsElement.Float32 ? (int)OnnxDataType.Float : (int)OnnxDataType.Double;
        // ModelFile.Encode refuses weights of unknown activations (version 1) before they get here.
        IReadOnlyList<ActivationFunction> activations = network.Activations ?? throw new ArgumentException("the network's activations are not known", nameof(network));
        var model = new ProtoWriter();
        model.Varint(1, IrVersion);                      // ir_version
        model.String(2, "MlpGen");                       // producer_name
        model.String(3, typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "");   // producer_version
        model.Message(7, graph =>                        // graph
        {
            var layout = new ParameterLayout(network.LayerSizes);
            int layers = layout.Layers;
            string previous = "input";
            for (int l = 1; l <= layers; l++)
            {
                bool last = l == layers;
                ActivationFunction activation = activations[l - 1];
                string z = last && activation == ActivationFunction.Identity ? "output" : $"layer{l}.z";
                string weight = $"layer{l}.weight", bias = $"layer{l}.bias";
                string input = previous;
                graph.Message(1, node =>                 // node: z = input · Wᵀ + b
                {
                    node.String(1, input);
                    node.String(1, weight);
                    node.String(1, bias);
                    node.String(2, z);
                    node.String(3, $"layer{l}.linear");
                    node.String(4, "Gemm");
                    node.Message(5, attribute => { attribute.String(1, "transB"); attribute.Varint(3, 1); attribute.Varint(20, 2); });   // INT
                });
                previous = z;
                if (activation is ActivationFunction.GELU or ActivationFunction.SiLU)
                {
                    previous = Subgraph(graph, activation, l, z, last ? "output" : $"layer{l}.a");
                }
                else if (activation != ActivationFunction.Identity)
                {
                    string a = last ? "output" : $"layer{l}.a";
                    graph.Message(1, node =>
                    {
                        node.String(1, z);
                        node.String(2, a);
                        string opType = OnnxActivations.OpType(activation);
                        node.String(3, $"layer{l}.{opType.ToLowerInvariant()}");
                        node.String(4, opType);
                        if (activation == ActivationFunction.LeakyReLU)
                            node.Message(5, attribute => { attribute.String(1, "alpha"); attribute.Float(2, (float)NetworkRules.LeakyReLUSlope); attribute.Varint(20, 1); });   // FLOAT
                        if (activation is ActivationFunction.Softmax or ActivationFunction.LogSoftmax)
                            node.Message(5, attribute => { attribute.String(1, "axis"); attribute.Varint(3, -1); attribute.Varint(20, 2); });
                    });
                    previous = a;
                }
            }
            graph.String(2, "mlpgen-" + network.Topology);
            for (int l = 1; l <= layers; l++)
            {
                int inputs = layout.Size(l - 1), outputs = layout.Size(l);
                ReadOnlyMemory<double> weights = network.Parameters.AsMemory(checked((int)layout.WeightOffset(l)), checked((int)layout.WeightCount(l)));
                ReadOnlyMemory<double> biases = network.Parameters.AsMemory(checked((int)layout.BiasOffset(l)), outputs);
                graph.Message(5, tensor => Tensor(tensor, $"layer{l}.weight", new long[] { outputs, inputs }, dataType, weights.Span));
                graph.Message(5, tensor => Tensor(tensor, $"layer{l}.bias", new long[] { outputs }, dataType, biases.Span));
            }
            if (activations.Contains(ActivationFunction.GELU))
            {
                // GELU's constants, scalars: √2, 1 and ½.
                graph.Message(5, tensor => Tensor(tensor, "gelu.sqrt2", Array.Empty<long>(), dataType, new[] { Math.Sqrt(2) }));
                graph.Message(5, tensor => Tensor(tensor, "gelu.one", Array.Empty<long>(), dataType, new[] { 1.0 }));
                graph.Message(5, tensor => Tensor(tensor, "gelu.half", Array.Empty<long>(), dataType, new[] { 0.5 }));
            }
            graph.Message(11, value => ValueInfo(value, "input", dataType, network.LayerSizes[0]));
            graph.Message(12, value => ValueInfo(value, "output", dataType, network.LayerSizes[^1]));
        });
        model.Message(8, opset => { opset.String(1, ""); opset.Varint(2, Opset); });   // opset_import
        return model.ToArray();
    }

    /// <summary>
    /// The nodes of a GELU (a = ½·z·(1 + erf(z/√2)): Div, Erf, Add, Mul, Mul, as PyTorch exports nn.GELU() at opset 13) or a
    /// SiLU (a = z·σ(z): Sigmoid, Mul) of layer <paramref name="l"/>, from <paramref name="z"/> to <paramref name="a"/>; returns <paramref name="a"/>.
    /// </summary>
    private static string Subgraph(ProtoWriter graph, ActivationFunction activation, int l, string z, string a)
    {
        void Node(string op, string name, string output, params string[] inputs) => graph.Message(1, node =>
        {
            foreach (string input in inputs) node.String(1, input);
            node.String(2, output);
            node.String(3, $"layer{l}.{name}");
            node.String(4, op);
        });
        if (activation == ActivationFunction.SiLU)
        {
            Node("Sigmoid", "sigmoid", $"layer{l}.sigmoid", z);
            Node("Mul", "silu", a, z, $"layer{l}.sigmoid");
            return a;
        }
        Node("Div", "gelu.div", $"layer{l}.gelu.div", z, "gelu.sqrt2");
        Node("Erf", "gelu.erf", $"layer{l}.gelu.erf", $"layer{l}.gelu.div");
        Node("Add", "gelu.add", $"layer{l}.gelu.add", $"layer{l}.gelu.erf", "gelu.one");
        Node("Mul", "gelu.mul", $"layer{l}.gelu.mul", z, $"layer{l}.gelu.add");
        Node("Mul", "gelu.half", a, $"layer{l}.gelu.mul", "gelu.half");
        return a;
    }

    /// <summary>A TensorProto: dims, data_type, name, raw_data (little-endian values).</summary>
    private static void Tensor(ProtoWriter tensor, string name, long[] dims, int dataType, ReadOnlySpan<double> values)
    {
        foreach (long d in dims) tensor.Varint(1, d);
        tensor.Varint(2, dataType);
        tensor.String(8, name);
        int size = dataType == (int)OnnxDataType.Float ? 4 : 8;
        var raw = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (size == 4) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), (float)values[i]);
            else BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(8 * i), values[i]);
        }
        tensor.Bytes(9, raw);
    }

    /// <summary>A ValueInfoProto of a [batch, width] tensor, batch symbolic.</summary>
    private static void ValueInfo(ProtoWriter value, string name, int dataType, int width)
    {
        value.String(1, name);
        value.Message(2, type => type.Message(1, tensor =>          // TypeProto.tensor_type
        {
            tensor.Varint(1, dataType);                             // elem_type
            tensor.Message(2, shape =>                              // TensorShapeProto
            {
                shape.Message(1, dim => dim.String(2, "batch"));    // dim_param
                shape.Message(1, dim => dim.Varint(1, width));      // dim_value
            });
        }));
    }
}
