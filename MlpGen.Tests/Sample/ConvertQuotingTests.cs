using System;
using System.IO;
using System.Reflection;
using MlpGen.Interop.Protobuf;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Sample;

/// <summary>
/// <c>MlpGen.Sample convert</c> run as a process on files whose text ends up in the error: a line break, a control
/// character or a long run of text from the file is quoted as a short excerpt on one line, so that the error stays
/// one line (issue 16, item 7: a <c>.json</c> file that is not JSON made the message two lines).
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class ConvertQuotingTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private static string SampleDll { get; } = Path.Combine(
        Repository.Root, "MlpGen.Sample", "bin",
        typeof(ConvertQuotingTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration,
        "net10.0", "MlpGen.Sample.dll");

    /// <summary>Converts <paramref name="input"/> to a weights file and checks the outcome: exactly the one line <paramref name="line"/>, exit code 1, no output.</summary>
    private void AssertRefusedInOneLine(string input, string line)
    {
        Assert.True(File.Exists(SampleDll), $"{SampleDll} is missing: build MlpGen.Sample first.");
        DotNetCli.Result result = DotNetCli.Run("dotnet", _temporary.Path, null, [SampleDll, "convert", input, _temporary.File("out.mlpw")]);
        Assert.Equal(line + Environment.NewLine, result.Output);
        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(_temporary.File("out.mlpw")));
    }

    private string Write(string name, string text)
    {
        string path = _temporary.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void JsonThatIsNotJson_WithALineBreakInItsFirstWord_IsOneLine()
    {
        // System.Text.Json's message quotes the bytes it met: "'t\nrue' is an invalid JSON literal. …", line break included.
        string path = Write("broken.json", "t\nrue");
        AssertRefusedInOneLine(path, $"{path}: not JSON: line 1, byte 2: 't\\nrue' is an invalid JSON literal. Expected the literal 'true'.");
    }

    [Fact]
    public void JsonThatIsNotJson_OnItsThirdLine_SaysWhere()
    {
        string path = Write("broken.json", "{\n  \"sizes\": [2, 1],\n  \"cost\": nul\r\n}");
        AssertRefusedInOneLine(path, $"{path}: not JSON: line 3, byte 14: 'nul\\r\\n}}' is an invalid JSON literal. Expected the literal 'null'.");
    }

    [Fact]
    public void JsonValueSpanningLines_IsQuotedAsAnExcerpt()
    {
        string path = Write("object.json", "{\"sizes\": {\"a\":\n2, \"b\": \"" + new string('x', 200) + "\"}, \"cost\": 5}");
        AssertRefusedInOneLine(path, $"{path}: sizes: expected an array, found {{\"a\":\\n2, \"b\": \"{new string('x', 60 - 16)}…");
    }

    [Fact]
    public void JsonStringWithControlCharacters_IsQuotedAsAnExcerpt()
    {
        // "\n" and "\u0007" are escapes in the JSON; the cost string itself holds a line break and a bell.
        string path = Write("cost.json", "{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[0]]], \"cost\": \"Quadratic\\nCost\\u0007" + new string('!', 100) + "\"}");
        AssertRefusedInOneLine(path,
            $"{path}: cost: expected QuadraticCost or CrossEntropyCost (network2.py's costs), found \"Quadratic\\nCost\\u0007{new string('!', 60 - 21)}…\"");
    }

    [Fact]
    public void OnnxNodeNamedOverTwoLines_IsQuotedAsAnExcerpt()
    {
        // A Conv node whose name holds a line break and runs on for 300 characters.
        string name = "conv\nsecond line" + new string('-', 300);
        string path = _temporary.File("conv.onnx");
        var model = new ProtoWriter();
        model.Message(7, graph =>
        {
            graph.Message(1, node => { node.String(1, "x"); node.String(1, "k"); node.String(2, "y"); node.String(3, name); node.String(4, "Conv"); });
            graph.Message(11, value => { value.String(1, "x"); value.Message(2, t => t.Message(1, tensor => { tensor.Varint(1, 1); tensor.Message(2, s => { s.Message(1, d => d.String(2, "batch")); s.Message(1, d => d.Varint(1, 4)); }); })); });
            graph.Message(12, value => value.String(1, "y"));
        });
        model.Message(8, o => { o.String(1, ""); o.Varint(2, 13); });
        File.WriteAllBytes(path, model.ToArray());
        string excerpt = "conv\\nsecond line" + new string('-', 60 - 17) + "…";
        AssertRefusedInOneLine(path,
            $"{path}: node '{excerpt}' (Conv): a convolution, not a layer of an MLP; MlpGen imports Gemm, MatMul + Add, Relu, Sigmoid, Tanh, LeakyRelu, Gelu (or PyTorch's Div, Erf, Add, Mul, Mul), SiLU (Sigmoid and Mul), BatchNormalization next to a linear layer, a leading Flatten or Reshape, and a final Softmax or LogSoftmax");
    }
}
