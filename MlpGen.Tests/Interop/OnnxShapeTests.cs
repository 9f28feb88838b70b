using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlpGen.Interop;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static MlpGen.Tests.Interop.InteropFixtures;

namespace MlpGen.Tests.Interop;

/// <summary>
/// The MLPs PyTorch users write (issue 22), exported by Debian's PyTorch (Fixtures/make_fixtures.py --shapes): Flatten
/// and view, BatchNorm, GELU (the opset 13 subgraph and opset 20's Gelu), SiLU, LogSoftmax, Dropout, bias=False, a
/// sigmoid output, Softmax at opset 17. Each imports; converted to a weights file and back to ONNX it runs in ONNX
/// Runtime as the original does; baked into a generated class it computes what ONNX Runtime computes on the original:
/// both within 1e-4 of the largest output, on random inputs.
/// </summary>
public sealed class OnnxShapeTests(ITestOutputHelper output)
{
    private const int Count = 64;

    public static TheoryData<string, string, string, string> Shapes => new()
    {
        // file, the topology and activations it imports as, what convert says it did (a note's start, or "")
        { "shape-flatten", "784-16-10", "relu identity", "node '/0/Flatten' (Flatten) flattens the input 'input' of shape [batch, 1, 28, 28]" },
        { "shape-view-logsoftmax", "784-16-10", "relu log-softmax", "node '/Reshape' (Reshape) flattens the input 'input' of shape [batch, 1, 28, 28]" },
        { "shape-batchnorm", "784-16-12-10", "relu relu identity", "node '/1/BatchNormalization' (BatchNormalization) folded into the weights and biases of layer 1" },
        { "shape-gelu", "784-16-10", "gelu identity", "node '/1/Div' (Div) to node '/1/Mul_1' (Mul) (Div, Erf, Add, Mul, Mul) read as GELU" },
        { "shape-gelu-opset20", "784-16-10", "gelu identity", "" },
        { "shape-silu", "784-16-10", "silu identity", "node '/1/Sigmoid' (Sigmoid) and node '/1/Mul' (Mul) (z·σ(z)) read as SiLU" },
        { "shape-logsoftmax", "784-16-10", "relu log-softmax", "" },
        { "shape-dropout", "784-16-10", "relu identity", "" },
        { "shape-nobias", "784-16-10", "tanh identity", "" },
        { "shape-sigmoid", "784-16-10", "relu sigmoid", "" },
        { "shape-softmax-opset17", "784-16-10", "relu softmax", "" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Imports_WithTheNotesConvertPrints(string name, string topology, string activations, string note)
    {
        var notes = new List<string>();
        NetworkWeights network = ModelFile.Read(Fixture(name + ".onnx"), notes.Add);
        Assert.Equal(topology, network.Topology);
        Assert.Equal(activations, network.ActivationNames);
        if (note.Length > 0) Assert.Contains(notes, n => n.StartsWith(note, StringComparison.Ordinal));
        if (name == "shape-batchnorm") Assert.Contains("node '/5/BatchNormalization' (BatchNormalization) folded into the weights and biases of the linear layer after it", notes);
        if (note.Length == 0) Assert.Empty(notes);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvertedToWeightsAndBack_RunsInOnnxRuntimeAsTheOriginal(string name, string topology, string activations, string note)
    {
        _ = (topology, activations, note);
        byte[] original = System.IO.File.ReadAllBytes(Fixture(name + ".onnx"));
        using var directory = new TemporaryDirectory();
        string weights = directory.File("model.mlpw"), onnx = directory.File("model.onnx");
        ModelFile.Write(weights, ModelFile.Read(Fixture(name + ".onnx")));
        ModelFile.Write(onnx, ModelFile.Read(weights));

        float[] inputs = RandomInputs(seed: 22);
        float[] expected = Run(original, inputs);
        float[] actual = Run(System.IO.File.ReadAllBytes(onnx), inputs);
        double largest = expected.Max(v => Math.Abs(v)), difference = MaxAbsDifference(expected, actual);
        output.WriteLine($"{name}: ONNX Runtime, original vs .onnx → .mlpw → .onnx: max |difference| = {difference:E2}, {difference / largest:E2} of the largest output ({largest:F3})");
        Assert.True(difference <= 1e-4 * largest, $"{name}: the round trip differs by {difference:E2}, the largest output is {largest:E2}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Baked_ComputesWhatOnnxRuntimeComputesOnTheOriginal(string name, string topology, string activations, string note)
    {
        _ = (topology, activations, note);
        NetworkWeights network = ModelFile.Read(Fixture(name + ".onnx"));
        INetwork<float> baked = Bake<float>(network);
        float[] inputs = RandomInputs(seed: 23);
        float[] expected = Run(System.IO.File.ReadAllBytes(Fixture(name + ".onnx")), inputs);
        var actual = new float[Count * baked.OutputSize];
        baked.PredictBatch(inputs, actual);
        double largest = expected.Max(v => Math.Abs(v)), difference = MaxAbsDifference(expected, actual);
        output.WriteLine($"{name}: baked MlpGen vs ONNX Runtime on the original: max |difference| = {difference:E2}, {difference / largest:E2} of the largest output ({largest:F3})");
        Assert.True(difference <= 1e-4 * largest, $"{name}: MlpGen differs from ONNX Runtime by {difference:E2}, the largest output is {largest:E2}");
    }

    /// <summary>Count samples of 784 values uniform in [−2, 2): both signs for GELU and SiLU, a range pixels and features take.</summary>
    private static float[] RandomInputs(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Count * 784).Select(_ => (float)(4 * random.NextDouble() - 2)).ToArray();
    }

    /// <summary>Runs a model on the samples, shaped as its input wants them ([count, 784] or [count, 1, 28, 28]); its single output, flattened.</summary>
    private static float[] Run(byte[] model, float[] inputs)
    {
        using var session = new InferenceSession(model);
        (string inputName, NodeMetadata metadata) = session.InputMetadata.Single();
        int[] shape = metadata.Dimensions.Select(d => d < 0 ? Count : d).ToArray();
        var tensor = new DenseTensor<float>(inputs, shape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, tensor) });
        return results.Single().AsEnumerable<float>().ToArray();
    }
}
