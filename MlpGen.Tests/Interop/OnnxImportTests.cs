using System.Linq;
using MlpGen.Interop;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using static MlpGen.Tests.Interop.InteropFixtures;

namespace MlpGen.Tests.Interop;

/// <summary>
/// MLPs trained and exported by PyTorch (torch.onnx.export, opset 13) import into MlpGen: baked into a generated class
/// they give PyTorch's outputs on real digits and the same classes; exported again, ONNX Runtime gives them too.
/// </summary>
public sealed class OnnxImportTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string> Fixtures => new()
    {
        // file, the topology and activations it must import as
        { "relu-logits-gemm-dynamic", "784-24-10", "relu identity" },
        { "tanh-softmax-matmul-fixed", "784-16-16-10", "tanh tanh softmax" },
        { "sigmoid-gemm-fixed", "784-12-10", "sigmoid sigmoid" },
        { "leakyrelu-logits-matmul-dynamic", "784-16-10", "leaky-relu identity" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PyTorchModel_BakedIntoAGeneratedClass_GivesPyTorchsOutputs(string name, string topology, string activations)
    {
        NetworkWeights imported = ModelFile.Read(Fixture(name + ".onnx"));
        Assert.Equal(topology, imported.Topology);
        Assert.Equal(activations, imported.ActivationNames);
        Assert.Equal(WeightsElement.Float32, imported.Element);
        Assert.Null(imported.Cost);

        INetwork<float> baked = Bake<float>(imported);
        var actual = new float[Samples * baked.OutputSize];
        baked.PredictBatch(Images, actual);
        float[] expected = ExpectedSingle(name);
        double difference = MaxAbsDifference(expected, actual);
        int[] classes = Classes(actual, 10);
        int correct = Enumerable.Range(0, Samples).Count(i => classes[i] == TestData.Test.Label(i));
        output.WriteLine($"{name}: max |MlpGen − PyTorch| = {difference:E2} over {Samples} × 10 outputs; {correct} / {Samples} correct");
        Assert.True(difference <= 1e-5, $"{name}: MlpGen's outputs differ from PyTorch's by up to {difference:E2}");
        Assert.Equal(Classes(expected, 10), classes);
        Assert.True(correct > Samples * 0.8, $"{name}: {correct} / {Samples} correct: the import computes something else than the model trained");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void RoundTrip_OnnxToWeightsToOnnx_RunsInOnnxRuntimeWithPyTorchsOutputs(string name, string topology, string activations)
    {
        using var directory = new TemporaryDirectory();
        string weights = directory.File("model.mlpw"), onnx = directory.File("model.onnx");
        ModelFile.Write(weights, ModelFile.Read(Fixture(name + ".onnx")));
        ModelFile.Write(onnx, ModelFile.Read(weights));
        NetworkWeights again = ModelFile.Read(onnx);
        Assert.Equal(topology, again.Topology);
        Assert.Equal(activations, again.ActivationNames);
        Assert.Equal(ModelFile.Read(Fixture(name + ".onnx")).Parameters, again.Parameters);   // bit for bit

        float[] actual = RunInOnnxRuntime(System.IO.File.ReadAllBytes(onnx), Images, 784);
        double difference = MaxAbsDifference(ExpectedSingle(name), actual);
        output.WriteLine($"{name}: max |ONNX Runtime (MlpGen's export) − PyTorch| = {difference:E2}");
        Assert.True(difference <= 1e-5, $"{name}: ONNX Runtime's outputs of the exported model differ from PyTorch's by up to {difference:E2}");
    }
}
