using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MlpGen.Interop;
using MlpGen.Interop.Protobuf;
using MlpGen.Tests.Infrastructure;
using Xunit;
using static MlpGen.Tests.Interop.InteropFixtures;

namespace MlpGen.Tests.Interop;

/// <summary>
/// Every kind of model MlpGen cannot compute is refused with one line naming the node, its op type and why; truncated
/// and corrupt files are refused with the byte offset, and never read past their data.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class OnnxRefusalTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    // ---- A small ONNX writer for models PyTorch would not make (field numbers of onnx.proto) -----------------

    private sealed record Node(string Op, string[] Inputs, string Output, params (string Name, object Value)[] Attributes)
    {
        /// <summary>The operator set the op is of; "" is the standard ONNX one.</summary>
        public string Domain { get; init; } = "";
    }

    /// <summary>An initializer; <paramref name="External"/>: its data in another file (data_location EXTERNAL and an external_data entry), none in the model.</summary>
    private sealed record Tensor(string Name, long[] Dims, int DataType = 1, float[]? Values = null, bool External = false)
    {
        /// <summary>The values of an int64 tensor (DataType 7), e.g. a Reshape's shape.</summary>
        public long[]? Longs { get; init; }
    }

    /// <summary>A model of one input (element type, shape: numbers, or strings for symbolic dimensions), nodes, initializers and one output; <paramref name="sparseInitializers"/> adds that many (empty) sparse initializers to the graph.</summary>
    private static byte[] Model(object[] inputShape, Node[] nodes, Tensor[] initializers, string output = "y", int inputType = 1, long opset = 13, int sparseInitializers = 0)
    {
        var model = new ProtoWriter();
        model.Varint(1, 8);
        model.Message(7, graph =>
        {
            foreach (Node node in nodes)
            {
                graph.Message(1, n =>
                {
                    foreach (string input in node.Inputs) n.String(1, input);
                    n.String(2, node.Output);
                    n.String(3, node.Output + "_node");
                    n.String(4, node.Op);
                    if (node.Domain.Length > 0) n.String(7, node.Domain);
                    foreach ((string name, object value) in node.Attributes)
                    {
                        n.Message(5, a =>
                        {
                            a.String(1, name);
                            if (value is float f) { a.Float(2, f); a.Varint(20, 1); }
                            else if (value is string text) { a.String(4, text); a.Varint(20, 3); }
                            else { a.Varint(3, Convert.ToInt64(value)); a.Varint(20, 2); }
                        });
                    }
                });
            }
            foreach (Tensor tensor in initializers)
            {
                graph.Message(5, t =>
                {
                    foreach (long d in tensor.Dims) t.Varint(1, d);
                    t.Varint(2, tensor.DataType);
                    t.String(8, tensor.Name);
                    if (tensor.External)
                    {
                        t.Message(13, entry => { entry.String(1, "location"); entry.String(2, "weights.bin"); });
                        t.Varint(14, 1);
                        return;
                    }
                    if (tensor.Longs is { } longs)
                    {
                        t.Bytes(9, longs.SelectMany(BitConverter.GetBytes).ToArray());
                        return;
                    }
                    float[] values = tensor.Values ?? Enumerable.Range(0, (int)tensor.Dims.Aggregate(1L, (a, b) => a * b)).Select(i => i * 0.01f).ToArray();
                    byte[] raw = new byte[values.Length * (tensor.DataType == 10 ? 2 : 4)];
                    if (tensor.DataType != 10) Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
                    t.Bytes(9, raw);
                });
            }
            for (int i = 0; i < sparseInitializers; i++) graph.Message(15, _ => { });
            graph.Message(11, v => ValueInfo(v, "x", inputType, inputShape));
            graph.Message(12, v => ValueInfo(v, output, 1, new object[] { "batch" }));
        });
        model.Message(8, o => { o.String(1, ""); o.Varint(2, opset); });
        return model.ToArray();
    }

    private static void ValueInfo(ProtoWriter value, string name, int type, object[] shape)
    {
        value.String(1, name);
        value.Message(2, t => t.Message(1, tensor =>
        {
            tensor.Varint(1, type);
            tensor.Message(2, s =>
            {
                foreach (object d in shape) s.Message(1, dim => { if (d is string p) dim.String(2, p); else dim.Varint(1, Convert.ToInt64(d)); });
            });
        }));
    }

    private static readonly object[] Batch4 = { "batch", 4 };

    /// <summary>A 4-3-2 MLP as PyTorch exports it, with <paramref name="edit"/> applied to its nodes.</summary>
    private static byte[] Mlp(Func<List<Node>, List<Node>>? edit = null, Tensor[]? initializers = null, object[]? shape = null, int inputType = 1, long opset = 13, int sparseInitializers = 0)
    {
        var nodes = new List<Node>
        {
            new("Gemm", new[] { "x", "w1", "b1" }, "z1", ("transB", 1)),
            new("Relu", new[] { "z1" }, "a1"),
            new("Gemm", new[] { "a1", "w2", "b2" }, "y", ("transB", 1)),
        };
        initializers ??= new[] { new Tensor("w1", new long[] { 3, 4 }), new Tensor("b1", new long[] { 3 }), new Tensor("w2", new long[] { 2, 3 }), new Tensor("b2", new long[] { 2 }) };
        return Model(shape ?? Batch4, (edit?.Invoke(nodes) ?? nodes).ToArray(), initializers, inputType: inputType, opset: opset, sparseInitializers: sparseInitializers);
    }

    private string Refused(byte[] model, string expected)
    {
        string path = _temporary.File("model.onnx");
        File.WriteAllBytes(path, model);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Read(path));
        Assert.Equal($"{path}: {expected}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void TheWellFormedMlp_Imports()
    {
        string path = _temporary.File("model.onnx");
        File.WriteAllBytes(path, Mlp());
        Assert.Equal("4-3-2 relu identity", ModelFile.Read(path).Topology + " " + ModelFile.Read(path).ActivationNames);
    }

    [Fact]
    public void Convolution_IsRefused() =>
        Refused(Model(new object[] { "batch", 1, 28, 28 }, new[] { new Node("Conv", new[] { "x", "k" }, "y") }, new[] { new Tensor("k", new long[] { 4, 1, 3, 3 }) }),
            "node 'y_node' (Conv): a convolution, not a layer of an MLP; MlpGen imports Gemm, MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu, Gelu (or PyTorch's Div, Erf, Add, Mul, Mul), SiLU (Sigmoid and Mul), BatchNormalization next to a linear layer, a leading Flatten or Reshape, and a final Softmax or LogSoftmax");

    [Fact]
    public void UnknownOp_IsRefused() =>
        Refused(Mlp(n => { n[1] = new Node("Erf", new[] { "z1" }, "a1"); return n; }),
            "node 'a1_node' (Erf): an op MlpGen does not import; MlpGen imports Gemm, MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu, Gelu (or PyTorch's Div, Erf, Add, Mul, Mul), SiLU (Sigmoid and Mul), BatchNormalization next to a linear layer, a leading Flatten or Reshape, and a final Softmax or LogSoftmax");

    [Fact]
    public void Branch_IsRefused() =>
        Refused(Mlp(n => { n.Insert(2, new Node("Sigmoid", new[] { "z1" }, "other")); return n; }),
            "node 'a1_node' (Relu): 'z1' is read by node 'a1_node' (Relu) and node 'other_node' (Sigmoid): a branch, not a chain of layers");

    [Fact]
    public void NodeOffTheChain_IsRefused() =>
        Refused(Mlp(n => { n[2] = new Node("Gemm", new[] { "q", "w2", "b2" }, "y", ("transB", 1)); return n; }),
            "node 'y_node' (Gemm): does not read 'a1', the output of the layer before (it reads 'q', 'w2', 'b2'): the graph is not a chain of layers");

    [Fact]
    public void NamesFromTheFile_AreQuotedAsShortExcerptsOnOneLine() =>
        // A line break in a value's name, and more inputs than a message lists.
        Refused(Mlp(n => { n[2] = new Node("Gemm", new[] { "q\nr", "w2", "b2", "e1", "e2", "e3" }, "y", ("transB", 1)); return n; }),
            "node 'y_node' (Gemm): does not read 'a1', the output of the layer before (it reads 'q\\nr', 'w2', 'b2', 'e1', … (6 in all)): the graph is not a chain of layers");

    [Fact]
    public void ShapeMismatch_IsRefused() =>
        Refused(Mlp(initializers: new[] { new Tensor("w1", new long[] { 3, 5 }), new Tensor("b1", new long[] { 3 }), new Tensor("w2", new long[] { 2, 3 }), new Tensor("b2", new long[] { 2 }) }),
            "node 'z1_node' (Gemm): weights 'w1' of shape [3, 5] (transB) take 5 inputs, but the layer before gives 4: a shape mismatch");

    [Fact]
    public void BiasOfAnotherLength_IsRefused() =>
        Refused(Mlp(initializers: new[] { new Tensor("w1", new long[] { 3, 4 }), new Tensor("b1", new long[] { 2 }), new Tensor("w2", new long[] { 2, 3 }), new Tensor("b2", new long[] { 2 }) }),
            "node 'z1_node' (Gemm): bias 'b1' has the shape [2], but the layer has 3 outputs: a shape mismatch");

    [Fact]
    public void IntegerInput_IsRefused() =>
        Refused(Mlp(inputType: 7), "input 'x' is of int64; MlpGen imports float (or double) models");

    [Fact]
    public void HalfPrecisionWeights_AreRefused() =>
        Refused(Mlp(initializers: new[] { new Tensor("w1", new long[] { 3, 4 }, DataType: 10), new Tensor("b1", new long[] { 3 }), new Tensor("w2", new long[] { 2, 3 }), new Tensor("b2", new long[] { 2 }) }),
            "node 'z1_node' (Gemm): 'w1' is of float16, the input of float32; MlpGen imports float (or double) models of one type");

    [Fact]
    public void OldOpset_IsRefused() =>
        Refused(Mlp(opset: 11), "opset 11: MlpGen imports opset 13 and later (export with opset_version=13 or later)");

    [Fact]
    public void ReluOutput_IsRefused() =>
        Refused(Mlp(n => { n[2] = n[2] with { Output = "z2" }; n.Add(new Node("Relu", new[] { "z2" }, "y")); return n; }),
            "node 'z2_node' (Gemm): the output layer ends in ReLU; MlpGen's output layers are sigmoid, softmax, identity (logits) or log-softmax");

    [Fact]
    public void LinearAfterLinear_IsRefused() =>
        Refused(Mlp(n => { n.RemoveAt(1); n[1] = n[1] with { Inputs = new[] { "z1", "w2", "b2" } }; return n; }),
            "node 'y_node' (Gemm): a linear layer right after another; MlpGen's hidden layers each need an activation (ReLU, Sigmoid, Tanh, LeakyReLU, GELU or SiLU)");

    [Fact]
    public void LeakyReluOfAnotherSlope_IsRefused() =>
        Refused(Mlp(n => { n[1] = new Node("LeakyRelu", new[] { "z1" }, "a1", ("alpha", 0.2f)); return n; }),
            "node 'a1_node' (LeakyRelu): alpha = 0.2; MlpGen's leaky ReLU has the slope 0.01 (PyTorch's default negative_slope)");

    [Fact]
    public void ZeroSizeWeights_AreRefused()
    {
        // Gemm with transB: B [0, 4] is a layer of 0 outputs; without the check a 4-0-… network reached NetworkWeights' constructor.
        Refused(Mlp(initializers: new[] { new Tensor("w1", new long[] { 0, 4 }), new Tensor("b1", new long[] { 3 }), new Tensor("w2", new long[] { 2, 3 }), new Tensor("b2", new long[] { 2 }) }),
            "node 'z1_node' (Gemm): 'w1' has the shape [0, 4]; every dimension of a layer's weights and bias is at least 1 (a layer has inputs and outputs)");
        // MatMul: W [4, 0].
        Refused(Model(Batch4, new[] { new Node("MatMul", new[] { "x", "w" }, "y") }, new[] { new Tensor("w", new long[] { 4, 0 }) }),
            "node 'y_node' (MatMul): 'w' has the shape [4, 0]; every dimension of a layer's weights and bias is at least 1 (a layer has inputs and outputs)");
    }

    [Fact]
    public void WeightsInAnExternalFile_AreRefused() =>
        Refused(Mlp(initializers: new[] { new Tensor("w1", new long[] { 3, 4 }, External: true), new Tensor("b1", new long[] { 3 }), new Tensor("w2", new long[] { 2, 3 }), new Tensor("b2", new long[] { 2 }) }),
            "node 'z1_node' (Gemm): 'w1' is stored in an external file; MlpGen imports weights stored in the model");

    [Fact]
    public void OpOfANonStandardDomain_IsRefused() =>
        Refused(Mlp(n => { n[1] = n[1] with { Domain = "com.microsoft" }; return n; }),
            "node 'a1_node' (Relu): an op of the domain 'com.microsoft', not a standard ONNX op; MlpGen imports Gemm, MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu, Gelu (or PyTorch's Div, Erf, Add, Mul, Mul), SiLU (Sigmoid and Mul), BatchNormalization next to a linear layer, a leading Flatten or Reshape, and a final Softmax or LogSoftmax");

    // ---- The shapes of issue 22: what is imported, and the lookalikes that are refused ----------------------------

    private static readonly Tensor[] Weights = { new("w1", new long[] { 3, 4 }), new("b1", new long[] { 3 }), new("w2", new long[] { 2, 3 }), new("b2", new long[] { 2 }) };

    /// <summary>nn.GELU() as PyTorch exports it at opset 13, between the two layers, with the given constants.</summary>
    private static byte[] GeluMlp(float sqrt2 = 1.4142135f, float one = 1, float half = 0.5f) => Model(Batch4, new[]
    {
        new Node("Gemm", new[] { "x", "w1", "b1" }, "z1", ("transB", 1)),
        new Node("Div", new[] { "z1", "c" }, "d"),
        new Node("Erf", new[] { "d" }, "e"),
        new Node("Add", new[] { "e", "one" }, "f"),
        new Node("Mul", new[] { "z1", "f" }, "g"),
        new Node("Mul", new[] { "g", "half" }, "a1"),
        new Node("Gemm", new[] { "a1", "w2", "b2" }, "y", ("transB", 1)),
    }, Weights.Concat(new Tensor[] { new("c", Array.Empty<long>(), Values: new[] { sqrt2 }), new("one", Array.Empty<long>(), Values: new[] { one }), new("half", Array.Empty<long>(), Values: new[] { half }) }).ToArray());

    [Fact]
    public void GeluSubgraph_ImportsAsGelu()
    {
        string path = _temporary.File("model.onnx");
        File.WriteAllBytes(path, GeluMlp());
        Assert.Equal("gelu identity", ModelFile.Read(path).ActivationNames);
    }

    [Fact]
    public void GeluLookalike_WithOtherConstants_IsRefused()
    {
        const string Shape = "MlpGen imports nn.GELU() exactly (GELU's Div (or Mul by 1/√2), Erf, Add 1, Mul, Mul ½)";
        Refused(GeluMlp(sqrt2: 1.5f), $"node 'd_node' (Div): divides by 1.5, not √2; {Shape}, and Div of the layer before only as its first node");
        Refused(GeluMlp(one: 2), $"node 'f_node' (Add): adds 2 to the Erf, not 1; {Shape}");
        Refused(GeluMlp(half: 0.25f), $"node 'a1_node' (Mul): multiplies by 0.25, not ½; {Shape}");
    }

    [Fact]
    public void GeluOfTheTanhApproximation_IsRefused() =>
        Refused(Mlp(n => { n[1] = new Node("Gelu", new[] { "z1" }, "a1", ("approximate", "tanh")); return n; }, opset: 20),
            "node 'a1_node' (Gelu): approximate = 'tanh'; MlpGen's GELU is the exact one, z·Φ(z) with erf (nn.GELU(), approximate='none')");

    [Fact]
    public void BatchNormalizationInTrainingMode_IsRefused() =>
        Refused(Mlp(n => { n.Insert(1, new Node("BatchNormalization", new[] { "z1", "g", "b", "m", "v" }, "n1", ("training_mode", 1))); n[2] = n[2] with { Inputs = new[] { "n1" } }; return n; },
                Weights.Concat(new[] { "g", "b", "m", "v" }.Select(name => new Tensor(name, new long[] { 3 }))).ToArray()),
            "node 'n1_node' (BatchNormalization): a BatchNormalization in training mode (it updates its running mean and variance); export the model in eval mode (model.eval())");

    [Fact]
    public void BatchNormalizationWithNoLinearLayerToFoldInto_IsRefused() =>
        Refused(Model(Batch4, new[]
            {
                new Node("Gemm", new[] { "x", "w1", "b1" }, "z1", ("transB", 1)),
                new Node("Relu", new[] { "z1" }, "a1"),
                new Node("BatchNormalization", new[] { "a1", "g", "b", "m", "v" }, "y"),
            }, Weights.Take(2).Concat(new[] { "g", "b", "m", "v" }.Select(name => new Tensor(name, new long[] { 3 }, Values: new[] { 1f, 1, 1 }))).ToArray()),
            "node 'y_node' (BatchNormalization): a BatchNormalization with no linear layer after it to fold into; MlpGen folds a BatchNormalization into the linear layer before or after it");

    [Fact]
    public void ReshapeThatDoesMoreThanFlatten_IsRefused() =>
        Refused(Mlp(n => { n.Insert(0, new Node("Reshape", new[] { "x", "shape" }, "r")); n[1] = n[1] with { Inputs = new[] { "r", "w1", "b1" } }; return n; },
                Weights.Append(new Tensor("shape", new long[] { 2 }, DataType: 7) { Longs = new long[] { -1, 2 } }).ToArray()),
            "node 'r_node' (Reshape): reshapes [batch, 4] to [-1, 2], a reshape that does more than flatten each sample into one vector; MlpGen imports a leading Flatten or Reshape that flattens the input (nn.Flatten(), x.view(-1, n))");

    [Fact]
    public void FlattenAfterTheFirstLayer_IsRefused() =>
        Refused(Mlp(n => { n.Insert(2, new Node("Flatten", new[] { "a1" }, "f1")); n[3] = n[3] with { Inputs = new[] { "f1", "w2", "b2" } }; return n; }),
            "node 'f1_node' (Flatten): a reshape after the first layer; MlpGen flattens only the input (nn.Flatten() or x.view(-1, n) first)");

    [Fact]
    public void SparseInitializers_AreRefused() =>
        Refused(Mlp(sparseInitializers: 1), "the graph has sparse initializers; MlpGen imports dense weights");

    [Fact]
    public void FileLargerThanTheCap_IsRefusedBeforeItIsRead_InEveryFormat()
    {
        foreach (string name in new[] { "big.onnx", "big.json", "big.mlpw" })
        {
            string path = _temporary.File(name);
            using (var file = new FileStream(path, FileMode.Create)) file.SetLength(ModelFile.MaxFileBytes + 1);   // sparse: no disk written
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Read(path));
            Assert.Equal($"{path}: 268,435,457 bytes; MlpGen reads models of at most 268,435,456 bytes (256 MiB)", e.Message);
        }
    }

    [Fact]
    public void TruncatedFile_IsRefusedWithTheOffset()
    {
        byte[] model = File.ReadAllBytes(Fixture("relu-logits-gemm-dynamic.onnx"));
        // The graph (field 7, at byte 19) is 76,782 bytes long, its length at byte 20; the cut leaves 38,381 of them.
        Assert.Equal(0x3A, model[19]);
        Refused(model[..(model.Length / 2)], "byte 20: a field claims 76782 bytes, but only 38381 remain in its message (truncated or corrupt)");
    }

    [Fact]
    public void HugeClaimedLength_IsRefusedWithoutAllocatingForIt() =>
        // Field 7 (graph), length-delimited, claiming 2^32 − 1 bytes: 5 bytes of file.
        Refused(new byte[] { 0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "byte 1: a field claims 4294967295 bytes, but only 0 remain in its message (truncated or corrupt)");

    [Fact]
    public void TextFile_IsRefused() =>
        Refused("This is not a model."u8.ToArray(), "byte 0: field 10 has wire type 4, which ONNX does not use (corrupt data, or not an ONNX file)");

    [Fact]
    public void EveryCutAndFlippedByte_IsImportedOrRefused_NeverAnotherException()
    {
        byte[] model = File.ReadAllBytes(Fixture("sigmoid-gemm-fixed.onnx"));
        var random = new Random(7);
        string path = _temporary.File("mutated.onnx");
        for (int i = 0; i < 300; i++)
        {
            byte[] mutated = i < 100 ? model[..random.Next(model.Length)] : (byte[])model.Clone();
            if (i >= 100)
            {
                for (int k = 0; k < 1 + i % 4; k++) mutated[random.Next(Math.Min(mutated.Length, 2000))] = (byte)random.Next(256);   // the header and structure, not only weights
            }
            File.WriteAllBytes(path, mutated);
            try
            {
                ModelFile.Read(path);
            }
            catch (ModelFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
    }
}
