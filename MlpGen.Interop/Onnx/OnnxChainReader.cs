using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MlpGen.Persistence;
using static MlpGen.FileText;

namespace MlpGen.Interop.Onnx;

/// <summary>
/// Reads an ONNX graph as the chain of layers of an MLP, one step at a time. The constructor checks the model
/// around the chain (opset, initializers and Constant nodes, the one input and output); <see cref="Read"/> then walks
/// the nodes in order, each step reading one kind of node into the layers (<see cref="ReadFlatten"/>,
/// <see cref="ReadGemm"/>, <see cref="ReadMatMul"/>, <see cref="ReadBias"/>, <see cref="ReadBatchNormalization"/>,
/// <see cref="ReadActivation"/>, and the subgraphs <see cref="ReadGelu"/> and <see cref="ReadSilu"/>), and
/// <see cref="Finish"/> folds what is left to fold, checks the layers against <see cref="NetworkRules"/> and lays them
/// out (<see cref="ParameterLayout"/>). What the import changed about the model (a flattened input, a folded
/// BatchNormalization, a subgraph read as one activation) is said in <see cref="Notes"/>.
/// </summary>
/// <remarks>
/// The state of the walk is explicit: the value the chain has reached (the next node must read it), the layers read
/// so far (the last one possibly still waiting for its bias or activation), and the output-only activation that ended
/// the chain, once read. A new kind of node is one more step: a case in <see cref="Step"/> and a method that reads
/// it; a step may read several nodes (an activation that ONNX writes as a small subgraph), and the chain continues
/// from the last one it read.
/// </remarks>
internal sealed class OnnxChainReader
{
    private readonly string _path;
    private readonly IReadOnlyList<OnnxNode> _nodes;
    private readonly Dictionary<string, OnnxTensor> _initializers = new();
    private readonly Dictionary<string, List<OnnxNode>> _readers = new();   // who reads each value that is not an initializer
    private readonly OnnxValueInfo _input;
    private readonly OnnxValueInfo _output;
    private readonly int _dataType;    // float or double: the input's, and every weight's

    private int _next;        // the index of the next node to read
    private int _rank;        // the input's: [batch, features], or more leading dimensions; 2 once a Flatten flattened it
    private int _inputWidth;  // n_0, the input's features (after a leading Flatten, all of a sample's values)
    private string _end;                                // the value the chain has reached: the next node reads it
    private readonly List<LinearLayer> _layers = new();
    private OnnxNode? _outputActivation;                // the output-only activation (Softmax, LogSoftmax) that ended the chain
    private Normalization? _pending;                    // a BatchNormalization of activations, waiting for the linear layer after it
    private readonly List<string> _notes = new();

    /// <summary>y = Scale ⊙ x + Shift per feature: an inference-mode BatchNormalization, Scale = γ/√(σ² + ε), Shift = β − Scale ⊙ μ.</summary>
    private sealed record Normalization(string Node, double[] Scale, double[] Shift);

    /// <summary>One Linear layer as it is being read: W row-major [out, in], b, and the activation after it.</summary>
    private sealed class LinearLayer(string node, int inputs, int outputs, double[] weights)
    {
        /// <summary>The node that computes it, as messages name it.</summary>
        public string Node { get; } = node;

        public int Inputs { get; } = inputs;

        public int Outputs { get; } = outputs;

        public double[] Weights { get; } = weights;

        /// <summary>Null while a MatMul's layer waits for the Add of its bias; a layer without bias gets zeros.</summary>
        public double[]? Bias { get; set; }

        /// <summary>Null until the activation node after it is read; none at the end is a linear (identity) output.</summary>
        public ActivationFunction? Activation { get; set; }

        /// <summary>A BatchNormalization of this layer's inputs (after the activation before it), folded in by <see cref="Finish"/>.</summary>
        public Normalization? Input { get; set; }
    }

    /// <summary>Checks everything around the chain: the graph, its opset, its initializers, its one input and output.</summary>
    /// <exception cref="ModelFormatException">The model is not one MlpGen imports; the message says why.</exception>
    public OnnxChainReader(OnnxModel model, string path)
    {
        _path = path;
        if (model.Graph is not { } graph || (graph.Nodes.Count == 0 && graph.Inputs.Count == 0))
            throw Refuse($"not an ONNX model: no graph (an ONNX file is a ModelProto; this one has ir_version {model.IrVersion} and no nodes)");
        long? opset = model.OpsetImports.Where(o => o.Domain is "" or "ai.onnx").Select(o => (long?)o.Version).FirstOrDefault();
        if (opset is null) throw Refuse("the model imports no ai.onnx operator set");
        if (opset < 13) throw Refuse($"opset {opset}: MlpGen imports opset 13 and later (export with opset_version=13 or later)");
        if (graph.SparseInitializers > 0) throw Refuse("the graph has sparse initializers; MlpGen imports dense weights");
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            if (!_initializers.TryAdd(tensor.Name, tensor)) throw Refuse($"two initializers are named {Quoted(tensor.Name)}");
        }
        // A Constant node is a value stored in the model, as an initializer is (view's shape, GELU's √2, 1 and ½).
        foreach (OnnxNode constant in graph.Nodes.Where(n => n.OpType == "Constant" && n.Domain is "" or "ai.onnx"))
        {
            OnnxTensor tensor = ConstantValue(constant);
            if (!_initializers.TryAdd(tensor.Name, tensor)) throw Refuse($"{constant.Describe()}: gives {Quoted(tensor.Name)}, which another initializer or Constant gives too");
        }
        _nodes = graph.Nodes.Where(n => !(n.OpType == "Constant" && n.Domain is "" or "ai.onnx")).ToList();

        List<OnnxValueInfo> inputs = graph.Inputs.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1) throw Refuse($"the graph has {inputs.Count} inputs ({List(inputs.Select(i => Quoted(i.Name)).ToList())}); an MLP has one");
        if (graph.Outputs.Count != 1) throw Refuse($"the graph has {graph.Outputs.Count} outputs ({List(graph.Outputs.Select(o => Quoted(o.Name)).ToList())}); an MLP has one");
        OnnxValueInfo input = _input = inputs[0];
        _output = graph.Outputs[0];
        if (input.ElementType is not ((int)OnnxDataType.Float or (int)OnnxDataType.Double))
            throw Refuse($"input {Quoted(input.Name)} is of {DataTypeName(input.ElementType)}; MlpGen imports float (or double) models");
        if (!input.HasShape || input.Shape.Count < 2 || input.Shape[^1].Value is <= 0 or > int.MaxValue)
            throw Refuse($"input {Quoted(input.Name)} has the shape {ShapeText(input)}; MlpGen imports a batch of vectors, [batch, features] (or more leading dimensions, or a batch of images that a leading Flatten or Reshape flattens) with a fixed number of features");
        _dataType = input.ElementType;
        _rank = input.Shape.Count;
        _inputWidth = (int)input.Shape[^1].Value;
        _end = input.Name;

        // A chain has exactly one reader of every value but the graph's output.
        foreach (OnnxNode node in _nodes)
        {
            foreach (string name in node.Inputs.Where(n => n.Length > 0 && !_initializers.ContainsKey(n)).Distinct())
            {
                if (!_readers.TryGetValue(name, out List<OnnxNode>? list)) _readers[name] = list = new List<OnnxNode>();
                list.Add(node);
            }
        }
    }

    /// <summary>
    /// The ops the importer reads, as messages list them: linear layers, the activations of one node
    /// (<see cref="OnnxActivations"/>) and of a subgraph (GELU, SiLU), BatchNormalization and the input's flattening.
    /// </summary>
    private static string Supported { get; } =
        $"Gemm, MatMul + Add, {string.Join(", ", OnnxActivations.All.Where(a => NetworkRules.IsHidden(a.Activation)).Select(a => a.Activation == ActivationFunction.GELU ? $"{a.OpType} (or PyTorch's Div, Erf, Add, Mul, Mul)" : a.OpType))}"
        + ", SiLU (Sigmoid and Mul), BatchNormalization next to a linear layer, a leading Flatten or Reshape,"
        + $" and a final {Prose.Or(OnnxActivations.All.Where(a => !NetworkRules.IsHidden(a.Activation)).Select(a => a.OpType))}";

    /// <summary>What the import changed about the model, one sentence each: a flattened input, a folded BatchNormalization, a subgraph read as one activation.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The activations a hidden layer may end in, as PyTorch's modules name them: ReLU, Sigmoid, Tanh, LeakyReLU, GELU or SiLU.</summary>
    private static string HiddenActivations { get; } =
        Prose.Or(OnnxActivations.All.Select(a => a.Activation).Concat(NetworkRules.HiddenActivations).Distinct().Where(NetworkRules.IsHidden).Select(a => a.ToString()));

    /// <summary>n_l, the width of the value the chain has reached: the input's, then the last layer's outputs.</summary>
    private int Width => _layers.Count > 0 ? _layers[^1].Outputs : _inputWidth;

    /// <summary>The layer read last, if any.</summary>
    private LinearLayer? Last => _layers.Count > 0 ? _layers[^1] : null;

    /// <summary>Reads every node, then the network they make.</summary>
    /// <exception cref="ModelFormatException">A node is not part of an MLP MlpGen can compute; the message names it and says why.</exception>
    public NetworkWeights Read()
    {
        while (_next < _nodes.Count) Step();
        return Finish();
    }

    /// <summary>Reads the next node, a link of the chain, with the step for its op; the chain then ends at the output of the last node the step read.</summary>
    private void Step()
    {
        OnnxNode node = _nodes[_next++];
        CheckOp(node);
        if (node.OpType is "Div" or "Mul" && node.Inputs.Contains(_end))
        {
            ReadGelu(node);      // reads the layer before twice
        }
        else if (node.OpType == "Sigmoid" && IsSilu(node))
        {
            ReadSilu(node);      // likewise
        }
        else
        {
            CheckLink(node);
            switch (node.OpType)
            {
                case "Gemm": ReadGemm(node); break;
                case "MatMul": ReadMatMul(node); break;
                case "Add": ReadBias(node); break;
                case "Flatten" or "Reshape": ReadFlatten(node); break;
                case "BatchNormalization": ReadBatchNormalization(node); break;
                default: ReadActivation(node); break;   // CheckOp let through nothing else
            }
        }
        _end = _nodes[_next - 1].Outputs[0];
    }

    /// <summary>A standard ONNX op the importer reads.</summary>
    private void CheckOp(OnnxNode node)
    {
        if (node.Domain is not ("" or "ai.onnx"))
            throw Refuse($"{node.Describe()}: an op of the domain {Quoted(node.Domain)}, not a standard ONNX op; MlpGen imports {Supported}");
        if (node.OpType is not ("Gemm" or "MatMul" or "Add" or "Flatten" or "Reshape" or "BatchNormalization" or "Div" or "Mul") && !OnnxActivations.TryGet(node.OpType, out _))
            throw Refuse($"{node.Describe()}: {WhyUnsupported(node.OpType)}; MlpGen imports {Supported}");
    }

    /// <summary>The node continues the chain: it reads the value the chain has reached, nothing else reads that value, the chain has not ended, and it gives one value.</summary>
    private void CheckLink(OnnxNode node)
    {
        string what = node.Describe();
        if (!node.Inputs.Contains(_end))
            throw Refuse($"{what}: does not read {Quoted(_end)}, the output of the layer before (it reads {List(node.Inputs.Select(Quoted).ToList())}): the graph is not a chain of layers");
        List<OnnxNode> readers = _readers.GetValueOrDefault(_end) ?? new List<OnnxNode>();
        if (readers.Count > 1 || _end == _output.Name)
            throw Refuse($"{what}: {Quoted(_end)} is read by {List(readers.Select(r => r.Describe()).ToList(), " and ")}{(_end == _output.Name ? " and is the graph's output" : "")}: a branch, not a chain of layers");
        CheckNotEnded(node);
        if (node.Outputs.Count != 1 && node.OpType != "BatchNormalization") throw Refuse($"{what}: has {node.Outputs.Count} outputs; a layer of an MLP has one");
    }

    /// <summary>No node follows the output-only activation that ended the chain.</summary>
    private void CheckNotEnded(OnnxNode node)
    {
        if (_outputActivation is { } ended)
            throw Refuse($"{node.Describe()}: follows the {ended.OpType}; MlpGen imports {ended.OpType} as the output layer's activation only");
    }

    /// <summary>A Linear layer as Gemm: Y = alpha · A · B + beta · C, A the layer before, B the weights ([in, out], or [out, in] with transB), C the bias.</summary>
    private void ReadGemm(OnnxNode node)
    {
        string what = node.Describe();
        CheckActivationBefore(node);
        if (_rank != 2) throw Refuse($"{what}: Gemm on an input of rank {_rank}; Gemm takes [batch, features]");
        if (node.Inputs[0] != _end) throw Refuse($"{what}: reads {Quoted(_end)} as B; MlpGen imports Gemm(A = the layer before, B = weights, C = bias)");
        if (Int(node, "transA", 0) != 0) throw Refuse($"{what}: transA = 1 transposes the batch; MlpGen imports Gemm with transA = 0");
        bool transB = Int(node, "transB", 0) != 0;
        float alpha = Float(node, "alpha", 1), beta = Float(node, "beta", 1);
        OnnxTensor b = Initializer(node, 1, "B (the weights)");
        if (b.Dims.Count != 2) throw Refuse($"{what}: weights {Quoted(b.Name)} have the shape {Dims(b)}; expected a matrix");
        int width = Width;
        long inputs = transB ? b.Dims[1] : b.Dims[0], outputs = transB ? b.Dims[0] : b.Dims[1];
        if (inputs != width)
            throw Refuse($"{what}: weights {Quoted(b.Name)} of shape {Dims(b)}{(transB ? " (transB)" : "")} take {inputs} inputs, but the layer before gives {width}: a shape mismatch");
        CheckValues(b, what);
        int o = checked((int)outputs);
        var weights = new double[(long)o * width];
        for (int j = 0; j < o; j++)
        {
            for (int i = 0; i < width; i++) weights[(long)j * width + i] = (transB ? b.Values[(long)j * width + i] : b.Values[(long)i * o + j]) * alpha;
        }
        bool hasBias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0;
        _layers.Add(new LinearLayer(what, width, o, weights) { Bias = hasBias ? Bias(node, 2, o, beta) : new double[o], Input = TakePending() });
    }

    /// <summary>A Linear layer as MatMul(the layer before, W [in, out]); its bias is the Add that follows (<see cref="ReadBias"/>), if any.</summary>
    private void ReadMatMul(OnnxNode node)
    {
        string what = node.Describe();
        CheckActivationBefore(node);
        if (node.Inputs[0] != _end) throw Refuse($"{what}: multiplies weights by the layer before; MlpGen imports MatMul(the layer before, weights)");
        OnnxTensor w = Initializer(node, 1, "the weights");
        int width = Width;
        if (w.Dims.Count != 2) throw Refuse($"{what}: weights {Quoted(w.Name)} have the shape {Dims(w)}; expected a matrix [in, out]");
        if (w.Dims[0] != width) throw Refuse($"{what}: weights {Quoted(w.Name)} of shape {Dims(w)} take {w.Dims[0]} inputs, but the layer before gives {width}: a shape mismatch");
        CheckValues(w, what);
        int o = checked((int)w.Dims[1]);
        var weights = new double[(long)o * width];
        for (int j = 0; j < o; j++)
        {
            for (int i = 0; i < width; i++) weights[(long)j * width + i] = w.Values[(long)i * o + j];
        }
        _layers.Add(new LinearLayer(what, width, o, weights) { Input = TakePending() });
    }

    /// <summary>The BatchNormalization waiting for this linear layer, if any, now the layer's to fold in.</summary>
    private Normalization? TakePending()
    {
        Normalization? pending = _pending;
        _pending = null;
        return pending;
    }

    /// <summary>The Add of a MatMul layer's bias.</summary>
    private void ReadBias(OnnxNode node)
    {
        string what = node.Describe();
        if (Last is not { Bias: null, Activation: null } layer)
            throw Refuse($"{what}: an Add that is not the bias of a MatMul; MlpGen imports Add right after MatMul (a Linear layer on a MatMul)");
        int other = node.Inputs[0] == _end ? 1 : 0;
        if (node.Inputs.Count != 2) throw Refuse($"{what}: expected two inputs, found {node.Inputs.Count}");
        layer.Bias = Bias(node, other, layer.Outputs, 1);
    }

    /// <summary>The activation of the layer before; one that only an output layer has (softmax) ends the chain.</summary>
    private void ReadActivation(OnnxNode node)
    {
        OnnxActivations.TryGet(node.OpType, out ActivationFunction activation);
        switch (activation)
        {
            case ActivationFunction.LeakyReLU: CheckLeakyReluSlope(node); break;
            case ActivationFunction.Softmax or ActivationFunction.LogSoftmax: CheckSoftmaxAxis(node); break;
            case ActivationFunction.GELU: CheckGeluExact(node); break;
        }
        SetActivation(node, activation);
    }

    /// <summary>The activation of the layer before, read from <paramref name="node"/> (the last node of a subgraph); one that only an output layer has ends the chain.</summary>
    private void SetActivation(OnnxNode node, ActivationFunction activation)
    {
        string what = node.Describe();
        if (_pending is { } pending)
            throw Refuse($"{pending.Node}: a BatchNormalization right before an activation, with no linear layer to fold into; MlpGen folds a BatchNormalization into the linear layer before or after it");
        if (Last is not { Activation: null } layer)
            throw Refuse($"{what}: an activation {(Last is null ? "before any linear layer" : "right after another")}; MlpGen imports Linear layers each followed by one activation");
        layer.Bias ??= new double[layer.Outputs];   // a MatMul without Add: Linear(bias=False)
        layer.Activation = activation;
        if (!NetworkRules.IsHidden(activation)) _outputActivation = node;
    }

    /// <summary>Opset 20's Gelu computes the exact (erf) GELU unless approximate = 'tanh'.</summary>
    private void CheckGeluExact(OnnxNode node)
    {
        string approximate = node.Attributes.FirstOrDefault(a => a.Name == "approximate")?.S ?? "none";
        if (approximate != "none")
            throw Refuse($"{node.Describe()}: approximate = {Quoted(approximate)}; MlpGen's GELU is the exact one, z·Φ(z) with erf (nn.GELU(), approximate='none')");
    }

    /// <summary>
    /// nn.GELU() as opset 13 exports it: Div(z, √2), Erf, Add 1, Mul by z, Mul ½ (or Mul(z, 1/√2) first), each operand
    /// order of Add and Mul, the constants as Constant nodes or initializers; exactly, for a lookalike with other
    /// constants computes something else. The nodes follow each other, and only the first Mul reads z besides the Div.
    /// </summary>
    private void ReadGelu(OnnxNode scale)
    {
        string z = _end, what = scale.Describe();
        CheckNotEnded(scale);
        const string Shape = "GELU's Div (or Mul by 1/√2), Erf, Add 1, Mul, Mul ½";
        string refusal = $"; MlpGen imports nn.GELU() exactly ({Shape}), and {scale.OpType} of the layer before only as its first node";
        double sqrt2 = Math.Sqrt(2);
        bool divides = scale.OpType == "Div";
        if (scale.Inputs.Count != 2 || (divides && scale.Inputs[0] != z))
            throw Refuse($"{what}: {(divides ? "divides something by" : "multiplies")} {Quoted(z)}, the output of the layer before{refusal}");
        string factor = scale.Inputs[scale.Inputs[0] == z ? 1 : 0];
        if (!IsConstant(factor, divides ? sqrt2 : 1 / sqrt2))
            throw Refuse($"{what}: {(divides ? "divides by" : "multiplies by")} {ConstantText(factor)}, not {(divides ? "√2" : "1/√2")}{refusal}");
        OnnxNode erf = Follows(scale, "Erf", Shape);
        OnnxNode add = Follows(erf, "Add", Shape);
        string one = add.Inputs[add.Inputs[0] == erf.Outputs[0] ? 1 : 0];
        if (!IsConstant(one, 1)) throw Refuse($"{add.Describe()}: adds {ConstantText(one)} to the Erf, not 1; MlpGen imports nn.GELU() exactly ({Shape})");
        OnnxNode product = Follows(add, "Mul", Shape);
        if (!product.Inputs.Contains(z)) throw Refuse($"{product.Describe()}: does not multiply by {Quoted(z)}, the output of the layer before; MlpGen imports nn.GELU() exactly ({Shape})");
        OnnxNode half = Follows(product, "Mul", Shape);
        string halfName = half.Inputs[half.Inputs[0] == product.Outputs[0] ? 1 : 0];
        if (!IsConstant(halfName, 0.5)) throw Refuse($"{half.Describe()}: multiplies by {ConstantText(halfName)}, not ½; MlpGen imports nn.GELU() exactly ({Shape})");
        List<OnnxNode> readers = _readers.GetValueOrDefault(z) ?? new List<OnnxNode>();
        if (readers.Count != 2 || z == _output.Name)
            throw Refuse($"{what}: {Quoted(z)} is read by {List(readers.Select(r => r.Describe()).ToList(), " and ")}: a branch, not a chain of layers");
        SetActivation(half, ActivationFunction.GELU);
        _notes.Add($"{what} to {half.Describe()} (Div, Erf, Add, Mul, Mul) read as GELU");
    }

    /// <summary>The node after <paramref name="previous"/>: of <paramref name="op"/>, reading its output, which nothing else reads.</summary>
    private OnnxNode Follows(OnnxNode previous, string op, string shape)
    {
        string value = previous.Outputs.Count == 1 ? previous.Outputs[0] : "";
        OnnxNode? next = _next < _nodes.Count ? _nodes[_next] : null;
        if (next is null || next.OpType != op || !next.Inputs.Contains(value) || next.Inputs.Count != (op == "Erf" ? 1 : 2) || next.Outputs.Count != 1)
            throw Refuse($"{previous.Describe()}: is followed by {(next is null ? "nothing" : next.Describe())}, not an {op} of its output; MlpGen imports nn.GELU() exactly ({shape})");
        if ((_readers.GetValueOrDefault(value)?.Count ?? 0) != 1 || value == _output.Name)
            throw Refuse($"{previous.Describe()}: its output {Quoted(value)} is read by more than the {op}: a branch, not a chain of layers");
        _next++;
        return next;
    }

    /// <summary>nn.SiLU() as exported: Sigmoid(z) and Mul of z by it (either operand order), the only two readers of z.</summary>
    private bool IsSilu(OnnxNode sigmoid) =>
        sigmoid.Inputs.Count == 1 && sigmoid.Inputs[0] == _end && sigmoid.Outputs.Count == 1 && _next < _nodes.Count
        && _nodes[_next] is { OpType: "Mul", Domain: "" or "ai.onnx" } mul && mul.Inputs.Count == 2 && mul.Inputs.Contains(_end) && mul.Inputs.Contains(sigmoid.Outputs[0])
        && _readers.GetValueOrDefault(_end)?.Count == 2 && _readers.GetValueOrDefault(sigmoid.Outputs[0])?.Count == 1 && sigmoid.Outputs[0] != _output.Name;

    private void ReadSilu(OnnxNode sigmoid)
    {
        CheckNotEnded(sigmoid);
        OnnxNode mul = _nodes[_next++];
        SetActivation(mul, ActivationFunction.SiLU);
        _notes.Add($"{sigmoid.Describe()} and {mul.Describe()} (z·σ(z)) read as SiLU");
    }

    /// <summary>
    /// A leading Flatten (axis 1), or a Reshape to [−1, n] (view(−1, n)) or an equivalent ([0, −1], [batch, n]), that
    /// only flattens each sample of the input into one vector of n values, row-major: the network then takes n inputs.
    /// </summary>
    private void ReadFlatten(OnnxNode node)
    {
        string what = node.Describe();
        string really = "a reshape that does more than flatten each sample into one vector; MlpGen imports a leading Flatten or Reshape that flattens the input (nn.Flatten(), x.view(-1, n))";
        if (_layers.Count > 0 || _pending is not null) throw Refuse($"{what}: a reshape after the first layer; MlpGen flattens only the input (nn.Flatten() or x.view(-1, n) first)");
        List<(long Value, string? Param)> shape = _input.Shape;
        if (shape.Skip(1).Any(d => d.Value <= 0))
            throw Refuse($"{what}: flattens the input {Quoted(_input.Name)} of shape {ShapeText(_input)}, whose sizes after the batch are not all fixed; MlpGen needs a fixed number of features");
        long width = shape.Skip(1).Aggregate(1L, (a, d) => a * d.Value);
        if (width > int.MaxValue) throw Refuse($"{what}: flattens the input into {width} features, too many");
        if (node.OpType == "Flatten")
        {
            long axis = Int(node, "axis", 1);
            if (axis != 1 && axis != 1 - _rank) throw Refuse($"{what}: axis = {axis} flattens more or less than each sample: {really}");
        }
        else
        {
            OnnxTensor target = Initializer(node, 1, "the shape");
            double[] t = target.Values;
            bool batchKept = t.Length == 2 && (t[0] == -1 || (t[0] == 0 && Int(node, "allowzero", 0) == 0) || (shape[0].Value > 0 && t[0] == shape[0].Value));
            if (!batchKept || !(t[1] == width || (t[1] == -1 && t[0] != -1)))
                throw Refuse($"{what}: reshapes {ShapeText(_input)} to [{string.Join(", ", t)}], {really}");
        }
        _rank = 2;
        _inputWidth = (int)width;
        if (shape.Count > 2)
            _notes.Add($"{what} flattens the input {Quoted(_input.Name)} of shape {ShapeText(_input)}: the network takes each sample's {width} values in row-major order");
    }

    /// <summary>
    /// An inference-mode BatchNormalization of [batch, features], y = γ(x − μ)/√(σ² + ε) + β = Scale ⊙ x + Shift: right
    /// after a linear layer it is folded into that layer's weights and biases at once (W′ = Scale ⊙ W row by row,
    /// b′ = Scale ⊙ b + Shift); after an activation (or on the input) it waits for the next linear layer, which
    /// <see cref="Finish"/> folds it into (W′ = W·diag(Scale), b′ = b + W·Shift). In double; the parameters are rounded
    /// once, when they are written.
    /// </summary>
    private void ReadBatchNormalization(OnnxNode node)
    {
        string what = node.Describe();
        if (_rank != 2) throw Refuse($"{what}: normalises axis 1 of a rank-{_rank} tensor; MlpGen folds a BatchNormalization of [batch, features]");
        if (node.Outputs.Count > 1 || Int(node, "training_mode", 0) != 0)
            throw Refuse($"{what}: a BatchNormalization in training mode (it updates its running mean and variance); export the model in eval mode (model.eval())");
        if (_pending is not null) throw Refuse($"{what}: right after another BatchNormalization; MlpGen folds one at a time into a linear layer");
        int n = Width;
        double[] Vector(int index, string role)
        {
            OnnxTensor tensor = Initializer(node, index, role);
            CheckValues(tensor, what);
            if (tensor.Values.Length != n) throw Refuse($"{what}: {role} {Quoted(tensor.Name)} has the shape {Dims(tensor)}, but the layer before gives {n} values: a shape mismatch");
            return tensor.Values;
        }
        double[] gamma = Vector(1, "the scale"), beta = Vector(2, "the bias"), mean = Vector(3, "the mean"), variance = Vector(4, "the variance");
        double epsilon = Float(node, "epsilon", 1e-5f);
        var scale = new double[n];
        var shift = new double[n];
        for (int j = 0; j < n; j++)
        {
            if (!(variance[j] + epsilon > 0)) throw Refuse($"{what}: variance {variance[j]} + epsilon {epsilon} of feature {j} is not positive");   // NaN too
            scale[j] = gamma[j] / Math.Sqrt(variance[j] + epsilon);
            shift[j] = beta[j] - scale[j] * mean[j];
        }
        if (Last is { Activation: null } layer)
        {
            layer.Bias ??= new double[layer.Outputs];
            for (int j = 0; j < n; j++)
            {
                for (int i = 0; i < layer.Inputs; i++) layer.Weights[(long)j * layer.Inputs + i] *= scale[j];
                layer.Bias[j] = scale[j] * layer.Bias[j] + shift[j];
            }
            _notes.Add($"{what} folded into the weights and biases of layer {_layers.Count} ({layer.Node})");
            return;
        }
        _pending = new Normalization(what, scale, shift);
        _notes.Add($"{what} folded into the weights and biases of the linear layer after it");
    }

    /// <summary>LeakyRelu's alpha is MlpGen's slope (<see cref="NetworkRules.LeakyReLUSlope"/>).</summary>
    private void CheckLeakyReluSlope(OnnxNode node)
    {
        float alpha = Float(node, "alpha", OnnxActivations.DefaultLeakyReluAlpha);
        if (alpha != (float)NetworkRules.LeakyReLUSlope)
        {
            throw Refuse($"{node.Describe()}: alpha = {alpha.ToString(CultureInfo.InvariantCulture)}; MlpGen's leaky ReLU has the slope "
                + $"{NetworkRules.LeakyReLUSlope.ToString(CultureInfo.InvariantCulture)} (PyTorch's default negative_slope)");
        }
    }

    /// <summary>Softmax is over the features, the last axis.</summary>
    private void CheckSoftmaxAxis(OnnxNode node)
    {
        long axis = Int(node, "axis", -1);
        if (axis != -1 && axis != _rank - 1) throw Refuse($"{node.Describe()}: axis = {axis}; MlpGen's softmax is over the features, the last axis (-1 or {_rank - 1})");
    }

    /// <summary>A linear layer follows the input or an activation: two linear layers in a row would be one, and MlpGen's hidden layers each have an activation.</summary>
    private void CheckActivationBefore(OnnxNode node)
    {
        if (Last is { Activation: null })
            throw Refuse($"{node.Describe()}: a linear layer right after another; MlpGen's hidden layers each need an activation ({HiddenActivations})");
    }

    /// <summary>The chain ends at the graph's output, each layer's activation is legal where it is, and the layers become one parameter vector.</summary>
    private NetworkWeights Finish()
    {
        if (_layers.Count == 0) throw Refuse("the graph has no linear layer (Gemm or MatMul); nothing to import");
        if (_pending is { } pending)
            throw Refuse($"{pending.Node}: a BatchNormalization with no linear layer after it to fold into; MlpGen folds a BatchNormalization into the linear layer before or after it");
        foreach (LinearLayer layer in _layers.Where(l => l.Input is not null)) FoldInput(layer);
        if (_end != _output.Name) throw Refuse($"the graph's output {Quoted(_output.Name)} is not the end of the chain of layers ({Quoted(_end)})");
        if (_output.HasShape && _output.Shape.Count > 0 && _output.Shape[^1].Value > 0 && _output.Shape[^1].Value != Width)
            throw Refuse($"the graph's output {Quoted(_output.Name)} has the shape {ShapeText(_output)}, but the last layer gives {Width} values: a shape mismatch");

        var activations = new ActivationFunction[_layers.Count];
        for (int l = 1; l <= _layers.Count; l++)
        {
            LinearLayer layer = _layers[l - 1];
            ActivationFunction activation = layer.Activation ?? ActivationFunction.Identity;
            if (!NetworkRules.IsLegal(activation, l, _layers.Count))
            {
                throw Refuse(l == _layers.Count
                    ? $"{layer.Node}: the output layer ends in {activation}; MlpGen's output layers are {OutputActivations}"
                    : $"{layer.Node}: {activation} on a hidden layer; MlpGen takes {activation} on the output layer only");
            }
            activations[l - 1] = activation;
        }

        var layerSizes = new List<int> { _inputWidth };
        layerSizes.AddRange(_layers.Select(layer => layer.Outputs));
        var layout = new ParameterLayout(layerSizes);
        var parameters = new double[layout.Count];
        for (int l = 1; l <= _layers.Count; l++)
        {
            _layers[l - 1].Weights.CopyTo(parameters, layout.WeightOffset(l));
            _layers[l - 1].Bias?.CopyTo(parameters, layout.BiasOffset(l));   // none: Linear(bias=False), zeros
        }
        WeightsElement element = _dataType == (int)OnnxDataType.Float ? WeightsElement.Float32 : WeightsElement.Float64;
        return new NetworkWeights(layerSizes, activations, cost: null, element, parameters);
    }

    /// <summary>A BatchNormalization of the layer's inputs, x ↦ Scale ⊙ x + Shift, folded in: b′ = b + W·Shift first (with W as it was), then W′ = W·diag(Scale).</summary>
    private static void FoldInput(LinearLayer layer)
    {
        Normalization normalization = layer.Input!;
        layer.Bias ??= new double[layer.Outputs];
        for (int j = 0; j < layer.Outputs; j++)
        {
            long row = (long)j * layer.Inputs;
            double sum = 0;
            for (int i = 0; i < layer.Inputs; i++) sum += layer.Weights[row + i] * normalization.Shift[i];
            layer.Bias[j] += sum;
            for (int i = 0; i < layer.Inputs; i++) layer.Weights[row + i] *= normalization.Scale[i];
        }
    }

    /// <summary>A Constant node's value as a tensor named by its output: <c>value</c> (a tensor), <c>value_float</c>, <c>value_int</c> or <c>value_ints</c>.</summary>
    private OnnxTensor ConstantValue(OnnxNode node)
    {
        if (node.Outputs.Count != 1 || node.Attributes.Count != 1)
            throw Refuse($"{node.Describe()}: a Constant with {node.Outputs.Count} outputs and {node.Attributes.Count} attributes; expected one of each");
        OnnxAttribute a = node.Attributes[0];
        var tensor = new OnnxTensor { Name = node.Outputs[0] };
        switch (a.Name)
        {
            case "value" when a.T is { } t:
                tensor.DataType = t.DataType;
                tensor.Dims.AddRange(t.Dims);
                tensor.Values = t.Values;
                tensor.External = t.External;
                break;
            case "value_float": tensor.DataType = ValueFloatType; tensor.Values = new double[] { a.F }; break;
            case "value_int": tensor.DataType = (int)OnnxDataType.Int64; tensor.Values = new double[] { a.I }; break;
            case "value_ints": tensor.DataType = (int)OnnxDataType.Int64; tensor.Dims.Add(a.Ints.Count); tensor.Values = a.Ints.Select(i => (double)i).ToArray(); break;
            default: throw Refuse($"{node.Describe()}: a Constant of {Quoted(a.Name)}; MlpGen reads a Constant's value, value_float, value_int or value_ints");
        }
        return tensor;
    }

    /// <summary>value_float is a float: of the model's type when the model is float.</summary>
    private const int ValueFloatType = (int)OnnxDataType.Float;

    /// <summary>Whether <paramref name="name"/> is a stored scalar (one value) equal to <paramref name="expected"/> rounded to the model's element type.</summary>
    private bool IsConstant(string name, double expected) =>
        _initializers.TryGetValue(name, out OnnxTensor? tensor) && tensor.Values.Length == 1
        && (tensor.DataType == (int)OnnxDataType.Float ? (float)tensor.Values[0] == (float)expected : tensor.Values[0] == expected);

    /// <summary>How a message names a constant operand: its value, or that it is not one stored in the model.</summary>
    private string ConstantText(string name) => _initializers.TryGetValue(name, out OnnxTensor? tensor)
        ? tensor.Values.Length == 1 ? tensor.Values[0].ToString("R", CultureInfo.InvariantCulture) : $"{Quoted(name)} of shape {Dims(tensor)}"
        : $"{Quoted(name)} (not a constant)";

    /// <summary>The output activations, as the refusal of another one lists them: sigmoid, softmax or identity (logits).</summary>
    private static string OutputActivations { get; } =
        Prose.Or(NetworkRules.OutputActivations.Select(a => a == ActivationFunction.Identity ? "identity (logits)" : NetworkRules.Name(a)));

    /// <summary>Input <paramref name="index"/> of <paramref name="node"/>, which must be an initializer (weights stored in the model).</summary>
    private OnnxTensor Initializer(OnnxNode node, int index, string role)
    {
        if (node.Inputs.Count <= index || !_initializers.TryGetValue(node.Inputs[index], out OnnxTensor? tensor))
            throw Refuse($"{node.Describe()}: {role} {Quoted(node.Inputs.Count > index ? node.Inputs[index] : "")} is not an initializer; MlpGen imports weights stored in the model");
        return tensor;
    }

    /// <summary>A bias of <paramref name="outputs"/> values (or one broadcast to them), times <paramref name="beta"/>.</summary>
    private double[] Bias(OnnxNode node, int index, int outputs, float beta)
    {
        string what = node.Describe();
        OnnxTensor c = Initializer(node, index, "the bias");
        CheckValues(c, what);
        bool leadingOnes = c.Dims.Take(Math.Max(0, c.Dims.Count - 1)).All(d => d == 1);
        if (c.Values.Length == outputs && leadingOnes) return c.Values.Select(v => v * beta).ToArray();
        if (c.Values.Length == 1) return Enumerable.Repeat(c.Values[0] * beta, outputs).ToArray();
        throw Refuse($"{what}: bias {Quoted(c.Name)} has the shape {Dims(c)}, but the layer has {outputs} outputs: a shape mismatch");
    }

    /// <summary>The tensor's data is in the model, of the input's type, and as long as its dimensions say (each at least 1).</summary>
    private void CheckValues(OnnxTensor tensor, string what)
    {
        string name = Quoted(tensor.Name);
        if (tensor.External) throw Refuse($"{what}: {name} is stored in an external file; MlpGen imports weights stored in the model");
        if (tensor.DataType != _dataType)
            throw Refuse($"{what}: {name} is of {DataTypeName(tensor.DataType)}, the input of {DataTypeName(_dataType)}; MlpGen imports float (or double) models of one type");
        long count = 1;
        foreach (long d in tensor.Dims)
        {
            if (d <= 0 || d > int.MaxValue)
                throw Refuse($"{what}: {name} has the shape {Dims(tensor)}; every dimension of a layer's weights and bias is at least 1 (a layer has inputs and outputs)");
            count = checked(count * d);
            if (count > int.MaxValue) throw Refuse($"{what}: {name} of shape {Dims(tensor)} is too large");
        }
        if (tensor.Values.Length != count)
            throw Refuse($"{what}: {name} of shape {Dims(tensor)} needs {count} values, its data holds {tensor.Values.Length} (truncated or corrupt)");
    }

    private ModelFormatException Refuse(string problem) => new(_path, problem);

    private static string WhyUnsupported(string op) => op switch
    {
        "Conv" or "ConvTranspose" => "a convolution, not a layer of an MLP",
        "MaxPool" or "AveragePool" or "GlobalAveragePool" or "GlobalMaxPool" => "a pooling layer, not a layer of an MLP",
        "LayerNormalization" or "InstanceNormalization" or "GroupNormalization" => "a normalisation layer that MlpGen cannot fold into a linear layer (it imports BatchNormalization in eval mode)",
        "Transpose" or "Squeeze" or "Unsqueeze" => "a reshape; MlpGen imports models whose input is already a vector, or one a leading Flatten or Reshape flattens",
        "Dropout" => "a Dropout node (export the model in eval mode: model.eval())",
        _ => "an op MlpGen does not import",
    };

    private static long Int(OnnxNode node, string name, long fallback) => node.Attributes.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    private static float Float(OnnxNode node, string name, float fallback) => node.Attributes.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    private static string Dims(OnnxTensor tensor) => Excerpt("[" + string.Join(", ", tensor.Dims) + "]");

    private static string ShapeText(OnnxValueInfo info) =>
        !info.HasShape ? "(none given)" : Excerpt("[" + string.Join(", ", info.Shape.Select(d => d.Param ?? d.Value.ToString(CultureInfo.InvariantCulture))) + "]");

    private static string DataTypeName(int type) => type switch
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
