using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Interop.Protobuf;
using MlpGen.Persistence;

namespace MlpGen.Interop.Onnx;

/// <summary>
/// Imports an MLP from an ONNX model, as <c>torch.onnx.export</c> writes an <c>nn.Sequential</c> of <c>Linear</c>
/// and <c>ReLU</c>/<c>Sigmoid</c>/<c>Tanh</c>/<c>LeakyReLU</c> layers, optionally ending in <c>Softmax</c>: opset 13
/// or later, each Linear a <c>Gemm</c> (2-D input; transB, alpha and beta honoured) or a <c>MatMul</c> followed by an
/// <c>Add</c> of the bias, a dynamic or fixed batch dimension (any leading dimensions), weights as initializers
/// (raw_data, float_data or double_data). Anything else is refused with the node, its op type and why.
/// </summary>
internal static class OnnxImporter
{
    private const string Supported = "Gemm, MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu and a final Softmax";

    /// <summary>One Linear layer as it is being read: W row-major [out, in], b, and the activation after it (null until one is seen).</summary>
    private sealed class Layer(int inputs, int outputs, double[] weights, string node)
    {
        public int Inputs { get; } = inputs;
        public int Outputs { get; } = outputs;
        public double[] Weights { get; } = weights;
        public double[]? Bias { get; set; }
        public string Node { get; } = node;
        public bool FromMatMul { get; init; }
        public ActivationFunction? Activation { get; set; }
    }

    /// <exception cref="ModelFormatException">The file is not an ONNX model of an MLP MlpGen can compute; the message says where and why.</exception>
    public static NetworkWeights Import(ReadOnlySpan<byte> bytes, string path)
    {
        OnnxModel model;
        try
        {
            model = OnnxDecoder.Model(bytes);
        }
        catch (ProtoException e)
        {
            throw new ModelFormatException(path, $"byte {e.Offset}: {e.Message}");
        }
        ModelFormatException Refuse(string problem) => new(path, problem);

        if (model.Graph is not { } graph || (graph.Nodes.Count == 0 && graph.Inputs.Count == 0))
            throw Refuse($"not an ONNX model: no graph (an ONNX file is a ModelProto; this one has ir_version {model.IrVersion} and no nodes)");
        var opset = model.OpsetImports.Where(o => o.Domain is "" or "ai.onnx").Select(o => (long?)o.Version).FirstOrDefault();
        if (opset is null) throw Refuse("the model imports no ai.onnx operator set");
        if (opset < 13) throw Refuse($"opset {opset}: MlpGen imports opset 13 and later (export with opset_version=13 or later)");
        if (graph.SparseInitializers > 0) throw Refuse("the graph has sparse initializers; MlpGen imports dense weights");

        var initializers = new Dictionary<string, OnnxTensor>();
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            if (!initializers.TryAdd(tensor.Name, tensor)) throw Refuse($"two initializers are named '{tensor.Name}'");
        }
        List<OnnxValueInfo> inputs = graph.Inputs.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1) throw Refuse($"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); an MLP has one");
        if (graph.Outputs.Count != 1) throw Refuse($"the graph has {graph.Outputs.Count} outputs ({string.Join(", ", graph.Outputs.Select(o => $"'{o.Name}'"))}); an MLP has one");
        OnnxValueInfo input = inputs[0], output = graph.Outputs[0];
        if (input.ElementType is not ((int)OnnxDataType.Float or (int)OnnxDataType.Double))
            throw Refuse($"input '{input.Name}' is of {DataTypeName(input.ElementType)}; MlpGen imports float (or double) models");
        int dataType = input.ElementType;
        if (!input.HasShape || input.Shape.Count < 2 || input.Shape[^1].Value is <= 0 or > int.MaxValue)
            throw Refuse($"input '{input.Name}' has the shape {ShapeText(input)}; MlpGen imports a batch of vectors, [batch, features] (or more leading dimensions) with a fixed number of features");
        int rank = input.Shape.Count;
        int width = (int)input.Shape[^1].Value;
        var layerSizes = new List<int> { width };

        // Who reads each value: a chain has exactly one reader of every value but the graph's output.
        var readers = new Dictionary<string, List<OnnxNode>>();
        foreach (OnnxNode node in graph.Nodes)
        {
            foreach (string name in node.Inputs.Where(n => n.Length > 0 && !initializers.ContainsKey(n)).Distinct())
            {
                if (!readers.TryGetValue(name, out var list)) readers[name] = list = new List<OnnxNode>();
                list.Add(node);
            }
        }

        var layers = new List<Layer>();
        string current = input.Name;
        bool softmaxSeen = false;
        foreach (OnnxNode node in graph.Nodes)
        {
            string what = node.Describe();
            if (node.Domain is not ("" or "ai.onnx")) throw Refuse($"{what}: an op of the domain '{node.Domain}', not a standard ONNX op; MlpGen imports {Supported}");
            if (!IsSupported(node.OpType)) throw Refuse($"{what}: {WhyUnsupported(node.OpType)}; MlpGen imports {Supported}");
            if (!node.Inputs.Contains(current))
                throw Refuse($"{what}: does not read '{current}', the output of the layer before (it reads {string.Join(", ", node.Inputs.Select(i => $"'{i}'"))}): the graph is not a chain of layers");
            if (readers.TryGetValue(current, out var currentReaders) && currentReaders.Count > 1 || current == output.Name)
                throw Refuse($"{what}: '{current}' is read by {string.Join(" and ", (currentReaders ?? new()).Select(r => r.Describe()))}{(current == output.Name ? " and is the graph's output" : "")}: a branch, not a chain of layers");
            if (softmaxSeen) throw Refuse($"{what}: follows the Softmax; MlpGen imports Softmax as the output layer's activation only");
            if (node.Outputs.Count != 1) throw Refuse($"{what}: has {node.Outputs.Count} outputs; a layer of an MLP has one");
            Layer? last = layers.Count > 0 ? layers[^1] : null;
            int currentWidth = layerSizes[^1];

            switch (node.OpType)
            {
                case "Gemm":
                {
                    if (last is { Activation: null }) throw Refuse($"{what}: a linear layer right after another; MlpGen's hidden layers each need an activation (ReLU, Sigmoid, Tanh or LeakyReLU)");
                    if (rank != 2) throw Refuse($"{what}: Gemm on an input of rank {rank}; Gemm takes [batch, features]");
                    if (node.Inputs[0] != current) throw Refuse($"{what}: reads '{current}' as B; MlpGen imports Gemm(A = the layer before, B = weights, C = bias)");
                    if (Int(node, "transA", 0) != 0) throw Refuse($"{what}: transA = 1 transposes the batch; MlpGen imports Gemm with transA = 0");
                    bool transB = Int(node, "transB", 0) != 0;
                    float alpha = Float(node, "alpha", 1), beta = Float(node, "beta", 1);
                    OnnxTensor b = Initializer(node, 1, "B (the weights)");
                    if (b.Dims.Count != 2) throw Refuse($"{what}: weights '{b.Name}' have the shape {Dims(b)}; expected a matrix");
                    long inputs2 = transB ? b.Dims[1] : b.Dims[0], outputs = transB ? b.Dims[0] : b.Dims[1];
                    if (inputs2 != currentWidth)
                        throw Refuse($"{what}: weights '{b.Name}' of shape {Dims(b)}{(transB ? " (transB)" : "")} take {inputs2} inputs, but the layer before gives {currentWidth}: a shape mismatch");
                    CheckValues(b, node, what, dataType);
                    int o = checked((int)outputs);
                    var weights = new double[(long)o * currentWidth];
                    for (int j = 0; j < o; j++)
                        for (int i = 0; i < currentWidth; i++)
                            weights[(long)j * currentWidth + i] = (transB ? b.Values[(long)j * currentWidth + i] : b.Values[(long)i * o + j]) * alpha;
                    var layer = new Layer(currentWidth, o, weights, what);
                    layer.Bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Bias(node, 2, o, what, dataType, beta) : new double[o];
                    layers.Add(layer);
                    layerSizes.Add(o);
                    break;
                }
                case "MatMul":
                {
                    if (last is { Activation: null }) throw Refuse($"{what}: a linear layer right after another; MlpGen's hidden layers each need an activation (ReLU, Sigmoid, Tanh or LeakyReLU)");
                    if (node.Inputs[0] != current) throw Refuse($"{what}: multiplies weights by the layer before; MlpGen imports MatMul(the layer before, weights)");
                    OnnxTensor w = Initializer(node, 1, "the weights");
                    if (w.Dims.Count != 2) throw Refuse($"{what}: weights '{w.Name}' have the shape {Dims(w)}; expected a matrix [in, out]");
                    if (w.Dims[0] != currentWidth) throw Refuse($"{what}: weights '{w.Name}' of shape {Dims(w)} take {w.Dims[0]} inputs, but the layer before gives {currentWidth}: a shape mismatch");
                    CheckValues(w, node, what, dataType);
                    int o = checked((int)w.Dims[1]);
                    var weights = new double[(long)o * currentWidth];
                    for (int j = 0; j < o; j++)
                        for (int i = 0; i < currentWidth; i++)
                            weights[(long)j * currentWidth + i] = w.Values[(long)i * o + j];
                    layers.Add(new Layer(currentWidth, o, weights, what) { FromMatMul = true, Bias = null });
                    layerSizes.Add(o);
                    break;
                }
                case "Add":
                {
                    if (last is not { FromMatMul: true, Bias: null, Activation: null })
                        throw Refuse($"{what}: an Add that is not the bias of a MatMul; MlpGen imports Add right after MatMul (a Linear layer on a MatMul)");
                    int other = node.Inputs[0] == current ? 1 : 0;
                    if (node.Inputs.Count != 2) throw Refuse($"{what}: expected two inputs, found {node.Inputs.Count}");
                    last.Bias = Bias(node, other, last.Outputs, what, dataType, 1);
                    break;
                }
                default:   // an activation
                {
                    if (last is null || last.Activation is not null)
                        throw Refuse($"{what}: an activation {(last is null ? "before any linear layer" : "right after another")}; MlpGen imports Linear layers each followed by one activation");
                    last.Bias ??= new double[last.Outputs];   // a MatMul without Add: Linear(bias=False)
                    last.Activation = node.OpType switch
                    {
                        "Relu" => ActivationFunction.ReLU,
                        "Sigmoid" => ActivationFunction.Sigmoid,
                        "Tanh" => ActivationFunction.Tanh,
                        "LeakyRelu" => Float(node, "alpha", 0.01f) == 0.01f
                            ? ActivationFunction.LeakyReLU
                            : throw Refuse($"{what}: alpha = {Float(node, "alpha", 0.01f)}; MlpGen's leaky ReLU has the slope 0.01 (PyTorch's default negative_slope)"),
                        _ => Softmax(node, what),
                    };
                    break;
                }
            }
            current = node.Outputs[0];
        }
        if (layers.Count == 0) throw Refuse("the graph has no linear layer (Gemm or MatMul); nothing to import");
        if (current != output.Name) throw Refuse($"the graph's output '{output.Name}' is not the end of the chain of layers ('{current}')");
        if (output.HasShape && output.Shape.Count > 0 && output.Shape[^1].Value > 0 && output.Shape[^1].Value != layerSizes[^1])
            throw Refuse($"the graph's output '{output.Name}' has the shape {ShapeText(output)}, but the last layer gives {layerSizes[^1]} values: a shape mismatch");

        var activations = new List<ActivationFunction>();
        for (int l = 0; l < layers.Count; l++)
        {
            Layer layer = layers[l];
            bool isOutput = l == layers.Count - 1;
            ActivationFunction activation = layer.Activation ?? ActivationFunction.Identity;
            if (!isOutput && activation is ActivationFunction.Softmax)
                throw Refuse($"{layer.Node}: Softmax on a hidden layer; MlpGen takes Softmax on the output layer only");
            if (isOutput && activation is ActivationFunction.ReLU or ActivationFunction.Tanh or ActivationFunction.LeakyReLU)
                throw Refuse($"{layer.Node}: the output layer ends in {activation}; MlpGen's output layers are sigmoid, softmax or identity (logits)");
            activations.Add(activation);
        }
        // One array of the final size, each layer copied in once (every tensor was checked to hold at most int.MaxValue values).
        var parameters = new double[checked(layers.Sum(l => l.Weights.LongLength + l.Outputs))];
        long offset = 0;
        foreach (Layer layer in layers)
        {
            layer.Weights.CopyTo(parameters, offset);
            offset += layer.Weights.LongLength;
            layer.Bias?.CopyTo(parameters, offset);   // none: Linear(bias=False), zeros
            offset += layer.Outputs;
        }
        return new NetworkWeights(layerSizes, activations, cost: null,
            dataType == (int)OnnxDataType.Float ? WeightsElement.Float32 : WeightsElement.Float64, parameters);

        OnnxTensor Initializer(OnnxNode node, int index, string role)
        {
            if (node.Inputs.Count <= index || !initializers.TryGetValue(node.Inputs[index], out OnnxTensor? tensor))
                throw Refuse($"{node.Describe()}: {role} '{(node.Inputs.Count > index ? node.Inputs[index] : "")}' is not an initializer; MlpGen imports weights stored in the model");
            return tensor;
        }

        double[] Bias(OnnxNode node, int index, int outputs, string what, int type, float beta)
        {
            OnnxTensor c = Initializer(node, index, "the bias");
            CheckValues(c, node, what, type);
            bool leadingOnes = c.Dims.Take(Math.Max(0, c.Dims.Count - 1)).All(d => d == 1);
            if (c.Values.Length == outputs && leadingOnes) return c.Values.Select(v => v * beta).ToArray();
            if (c.Values.Length == 1) return Enumerable.Repeat(c.Values[0] * beta, outputs).ToArray();
            throw Refuse($"{what}: bias '{c.Name}' has the shape {Dims(c)}, but the layer has {outputs} outputs: a shape mismatch");
        }

        void CheckValues(OnnxTensor tensor, OnnxNode node, string what, int type)
        {
            if (tensor.External) throw Refuse($"{what}: '{tensor.Name}' is stored in an external file; MlpGen imports weights stored in the model");
            if (tensor.DataType != type)
                throw Refuse($"{what}: '{tensor.Name}' is of {DataTypeName(tensor.DataType)}, the input of {DataTypeName(type)}; MlpGen imports float (or double) models of one type");
            long count = 1;
            foreach (long d in tensor.Dims)
            {
                if (d <= 0 || d > int.MaxValue)
                    throw Refuse($"{what}: '{tensor.Name}' has the shape {Dims(tensor)}; every dimension of a layer's weights and bias is at least 1 (a layer has inputs and outputs)");
                count = checked(count * d);
                if (count > int.MaxValue) throw Refuse($"{what}: '{tensor.Name}' of shape {Dims(tensor)} is too large");
            }
            if (tensor.Values.Length != count)
                throw Refuse($"{what}: '{tensor.Name}' of shape {Dims(tensor)} needs {count} values, its data holds {tensor.Values.Length} (truncated or corrupt)");
        }

        ActivationFunction Softmax(OnnxNode node, string what)
        {
            long axis = Int(node, "axis", -1);
            if (axis != -1 && axis != rank - 1) throw Refuse($"{what}: axis = {axis}; MlpGen's softmax is over the features, the last axis (-1 or {rank - 1})");
            softmaxSeen = true;
            return ActivationFunction.Softmax;
        }
    }

    private static bool IsSupported(string op) => op is "Gemm" or "MatMul" or "Add" or "Relu" or "Sigmoid" or "Tanh" or "LeakyRelu" or "Softmax";

    private static string WhyUnsupported(string op) => op switch
    {
        "Conv" or "ConvTranspose" => "a convolution, not a layer of an MLP",
        "MaxPool" or "AveragePool" or "GlobalAveragePool" or "GlobalMaxPool" => "a pooling layer, not a layer of an MLP",
        "BatchNormalization" or "LayerNormalization" => "a normalisation layer, which MlpGen's networks do not have",
        "Flatten" or "Reshape" or "Transpose" or "Squeeze" or "Unsqueeze" => "a reshape; MlpGen imports models whose input is already a vector (export without nn.Flatten)",
        "Dropout" => "a Dropout node (export the model in eval mode: model.eval())",
        _ => "an op MlpGen does not import",
    };

    private static long Int(OnnxNode node, string name, long fallback) => node.Attributes.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static float Float(OnnxNode node, string name, float fallback) => node.Attributes.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    private static string Dims(OnnxTensor tensor) => "[" + string.Join(", ", tensor.Dims) + "]";

    private static string ShapeText(OnnxValueInfo info) => !info.HasShape ? "(none given)" : "[" + string.Join(", ", info.Shape.Select(d => d.Param ?? d.Value.ToString())) + "]";

    public static string DataTypeName(int type) => type switch
    {
        0 => "no element type",
        1 => "float32",
        2 => "uint8",
        3 => "int8",
        4 => "uint16",
        5 => "int16",
        6 => "int32",
        7 => "int64",
        8 => "string",
        9 => "bool",
        10 => "float16",
        11 => "float64",
        16 => "bfloat16",
        _ => $"element type {type}",
    };
}
