using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// <c>[Network(..., Weights = "file.mlpw")]</c>: the generator bakes a trained weights file into the
/// class, bit for bit, and says clearly when it cannot.
/// </summary>
public class BakedWeightsTests
{
    /// <summary>The weights file text the runtime saves for <paramref name="network"/> after setting its parameters to <paramref name="parameters"/>.</summary>
    private static string WeightsText<T>(INetwork<T> network, params T[] parameters) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        parameters.CopyTo(network.Parameters);
        using var directory = new TemporaryDirectory();
        string path = directory.File("saved.mlpw");
        WeightsFile.Save(path, network);
        return File.ReadAllText(path);
    }

    /// <summary>Compiles <paramref name="source"/> with the generator and the additional files, and loads the assembly.</summary>
    private static Assembly CompileAndLoad(string source, params InMemoryAdditionalText[] files) => CompileAndLoad(source, Baking.Literals, files);

    /// <summary>How a compilation bakes the weights: as the build with MlpGen.Generator's targets does (a resource), or as one without them.</summary>
    public enum Baking { Literals, Resource }

    /// <summary>
    /// Compiles <paramref name="source"/> with the generator and the weights files, and loads the assembly. With
    /// <see cref="Baking.Resource"/>, as MlpGen.Generator's build targets do: each file has the resource metadata, and
    /// its parameters (decoded here from the base64 lines, independently of the product's reader) are embedded.
    /// </summary>
    private static Assembly CompileAndLoad(string source, Baking baking, params InMemoryAdditionalText[] files) =>
        CompileAndLoadWithSource(source, baking, files).Assembly;

    private static (Assembly Assembly, string Weights) CompileAndLoadWithSource(string source, Baking baking, params InMemoryAdditionalText[] files)
    {
        Dictionary<string, string> names = baking == Baking.Resource
            ? files.ToDictionary(f => f.Path, f => "MlpGen.Weights/" + Path.GetFileName(f.Path))
            : new Dictionary<string, string>();
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source), new AdditionalFileMetadata(names), files);
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Dictionary<string, byte[]> resources = files.Where(f => names.ContainsKey(f.Path)).ToDictionary(f => names[f.Path], f => ParameterBytes(f.Text));
        string generated = string.Concat(result.GeneratedSources.Select(g => g.SourceText.ToString()));
        // The baked weights' class, the file's last: 'file static class DigitNetWeights', below C# 11 'internal static class App_DigitNet_Weights'.
        Match? weightsClass = Regex.Matches(generated, @"(?:file|internal) static class \w*Weights\b").LastOrDefault();
        string weights = weightsClass is null ? "" : generated[weightsClass.Index..];
        return (GeneratorHarness.Load(output, resources), weights);
    }

    /// <summary>The parameter bytes of a weights text (its base64 lines between 'data' and 'end', decoded): what the build targets embed as its resource.</summary>
    internal static byte[] ParameterBytes(string text)
    {
        string[] lines = text.Split('\n');
        return Convert.FromBase64String(string.Concat(lines[(Array.IndexOf(lines, "data") + 1)..Array.IndexOf(lines, "end")]));
    }

    private static uint[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, uint>(values).ToArray();

    [Fact]
    public void TrainedThenBaked_PredictsBitIdenticallyToTheTrainedNetwork()
    {
        // Train on real digits, save with the runtime, bake the file into a freshly compiled class.
        var trained = new Net784x16x16x10(seed: 7);
        Sgd.Train(trained, TestData.Train.Slice(0, 2000), new SgdOptions { Epochs = 1, Seed = 7 });
        using var directory = new TemporaryDirectory();
        string path = directory.File("trained.mlpw");
        WeightsFile.Save(path, trained);

        Assembly assembly = CompileAndLoad(
            "namespace App; [MlpGen.Network(784, 16, 16, 10, Weights = \"trained.mlpw\")] public partial class DigitNet { }",
            new InMemoryAdditionalText(path, File.ReadAllText(path)));
        var baked = (INetwork<float>)Activator.CreateInstance(assembly.GetType("App.DigitNet")!)!;

        Assert.Equal(Bits(trained.Parameters), Bits(baked.Parameters));
        Dataset<float> test = TestData.Test;
        Span<float> expected = stackalloc float[10], actual = stackalloc float[10];
        for (int i = 0; i < test.Count; i++)
        {
            trained.Predict(test.Input(i), expected);
            baked.Predict(test.Input(i), actual);
            Assert.True(Bits(expected).SequenceEqual(Bits(actual)), $"sample {i}: trained and baked outputs differ");
        }
    }

    [Fact]
    public void BakedInTheTestAssembly_EqualsLoadingTheSameFileAtRunTime()
    {
        // The test project imports MlpGen.Generator's build targets (Directory.Build.targets): the weights are a resource.
        Assert.Contains("MlpGen.Weights/MlpGen.InferenceSample/digits.mlpw", typeof(BakedDigitNet).Assembly.GetManifestResourceNames());
        var baked = new BakedDigitNet();
        var loaded = new Net784x16x16x10(seed: 1);
        WeightsFile.Load(Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw"), loaded);

        Assert.Equal(Bits(loaded.Parameters), Bits(baked.Parameters));
        Assert.Equal(Bits(loaded.Parameters), Bits(BakedDigitNet.BakedParameters));
        Dataset<float> test = TestData.Test;
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            int label = baked.Classify(test.Input(i));
            Assert.Equal(loaded.Classify(test.Input(i)), label);
            if (test.Label(i) == label) correct++;
        }
        Assert.True(correct > test.Count * 0.85, $"the baked sample network classifies {correct} / {test.Count}");
    }

    [Fact]
    public void BakedParameters_ReadWithoutAllocating()
    {
        static float Sum()
        {
            float sum = 0;
            foreach (float p in BakedDigitNet.BakedParameters) sum += p;
            return sum;
        }
        float total = Sum();
        Assert.Equal(0, Allocations.Fewest(() => total = Sum()));
        Assert.True(float.IsFinite(total));
    }

    [Theory]
    [InlineData(Baking.Literals)]
    [InlineData(Baking.Resource)]
    public void EdgeValues_Float_ReadBackBitForBit(Baking baking)
    {
        float[] values = { -0f, float.Epsilon, float.MaxValue, float.MinValue, 1f / 3, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-30f };
        Assembly assembly = CompileAndLoad(
            "[MlpGen.Network(2, 2, 1, Weights = \"edge.mlpw\")] public partial class Edge { }", baking,
            new InMemoryAdditionalText("/src/edge.mlpw", WeightsText(new Net2x2x1(1), values)));
        var network = (INetwork<float>)Activator.CreateInstance(assembly.GetType("Edge")!)!;
        Assert.Equal(Bits(values), Bits(network.Parameters));
        Assert.Equal(Bits(values), Bits(BakedParameters<float>(assembly, "Edge")));
    }

    [Theory]
    [InlineData(Baking.Literals)]
    [InlineData(Baking.Resource)]
    public void EdgeValues_Double_ReadBackBitForBit(Baking baking)
    {
        double[] values = { -0d, double.Epsilon, double.MaxValue, double.MinValue, 1d / 3, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.1 };
        Assembly assembly = CompileAndLoad(
            "[MlpGen.Network(2, 2, 1, ElementType = typeof(double), Weights = \"edge.mlpw\")] public partial class Edge { }", baking,
            new InMemoryAdditionalText("/src/edge.mlpw", WeightsText(new Net2x2x1D(1), values)));
        var network = (INetwork<double>)Activator.CreateInstance(assembly.GetType("Edge")!)!;
        Assert.Equal(MemoryMarshal.Cast<double, ulong>(values).ToArray(), MemoryMarshal.Cast<double, ulong>(network.Parameters).ToArray());
        Assert.Equal(MemoryMarshal.Cast<double, ulong>(values).ToArray(), MemoryMarshal.Cast<double, ulong>(BakedParameters<double>(assembly, "Edge")).ToArray());
    }

    [Fact]
    public void UnitysNameForAnAdditionalFile_IsReadAsWeights()
    {
        // The Unity editor passes an analyzer only the files named Filename.[Analyzer Name].additionalfile (without the
        // MSBuild targets, so the weights become literals); the attribute names the file by that name.
        float[] values = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        Assembly assembly = CompileAndLoad(
            "[MlpGen.Network(2, 2, 1, Weights = \"digits.MlpGen.Generator.additionalfile\")] public partial class Unity { }",
            new InMemoryAdditionalText("/project/Assets/Models/digits.MlpGen.Generator.additionalfile", WeightsText(new Net2x2x1(1), values)));
        var network = (INetwork<float>)Activator.CreateInstance(assembly.GetType("Unity")!)!;
        Assert.Equal(Bits(values), Bits(network.Parameters));
    }

    [Fact]
    public void AnotherAdditionalFile_IsNotReadAsWeights()
    {
        // Only the two endings are weights: a file of other text under another name is never parsed (MLPG011, not a format error).
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile("[MlpGen.Network(2, 2, 1, Weights = \"digits.txt\")] public partial class Other { }"),
            new InMemoryAdditionalText("/src/digits.txt", WeightsText(new Net2x2x1(1), Nine)));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG011", diagnostic.Id);
        Assert.Contains("or in Unity .MlpGen.Generator.additionalfile", diagnostic.GetMessage());
    }

    /// <summary>The static <c>BakedParameters</c> of a class compiled in a test (a span cannot go through reflection: a delegate reads it).</summary>
    private static T[] BakedParameters<T>(Assembly assembly, string type)
    {
        MethodInfo getter = assembly.GetType(type)!.GetProperty("BakedParameters")!.GetMethod!;
        return getter.CreateDelegate<SpanGetter<T>>()().ToArray();
    }

    private delegate ReadOnlySpan<T> SpanGetter<T>();

    // ---- The way of baking, chosen by the build: a resource where MlpGen.Generator's targets embed one, else literals ----

    private const string DigitsDeclaration = "namespace App; [MlpGen.Network(784, 16, 16, 10, Weights = \"digits.mlpw\")] public partial class DigitNet { }";

    private static InMemoryAdditionalText SampleDigits() =>
        new("/src/app/digits.mlpw", File.ReadAllText(Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw")));

    [Theory]
    [InlineData(Baking.Literals)]
    [InlineData(Baking.Resource)]
    public void BothWays_EqualWeightsFileLoad_BitForBit_AndPredictTheSame(Baking baking)
    {
        Assembly assembly = CompileAndLoad(DigitsDeclaration, baking, SampleDigits());
        var baked = (INetwork<float>)Activator.CreateInstance(assembly.GetType("App.DigitNet")!)!;
        var loaded = new Net784x16x16x10(seed: 1);
        WeightsFile.Load(Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw"), loaded);

        Assert.Equal(Bits(loaded.Parameters), Bits(baked.Parameters));
        Assert.Equal(Bits(loaded.Parameters), Bits(BakedParameters<float>(assembly, "App.DigitNet")));
        Dataset<float> test = TestData.Test;
        Span<float> expected = stackalloc float[10], actual = stackalloc float[10];
        for (int i = 0; i < 500; i++)
        {
            loaded.Predict(test.Input(i), expected);
            baked.Predict(test.Input(i), actual);
            Assert.True(Bits(expected).SequenceEqual(Bits(actual)), $"sample {i}: loaded and baked outputs differ");
        }
    }

    [Fact]
    public void WithTheResourceMetadata_TheWeightsAreReadFromTheResource_AndTheSourceDoesNotGrowWithTheModel()
    {
        (Assembly assembly, string weights) = CompileAndLoadWithSource(DigitsDeclaration, Baking.Resource, SampleDigits());
        Assert.Contains("GetManifestResourceStream(ResourceName)", weights);
        Assert.Contains("public const string ResourceName = \"MlpGen.Weights/digits.mlpw\";", weights);
        Assert.DoesNotContain("new float[]", weights);
        Assert.True(weights.Length < 5_000, $"the resource reader is {weights.Length} characters");
        Assert.Equal(new[] { "MlpGen.Weights/digits.mlpw" }, assembly.GetManifestResourceNames());

        (_, string literals) = CompileAndLoadWithSource(DigitsDeclaration, Baking.Literals, SampleDigits());
        Assert.Contains("Parameters => new float[]", literals);
        Assert.True(literals.Length > 13_002 * 5, $"the literals are {literals.Length} characters");
    }

    [Fact]
    public void BakedParameters_FromTheResource_AreReadOnce_ThenWithoutAllocating()
    {
        Assembly assembly = CompileAndLoad(DigitsDeclaration, Baking.Resource, SampleDigits());
        var read = assembly.GetType("App.DigitNet")!.GetProperty("BakedParameters")!.GetMethod!.CreateDelegate<SpanGetter<float>>();
        static float Sum(SpanGetter<float> read)
        {
            float sum = 0;
            foreach (float p in read()) sum += p;
            return sum;
        }
        float first = Sum(read);   // the first read copies the resource into an array
        float again = 0;
        Assert.Equal(0, Allocations.Fewest(() => again = Sum(read)));
        Assert.Equal(first, again);
        Assert.Equal(13_002, read().Length);
    }

    [Fact]
    public void ResourceMissingAtRunTime_SaysWhichAndWhy()
    {
        // The metadata says a resource is embedded, but the assembly was built without it (not what MSBuild does; a broken build).
        var file = SampleDigits();
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(DigitsDeclaration),
            new AdditionalFileMetadata(new Dictionary<string, string> { [file.Path] = "MlpGen.Weights/digits.mlpw" }), file);
        Assert.Empty(result.Diagnostics);
        Type type = GeneratorHarness.Load(output).GetType("App.DigitNet")!;
        var error = Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(type)).InnerException);
        Assert.Contains("no resource 'MlpGen.Weights/digits.mlpw' with the baked parameters of App.DigitNet", error.Message);
        Assert.Contains("MlpGen.Generator's build targets", error.Message);
    }

    [Fact]
    public void MLPG039_LargeWeightsBakedAsLiterals_SaysHowToBakeThemAsData()
    {
        string text = WeightsText(new Net784x100x10(1));
        const string source = "[MlpGen.Network(784, 100, 10, Weights = \"big.mlpw\")] public partial class Big { }";
        var file = new InMemoryAdditionalText("/src/big.mlpw", text);

        (GeneratorRunResult literals, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source), file);
        Diagnostic info = Assert.Single(literals.Diagnostics);
        Assert.Equal("MLPG039", info.Id);
        Assert.Equal(DiagnosticSeverity.Info, info.Severity);
        Assert.Equal("Weights = \"big.mlpw\"", source.Substring(info.Location.SourceSpan.Start, info.Location.SourceSpan.Length));
        Assert.Contains("'big.mlpw' is baked into 'Big' as 79,510 C# literals", info.GetMessage());
        Assert.Contains("build/MlpGen.Generator.targets", info.GetMessage());
        Assert.Contains(literals.GeneratedSources, s => s.HintName == "Big.g.cs");

        (GeneratorRunResult resource, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source),
            new AdditionalFileMetadata(new Dictionary<string, string> { [file.Path] = "MlpGen.Weights/big.mlpw" }), file);
        Assert.Empty(resource.Diagnostics);

        // Within the budget, literals are quiet.
        (GeneratorRunResult small, _) = GeneratorHarness.Run(GeneratorHarness.Compile(DigitsDeclaration), SampleDigits());
        Assert.Empty(small.Diagnostics);
    }

    [Theory]
    [InlineData("digits.mlpw", "/home/me/app/digits.mlpw")]
    [InlineData("models/digits.mlpw", "/home/me/app/models/digits.mlpw")]
    [InlineData("./models/digits.mlpw", "/home/me/app/models/digits.mlpw")]
    [InlineData("..\\app\\models\\digits.mlpw", "C:\\src\\app\\models\\digits.mlpw")]
    [InlineData("Digits.MLPW", "/home/me/app/digits.mlpw")]
    public void TheAttributeNamesTheFileByNameOrRelativePath(string name, string path)
    {
        Assembly assembly = CompileAndLoad(
            $"[MlpGen.Network(2, 2, 1, Weights = @\"{name}\")] public partial class Named {{ }}",
            new InMemoryAdditionalText(path, WeightsText(new Net2x2x1(1), Nine)));
        var network = (INetwork<float>)Activator.CreateInstance(assembly.GetType("Named")!)!;
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, network.Parameters.ToArray());
    }

    // ---- Diagnostics: each on the Weights argument, naming the file and what is wrong ---------------

    private const string Declaration = "[MlpGen.Network(2, 2, 1, Weights = \"net.mlpw\")] public partial class Net { }";

    private static readonly float[] Nine = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    private static Diagnostic SingleDiagnostic(string id, string source, params AdditionalText[] files)
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source), files);
        Assert.Null(result.Exception);
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "Net.g.cs");
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Weights = \"net.mlpw\"", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        return diagnostic;
    }

    [Fact]
    public void MLPG011_FileNotAmongTheAdditionalFiles()
    {
        string message = SingleDiagnostic("MLPG011", Declaration, new InMemoryAdditionalText("/src/other.mlpw", WeightsText(new Net2x2x1(1), Nine))).GetMessage();
        Assert.Contains("'net.mlpw'", message);
        Assert.Contains("<AdditionalFiles Include=\"net.mlpw\" />", message);
    }

    [Fact]
    public void MLPG012_FileOfAnotherTopology()
    {
        string text = WeightsText(new Net3x5x7x2x4(1));
        Assert.Contains("holds a 3-5-7-2-4 network in float32, but 'Net' is 2-2-1 in float32",
            SingleDiagnostic("MLPG012", Declaration, new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage());
    }

    [Fact]
    public void MLPG012_FileOfAnotherElementType()
    {
        string text = WeightsText(new Net2x2x1D(1), new double[9]);
        string message = SingleDiagnostic("MLPG012", Declaration, new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
        Assert.Contains("holds a 2-2-1 network in float64, but 'Net' is 2-2-1 in float32", message);
        Assert.EndsWith("; save the weights of a network with this topology and element type, or correct the attribute", message);
    }

    [Fact]
    public void MLPG013_ChecksumMismatch()
    {
        string text = WeightsText(new Net2x2x1(1), Nine);
        string[] lines = text.Split('\n');
        lines[8] = (lines[8][0] == 'A' ? "B" : "A") + lines[8][1..];   // one flipped character of the data
        string message = SingleDiagnostic("MLPG013", Declaration, new InMemoryAdditionalText("/src/net.mlpw", string.Join("\n", lines))).GetMessage();
        Assert.Contains("/src/net.mlpw: line 5: checksum mismatch", message);
        Assert.Contains("corrupt", message);
    }

    [Fact]
    public void MLPG013_TruncatedFile()
    {
        string text = WeightsText(new Net2x2x1(1), Nine);
        string truncated = text[..text.IndexOf("end", StringComparison.Ordinal)];
        string message = SingleDiagnostic("MLPG013", Declaration, new InMemoryAdditionalText("/src/net.mlpw", truncated)).GetMessage();
        Assert.Contains("expected 'end' after the data", message);
    }

    [Fact]
    public void MLPG013_ElementLineContradictsTheData()
    {
        // A float32 file whose element line was changed: the data's length says float32, line 3 says otherwise.
        string text = WeightsText(new Net2x2x1(1), Nine).Replace("element float32", "element float64");
        string message = SingleDiagnostic("MLPG013", Declaration, new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
        Assert.Contains("/src/net.mlpw: line 3: the data holds 9 float32 values (36 bytes), but line 3 says element float64 (which would be 72 bytes)", message);
        Assert.DoesNotContain("truncated", message);
    }

    [Fact]
    public void MLPG013_HugeClaimedTopology_IsComparedWithTheDataWithoutAllocatingForIt()
    {
        string text = WeightsText(new Net2x2x1(1), Nine).Replace("topology 2-2-1", "topology 100000-100000").Replace("parameters 9", "parameters 10000100000").Replace("activations sigmoid sigmoid", "activations sigmoid");
        string message = SingleDiagnostic("MLPG013", Declaration, new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
        Assert.Contains("line 10: expected 40000400000 bytes of data (10000100000 float32 values), found 36 (truncated)", message);
    }

    [Fact]
    public void MLPG013_NotAWeightsFile()
    {
        string message = SingleDiagnostic("MLPG013", Declaration, new InMemoryAdditionalText("/src/net.mlpw", "{ \"weights\": [] }")).GetMessage();
        Assert.Contains("line 1: expected 'MLPW 2' (an MlpGen weights file)", message);
    }

    [Fact]
    public void MLPG014_UnsupportedFormatVersion()
    {
        string text = WeightsText(new Net2x2x1(1), Nine).Replace("MLPW 2", "MLPW 4");
        string message = SingleDiagnostic("MLPG014", Declaration, new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
        Assert.Contains("expected format version 1, 2 or 3, found 'MLPW 4'", message);
    }

    [Fact]
    public void MLPG012_AnInt8File_OnADoubleNetwork_SaysTheInt8NetworkComputesInFloat()
    {
        // An int8 network (quantize) takes and gives float32 values: its file bakes into a float declaration only.
        var weights = new Persistence.NetworkWeights([2, 2, 1], [ActivationFunction.Sigmoid, ActivationFunction.Sigmoid], CostFunction.Quadratic,
            Persistence.WeightsElement.Float32, [.. Nine.Select(v => (double)v)]);
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"int8-{System.Guid.NewGuid():N}.mlpw");
        try
        {
            Persistence.WeightsFile.Write(path, Quantization.Quantizer.Quantize(weights, [1f, 0.5f]));
            string text = System.IO.File.ReadAllText(path);
            string message = SingleDiagnostic("MLPG012", Declaration.Replace("Weights =", "ElementType = typeof(double), Weights ="), new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
            Assert.Contains("holds a 2-2-1 network in int8, but 'Net' is 2-2-1 in float64", message);
            Assert.EndsWith("an int8 (quantized) network takes and gives float32 values: declare the network with ElementType = typeof(float), the default (docs/quantization.md)", message);
            // Of another topology, it says so, as for any file.
            message = SingleDiagnostic("MLPG012", Declaration.Replace("2, 2, 1", "2, 3, 1"), new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
            Assert.EndsWith("save the weights of a network with this topology and element type, or correct the attribute", message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void MLPG035_FileTrainedWithOtherActivations_NamesBoth()
    {
        // The file of a ReLU network with a softmax output, named on a sigmoid network of the same shape.
        string text = WeightsText(new Net2x2x1(1), Nine).Replace("activations sigmoid sigmoid", "activations relu softmax");
        string message = SingleDiagnostic("MLPG035", Declaration, new InMemoryAdditionalText("/src/net.mlpw", text)).GetMessage();
        Assert.Contains("'net.mlpw' was trained with the activations relu softmax", message);
        Assert.Contains("but 'Net' declares sigmoid sigmoid", message);
    }

    [Fact]
    public void Version1File_WithoutActivations_StillBakesIntoAnyNetworkOfItsShape()
    {
        // A version 1 file (as MlpGen wrote before version 2: no activations and cost lines) baked into a ReLU network.
        string[] lines = WeightsText(new Net2x2x1(1), Nine).Split('\n');
        string version1 = string.Join("\n", lines.Where(l => !l.StartsWith("activations ") && !l.StartsWith("cost "))).Replace("MLPW 2", "MLPW 1");
        Assembly assembly = CompileAndLoad(
            "[MlpGen.Network(2, 2, 1, Hidden = MlpGen.NetworkActivation.ReLU, Weights = \"old.mlpw\")] public partial class Old { }",
            new InMemoryAdditionalText("/src/old.mlpw", version1));
        var network = (INetwork<float>)Activator.CreateInstance(assembly.GetType("Old")!)!;
        Assert.Equal(Nine, network.Parameters.ToArray());
    }

    [Fact]
    public void Version2File_OfMatchingActivations_Bakes()
    {
        var relu = (INetwork<float>)Activator.CreateInstance(CompileAndLoad(
            "[MlpGen.Network(2, 2, 1, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity)] public partial class Relu { }")
            .GetType("Relu")!, 1)!;
        string text = WeightsText(relu, Nine);
        Assert.Contains("activations relu identity\n", text);
        Assembly assembly = CompileAndLoad(
            "[MlpGen.Network(2, 2, 1, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity, Weights = \"relu.mlpw\")] public partial class Baked { }",
            new InMemoryAdditionalText("/src/relu.mlpw", text));
        Assert.Equal(Nine, ((INetwork<float>)Activator.CreateInstance(assembly.GetType("Baked")!)!).Parameters.ToArray());
    }

    [Fact]
    public void MLPG015_AmbiguousName()
    {
        string text = WeightsText(new Net2x2x1(1), Nine);
        string message = SingleDiagnostic("MLPG015", Declaration,
            new InMemoryAdditionalText("/src/a/net.mlpw", text), new InMemoryAdditionalText("/src/b/net.mlpw", text)).GetMessage();
        Assert.Contains("/src/a/net.mlpw, /src/b/net.mlpw", message);
    }
}
