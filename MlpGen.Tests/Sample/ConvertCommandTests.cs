using System;
using System.IO;
using System.Reflection;
using MlpGen.Interop;
using MlpGen.Tests.Infrastructure;
using Xunit;
using static MlpGen.Tests.Interop.InteropFixtures;

namespace MlpGen.Tests.Sample;

/// <summary>
/// <c>MlpGen.Sample convert IN OUT</c> run as a process: it converts by extension and says what it converted; bad
/// input is one line, exit code 1 (a file that cannot be converted) or 2 (a command line that cannot be), no stack
/// trace, and no output file, not even a half-written one.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class ConvertCommandTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private static string SampleDll { get; } = Path.Combine(
        Repository.Root, "MlpGen.Sample", "bin",
        typeof(ConvertCommandTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration,
        "net10.0", "MlpGen.Sample.dll");

    private DotNetCli.Result Convert(string input, string output)
    {
        Assert.True(File.Exists(SampleDll), $"{SampleDll} is missing: build MlpGen.Sample first.");
        return DotNetCli.Run("dotnet", _temporary.Path, null, [SampleDll, "convert", input, output]);
    }

    /// <summary>Exactly one line, <paramref name="line"/>, the exit code, and nothing left in the directory but the inputs.</summary>
    private void AssertFailsWith(DotNetCli.Result result, int exitCode, string line, params string[] inputs)
    {
        Assert.False(result.Output.Contains("   at ") || result.Output.Contains("Unhandled exception"), $"a stack trace:\n{result.Output}");
        Assert.Equal(line + Environment.NewLine, result.Output);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(inputs.Length, Directory.GetFileSystemEntries(_temporary.Path).Length);
    }

    [Fact]
    public void OnnxToWeightsToJsonAndBack_SaysWhatItConverted()
    {
        string weights = _temporary.File("sigmoid.mlpw"), onnx = _temporary.File("sigmoid.onnx");
        DotNetCli.Result result = Convert(Fixture("sigmoid-gemm-fixed.onnx"), weights);
        result.Succeeded("convert ONNX to mlpw");
        Assert.Contains("784-12-10, sigmoid hidden, sigmoid output, cost unspecified, float32, 9,550 parameters.", result.Output);
        Assert.Contains($"Wrote {weights} (MlpGen weights).", result.Output);
        Assert.Contains("[Network(784, 12, 10, Weights = \"sigmoid.mlpw\")] public partial class Model { }", result.Output);

        Convert(weights, onnx).Succeeded("convert mlpw to ONNX");
        Assert.Equal(ModelFile.Read(weights).Parameters, ModelFile.Read(onnx).Parameters);

        string json = _temporary.File("n2.json");
        DotNetCli.Result fromJson = Convert(Fixture("network2-784-6-10.json"), _temporary.File("n2.mlpw"));
        fromJson.Succeeded("convert JSON to mlpw");
        Assert.Contains("[Network(784, 6, 10, Cost = NetworkCost.CrossEntropy, ElementType = typeof(double), Weights = \"n2.mlpw\")]", fromJson.Output);
        Convert(_temporary.File("n2.mlpw"), json).Succeeded("convert mlpw to JSON");
        Assert.Contains("\"cost\":\"CrossEntropyCost\"", File.ReadAllText(json));
    }

    /// <summary>Issue 22: the tutorial's view(-1, 784) and log_softmax; convert says what input the original took, and declares the log-softmax output.</summary>
    [Fact]
    public void ATutorialModel_SaysItFlattenedTheInput_AndDeclaresItsLogSoftmax()
    {
        string weights = _temporary.File("tutorial.mlpw");
        DotNetCli.Result result = Convert(Fixture("shape-view-logsoftmax.onnx"), weights).Succeeded("convert the tutorial's model");
        Assert.Contains("784-16-10, relu hidden, log-softmax output, cost unspecified, float32, 12,730 parameters.", result.Output);
        Assert.Contains("  node '/Reshape' (Reshape) flattens the input 'input' of shape [batch, 1, 28, 28]: the network takes each sample's 784 values in row-major order.", result.Output);
        Assert.Contains("[Network(784, 16, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.LogSoftmax, Weights = \"tutorial.mlpw\")]", result.Output);

        DotNetCli.Result batchNorm = Convert(Fixture("shape-batchnorm.onnx"), _temporary.File("bn.mlpw")).Succeeded("convert the BatchNorm model");
        Assert.Contains("  node '/1/BatchNormalization' (BatchNormalization) folded into the weights and biases of layer 1 (node '/0/Gemm' (Gemm)).", batchNorm.Output);
    }

    /// <summary>Issue 16, item 6: convert does not replace a read-only output (it did, by the rename).</summary>
    [Fact]
    public void AReadOnlyOutput_IsRefused_AndKept()
    {
        if (OperatingSystem.IsWindows()) return;
        string output = _temporary.File("out.mlpw");
        File.WriteAllText(output, "kept\n");
        File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);   // chmod 444
        AssertFailsWith(Convert(Fixture("sigmoid-gemm-fixed.onnx"), output), 2, $"OUT: {output} is read-only; make it writable or choose another file.", "out.mlpw");
        Assert.Equal("kept\n", File.ReadAllText(output));
    }

    [Fact]
    public void AConvNet_IsOneLineAndExitCode1_AndNoOutput()
    {
        // The first node of a convolutional model: a Conv on [batch, 1, 28, 28] (written with the protobuf writer the export uses).
        string conv = _temporary.File("conv.onnx");
        var model = new MlpGen.Interop.Protobuf.ProtoWriter();
        model.Message(7, graph =>
        {
            graph.Message(1, node => { node.String(1, "x"); node.String(1, "k"); node.String(2, "y"); node.String(3, "/conv1/Conv"); node.String(4, "Conv"); });
            graph.Message(11, value => { value.String(1, "x"); value.Message(2, t => t.Message(1, tensor => { tensor.Varint(1, 1); tensor.Message(2, s => { s.Message(1, d => d.String(2, "batch")); s.Message(1, d => d.Varint(1, 1)); s.Message(1, d => d.Varint(1, 28)); s.Message(1, d => d.Varint(1, 28)); }); })); });
            graph.Message(12, value => value.String(1, "y"));
        });
        model.Message(8, o => { o.String(1, ""); o.Varint(2, 17); });
        File.WriteAllBytes(conv, model.ToArray());
        AssertFailsWith(Convert(conv, _temporary.File("out.mlpw")), 1,
            $"{conv}: node '/conv1/Conv' (Conv): a convolution, not a layer of an MLP; MlpGen imports Gemm, MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu, Gelu (or PyTorch's Div, Erf, Add, Mul, Mul), SiLU (Sigmoid and Mul), BatchNormalization next to a linear layer, a leading Flatten or Reshape, and a final Softmax or LogSoftmax", "conv.onnx");
    }

    [Fact]
    public void ATruncatedFile_IsOneLineAndExitCode1_AndNoOutput()
    {
        string cut = _temporary.File("cut.onnx");
        byte[] bytes = File.ReadAllBytes(Fixture("relu-logits-gemm-dynamic.onnx"));
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        AssertFailsWith(Convert(cut, _temporary.File("out.mlpw")), 1,
            $"{cut}: byte 20: a field claims 76782 bytes, but only 38381 remain in its message (truncated or corrupt)", "cut.onnx");
    }

    [Fact]
    public void AFormatThatCannotHoldTheNetwork_IsOneLineAndExitCode1_AndNoOutput()
    {
        string output = _temporary.File("relu.json");
        AssertFailsWith(Convert(Fixture("relu-logits-gemm-dynamic.onnx"), output), 1,
            $"{output}: network2.py's JSON holds sigmoid networks only; this one has the activations relu identity");
    }

    [Fact]
    public void Version1WeightsToOnnx_IsOneLineAndExitCode1_AndNoOutput()
    {
        string version1 = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw"), output = _temporary.File("v1.onnx");
        AssertFailsWith(Convert(version1, output), 1,
            $"{output}: version 1 weights do not record their activations, which ONNX and network2.py's JSON need; load the file into its network class "
            + "(WeightsFile.Load) and save it with WeightsFile.Save, which writes version 2 with the class's activations, then convert that");
    }

    [Fact]
    public void ZeroSizeOnnxWeights_AreOneLineAndExitCode1_AndNoOutput()
    {
        // MatMul(x, W) with W [4, 0]: a layer of no outputs.
        string onnx = _temporary.File("empty.onnx");
        var model = new MlpGen.Interop.Protobuf.ProtoWriter();
        model.Message(7, graph =>
        {
            graph.Message(1, node => { node.String(1, "x"); node.String(1, "w"); node.String(2, "y"); node.String(3, "/fc/MatMul"); node.String(4, "MatMul"); });
            graph.Message(5, tensor => { tensor.Varint(1, 4); tensor.Varint(1, 0); tensor.Varint(2, 1); tensor.String(8, "w"); tensor.Bytes(9, Array.Empty<byte>()); });
            graph.Message(11, value => { value.String(1, "x"); value.Message(2, t => t.Message(1, tensor => { tensor.Varint(1, 1); tensor.Message(2, s => { s.Message(1, d => d.String(2, "batch")); s.Message(1, d => d.Varint(1, 4)); }); })); });
            graph.Message(12, value => value.String(1, "y"));
        });
        model.Message(8, o => { o.String(1, ""); o.Varint(2, 13); });
        File.WriteAllBytes(onnx, model.ToArray());
        AssertFailsWith(Convert(onnx, _temporary.File("out.mlpw")), 1,
            $"{onnx}: node '/fc/MatMul' (MatMul): 'w' has the shape [4, 0]; every dimension of a layer's weights and bias is at least 1 (a layer has inputs and outputs)", "empty.onnx");
    }

    [Fact]
    public void ACorruptWeightsFile_IsOneLineAndExitCode1()
    {
        string weights = _temporary.File("bad.mlpw");
        File.WriteAllText(weights, "MLPW 2\ntopology 2-1\n");
        AssertFailsWith(Convert(weights, _temporary.File("out.onnx")), 1, $"{weights}: line 3: expected 'element …', found nothing (truncated)", "bad.mlpw");
    }

    [Fact]
    public void BadPaths_AreOneLineAndExitCode2_BeforeAnythingIsRead()
    {
        string missing = _temporary.File("missing.onnx");
        AssertFailsWith(Convert(missing, _temporary.File("out.mlpw")), 2, $"IN: the file {missing} does not exist.");
        AssertFailsWith(Convert(Fixture("sigmoid-gemm-fixed.onnx"), _temporary.File("out.txt")), 2,
            $"OUT: {_temporary.File("out.txt")} has the extension '.txt'; expected .onnx, .json (network2.py) or .mlpw.");
        AssertFailsWith(Convert(_temporary.File("model.pt"), _temporary.File("out.mlpw")), 2,
            $"IN: {_temporary.File("model.pt")} has the extension '.pt'; expected .onnx, .json (network2.py) or .mlpw.");
        string nowhere = Path.Combine(_temporary.File("no-such-directory"), "out.mlpw");
        AssertFailsWith(Convert(Fixture("sigmoid-gemm-fixed.onnx"), nowhere), 2, $"OUT: the directory {Path.GetDirectoryName(nowhere)} does not exist.");
    }
}
