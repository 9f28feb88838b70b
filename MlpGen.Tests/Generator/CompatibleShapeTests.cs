using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// The compatible code shapes (docs/hosts.md, "Code shapes"): the code generated for an older language or framework
/// compiles there with no error and no warning, for every activation, both element types, the forced code shapes and
/// baked weights; and, loaded into this process, it computes what the .NET 10 / C# 14 shape computes.
/// </summary>
public class CompatibleShapeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>
    /// A compilation's language and framework, and how close its networks' outputs and gradients come to the latest shape's:
    /// 0 for bit for bit, else the largest difference allowed relative to the larger of the expected value's magnitude and 1.
    /// </summary>
    public sealed record Host(string Name, LanguageVersion Language, Func<IEnumerable<MetadataReference>> References, double FloatTolerance, double DoubleTolerance)
    {
        public override string ToString() => Name;
    }

    public static readonly Host Latest = new("net10.0, C# latest", LanguageVersion.Latest, () => Basic.Reference.Assemblies.Net100.References.All, 0, 0);

    /// <summary>
    /// C# 9 and 10 change the helper classes' declarations only: the same bits. .NET 8's own vector exponential differs
    /// from .NET 10's in the last bit of some exponentials, which the layers after them carry on: 1e-5 (float) and 1e-12
    /// (double) relative bound what the test measures (and prints). netstandard2.0's kernels are scalar loops, which sum
    /// in another order than the SIMD kernels this process runs (on the Vector256 and Vector128 paths) and round each
    /// product (no fused multiply-add): float gradients, sums over 23 samples, come within 1e-4.
    /// </summary>
    public static readonly Host[] Hosts =
    {
        new("net10.0, C# 9", LanguageVersion.CSharp9, () => Basic.Reference.Assemblies.Net100.References.All, 0, 0),
        new("net10.0, C# 10", LanguageVersion.CSharp10, () => Basic.Reference.Assemblies.Net100.References.All, 0, 0),
#if ROSLYN4_3   // Roslyn 4.3's newest C# is 10
        new("net8.0, C# 10", LanguageVersion.CSharp10, () => Basic.Reference.Assemblies.Net80.References.All, 1e-5, 1e-12),
#else
        new("net8.0, C# 12", LanguageVersion.CSharp12, () => Basic.Reference.Assemblies.Net80.References.All, 1e-5, 1e-12),
#endif
        new("netstandard2.0 + System.Memory, C# 9", LanguageVersion.CSharp9, NetStandard20References, 1e-4, 1e-12),
    };

    /// <summary>
    /// netstandard2.0's reference assemblies (NETStandard.Library) and System.Memory's with what it depends on, as a
    /// netstandard2.0 library that references System.Memory compiles against (the test project downloads the packages);
    /// without System.Memory, as one that does not.
    /// </summary>
    internal static IEnumerable<MetadataReference> NetStandard20References() => NetStandard20References(withSystemMemory: true);

    internal static IEnumerable<MetadataReference> NetStandard20References(bool withSystemMemory, bool withUnsafe = true)
    {
        string packages = typeof(CompatibleShapeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        IEnumerable<string> files = Directory.GetFiles(Path.Combine(packages, "netstandard.library", "2.0.3", "build", "netstandard2.0", "ref"), "*.dll");
        if (withSystemMemory)
        {
            files = files.Concat(new[]
            {
                Path.Combine(packages, "system.memory", "4.5.5", "lib", "netstandard2.0", "System.Memory.dll"),
                Path.Combine(packages, "system.buffers", "4.5.1", "lib", "netstandard2.0", "System.Buffers.dll"),
            });
            if (withUnsafe) files = files.Append(Path.Combine(packages, "system.runtime.compilerservices.unsafe", "4.5.3", "lib", "netstandard2.0", "System.Runtime.CompilerServices.Unsafe.dll"));
        }
        return files.Select(file => MetadataReference.CreateFromFile(file)).ToArray();
    }

    public static TheoryData<string> HostNames => new(Hosts.Select(h => h.Name));

    private static Host HostNamed(string name) => Hosts.Single(h => h.Name == name);

    /// <summary>Networks covering every activation, in float and double, in the two forced code shapes.</summary>
    private static readonly (string Name, string Arguments)[] Networks =
    {
        ("SigmoidNet", "12, 10, 3"),
        ("TanhIdentityNet", "12, 9, 3, Hidden = MlpGen.NetworkActivation.Tanh, Output = MlpGen.NetworkOutput.Identity"),
        ("ReLUSoftmaxNet", "20, 17, 5, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.LogLikelihood"),
        ("SmoothNet", "9, 11, 13, 10, 4, HiddenLayers = new[] { MlpGen.NetworkActivation.LeakyReLU, MlpGen.NetworkActivation.GELU, MlpGen.NetworkActivation.SiLU }, "
            + "Output = MlpGen.NetworkOutput.LogSoftmax, Cost = MlpGen.NetworkCost.LogLikelihood"),
    };

    private static readonly string[] Shapes = { "Simd", "UnrolledScalar" };

    private static readonly string[] Elements = { "float", "double" };

    /// <summary>Every network of <see cref="Networks"/> in every element type and forced shape, each a class of namespace Hosts.</summary>
    private static string Source()
    {
        var classes = new List<string>();
        foreach ((string name, string arguments) in Networks)
        {
            foreach (string element in Elements)
            {
                foreach (string shape in Shapes)
                {
                    classes.Add($"[MlpGen.Network({arguments}, ElementType = typeof({element}), CodeShape = MlpGen.NetworkCodeShape.{shape})] public partial class {ClassName(name, element, shape)} {{ }}");
                }
            }
        }
        return "namespace Hosts\n{\n" + string.Join("\n", classes) + "\n}\n";
    }

    private static string ClassName(string name, string element, string shape) => $"{name}_{element}_{shape}";

    private static IEnumerable<string> ClassNames() =>
        from network in Networks from element in Elements from shape in Shapes select "Hosts." + ClassName(network.Name, element, shape);

    /// <summary>Runs the generator for <paramref name="host"/> and returns what it said and the compilation with the generated files.</summary>
    private static (GeneratorRunResult Result, Compilation Output) Generate(Host host, string source)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(new[] { source }, withRuntime: false, languageVersion: host.Language, framework: host.References());
        return GeneratorHarness.Run(compilation);
    }

    [Trait("Category", "NoKernels")] // compiles (or compares text), runs no generated kernel: .ci/run runs it on one kernel path only
    [Theory]
    [MemberData(nameof(HostNames))]
    public void EveryActivation_ElementType_AndShape_CompilesWithoutAnError_OrAWarning(string hostName)
    {
        (GeneratorRunResult result, Compilation compiled) = Generate(HostNamed(hostName), Source());
        Assert.Null(result.Exception);
        Assert.All(result.Diagnostics, d => Assert.True(d.Severity == DiagnosticSeverity.Info, d.ToString()));
        Assert.Empty(GeneratorHarness.Problems(compiled));
        Assert.Equal(ClassNames().Count(), result.GeneratedSources.Count(s => s.HintName.StartsWith("Hosts.", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Below C# 11 the helper classes are internal, in one namespace: networks of one simple name in other namespaces, nested
    /// in generic classes, or whose full names differ only where a dot, a plus or an underscore stands, still get helpers of
    /// their own names.
    /// </summary>
    [Trait("Category", "NoKernels")] // compiles (or compares text), runs no generated kernel: .ci/run runs it on one kernel path only
    [Fact]
    public void NetworksOfOneName_InOtherNamespacesAndNestings_GetHelpersOfTheirOwn_AtCSharp9()
    {
        string source = """
            namespace A { [MlpGen.Network(2, 1)] public partial class Net { } }
            namespace B { [MlpGen.Network(2, 1)] public partial class Net { } }
            namespace A.B { [MlpGen.Network(2, 1)] public partial class Net { } }
            namespace A_B { [MlpGen.Network(2, 1)] public partial class Net { } }
            namespace A { public partial class C { [MlpGen.Network(2, 1)] public partial class Net { } } }
            namespace A { public partial class C<T> { [MlpGen.Network(2, 1)] public partial class Net { } } }
            namespace A { public partial class C<T, U> { [MlpGen.Network(2, 1)] public partial class Net { } } }
            [MlpGen.Network(2, 1)] public partial class Net { }
            [MlpGen.Network(2, 1)] public partial class A_Net { }
            """;
        (GeneratorRunResult result, Compilation compiled) = Generate(Hosts[0], source);
        Assert.Null(result.Exception);
        Assert.All(result.Diagnostics, d => Assert.Equal("MLPG024", d.Id));
        Assert.Empty(GeneratorHarness.Problems(compiled));
        string[] kernels = result.GeneratedSources
            .Select(s => System.Text.RegularExpressions.Regex.Match(s.SourceText.ToString(), @"internal static class (\w+_Kernels)").Groups[1].Value)
            .Where(name => name.Length > 0).OrderBy(name => name, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "A_1B_Net_Kernels", "A_1Net_Kernels", "A_B_Net_Kernels", "A_C_2Net_Kernels", "A_C_31_2Net_Kernels", "A_C_32_2Net_Kernels", "A_Net_Kernels", "B_Net_Kernels", "Net_Kernels" },
            kernels);
    }

    [Theory]
    [MemberData(nameof(HostNames))]
    public void LoadedHere_PredictsAndBackpropagatesAsTheLatestShape_AndPredictBatchEqualsPredict(string hostName)
    {
        Host host = HostNamed(hostName);
        string source = Source();
        Assembly latest = GeneratorHarness.Load(Generate(Latest, source).Output);
        Assembly compatible = GeneratorHarness.Load(Generate(host, source).Output);
        double largest = 0;
        foreach (string type in ClassNames())
        {
            largest = Math.Max(largest, type.Contains("_float_", StringComparison.Ordinal)
                ? Compare<float>(latest, compatible, type, host.FloatTolerance)
                : Compare<double>(latest, compatible, type, host.DoubleTolerance));
        }
        output.WriteLine($"{host}: largest relative difference from the latest shape {largest:G3}");
    }

    /// <summary>
    /// The code of each compatible shape, against committed baselines (Snapshots/CompatibleShape_*): a SiLU network with a
    /// softmax output in SIMD layers, whose kernels call every operation a shape replaces (the exponential, both
    /// multiply-adds), with baked weights as literals.
    /// </summary>
    [Trait("Category", "NoKernels")] // compiles (or compares text), runs no generated kernel: .ci/run runs it on one kernel path only
    [Theory]
#if !ROSLYN4_3   // .NET 8 at C# 12; on Roslyn 4.3 (newest C# 10) the .NET 8 host is at C# 10, whose two changes the other two baselines hold
    [InlineData("net8.0, C# 12", "Net80")]
#endif
    [InlineData("netstandard2.0 + System.Memory, C# 9", "NetStandard20")]
    [InlineData("net10.0, C# 10", "CSharp10")]
    public void Snapshots(string hostName, string test)
    {
        Host host = HostNamed(hostName);
        var saved = new Numerics.Net2x2x1(7);
        using var directory = new TemporaryDirectory();
        string path = directory.File("xor.mlpw");
        Persistence.WeightsFile.Save(path, saved);
        string source = """
            namespace Demo
            {
                [MlpGen.Network(9, 8, 4, Hidden = MlpGen.NetworkActivation.SiLU, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.LogLikelihood, CodeShape = MlpGen.NetworkCodeShape.Simd)]
                public partial class Shape { }

                [MlpGen.Network(2, 2, 1, Weights = "xor.mlpw")]
                public partial class Baked { }
            }
            """;
        CSharpCompilation compilation = GeneratorHarness.Compile(new[] { source }, withRuntime: false, languageVersion: host.Language, framework: host.References());
        (GeneratorRunResult result, Compilation compiled) = GeneratorHarness.Run(compilation, new InMemoryAdditionalText("/src/xor.mlpw", File.ReadAllText(path)));
        Assert.Null(result.Exception);
        var files = result.GeneratedSources.Where(g => g.HintName.StartsWith("Demo.", StringComparison.Ordinal)).ToDictionary(g => g.HintName, g => g.SourceText.ToString());
        files["diagnostics"] = string.Join("\n", result.Diagnostics.Select(d => d.ToString())) + "\n";
        Snapshot.Verify("CompatibleShape_" + test, files);
        Assert.Empty(GeneratorHarness.Problems(compiled));
        foreach (string line in files.Where(f => f.Key != "diagnostics").SelectMany(f => f.Value.Split('\n')))
        {
            Assert.True(line.Length <= 150, $"a line of {line.Length} characters:\n{line}");
        }
    }

    // ---- Baked weights ----------------------------------------------------------------------------------------------

    /// <summary>
    /// A weights file baked into a network in every shape, as a resource (MlpGen.Generator's build targets) and as literals:
    /// the parameters read back bit for bit (the resource reader's loop over netstandard2.0's Stream, the literals' static
    /// array), and the network predicts as the latest shape does.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostNames))]
    public void BakedWeights_AsResourceAndAsLiterals_ReadBackBitForBit(string hostName)
    {
        Host host = HostNamed(hostName);
        var saved = new Numerics.Net2x2x1(7);
        float[] values = { 0.5f, -1.25f, float.Epsilon, -0f, 3e-30f, 1f / 3, 2.5f, -7f, 1e20f };
        values.CopyTo(saved.Parameters);
        using var directory = new TemporaryDirectory();
        string path = directory.File("edge.mlpw");
        Persistence.WeightsFile.Save(path, saved);
        var file = new InMemoryAdditionalText("/src/edge.mlpw", File.ReadAllText(path));
        const string source = "namespace Hosts { [MlpGen.Network(2, 2, 1, Weights = \"edge.mlpw\")] public partial class Edge { } }";
        foreach (bool resource in new[] { true, false })
        {
            var names = resource ? new Dictionary<string, string> { [file.Path] = "MlpGen.Weights/edge.mlpw" } : new Dictionary<string, string>();
            CSharpCompilation compilation = GeneratorHarness.Compile(new[] { source }, withRuntime: false, languageVersion: host.Language, framework: host.References());
            (GeneratorRunResult result, Compilation compiled) = GeneratorHarness.Run(compilation, new AdditionalFileMetadata(names), file);
            Assert.Null(result.Exception);
            Assert.All(result.Diagnostics, d => Assert.True(d.Severity == DiagnosticSeverity.Info, d.ToString()));
            Assert.Empty(GeneratorHarness.Problems(compiled));
            var resources = resource ? new Dictionary<string, byte[]> { ["MlpGen.Weights/edge.mlpw"] = MemoryMarshal.AsBytes(values.AsSpan()).ToArray() } : null;
            Assembly assembly = GeneratorHarness.Load(compiled, resources);
            Type type = assembly.GetType("Hosts.Edge")!;
            var network = new Network<float>(Activator.CreateInstance(type)!);
            Assert.Equal(Bits(values), Bits(network.Parameters().ToArray()));
            var baked = type.GetProperty("BakedParameters")!.GetMethod!.CreateDelegate<ReadOnlySpanGetter<float>>();
            Assert.Equal(Bits(values), Bits(baked().ToArray()));
            Assert.Equal(Bits(values), Bits(baked().ToArray()));   // a second read: the kept copy
            float[] expected = new float[1], actual = new float[1];
            saved.Predict(new[] { 0.25f, -0.5f }, expected);
            network.Predict(new[] { 0.25f, -0.5f }, actual);
            AssertClose(expected, actual, host.FloatTolerance, $"{host} {(resource ? "resource" : "literals")}: Predict");
        }
    }

    private delegate ReadOnlySpan<T> ReadOnlySpanGetter<T>();

    private delegate void PredictFn(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// An int8 (quantized) file baked into networks on every host, as a resource and as literals: the kernels compile without
    /// a warning (.NET Standard's scalar ones with Math.Round, .NET 8's with their own exponential for the softmax), and a
    /// ReLU/identity network with signed inputs predicts the integer reference's bits, one at a time and in a batch.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostNames))]
    public void Int8Networks_CompileOnEveryHost_AndPredictTheIntegerReferencesBits(string hostName)
    {
        Host host = HostNamed(hostName);
        var random = new Random(3);
        float[] Uniform(int count, float low) => Enumerable.Range(0, count).Select(_ => low + (float)random.NextDouble() * (1 - low)).ToArray();
        var weights = new Persistence.NetworkWeights([45, 33, 7], [ActivationFunction.ReLU, ActivationFunction.Identity], CostFunction.Quadratic,
            Persistence.WeightsElement.Float32, [.. Uniform((int)ParameterLayout.CountOf([45, 33, 7]), -1).Select(v => (double)v / 3)]);
        float[] inputs = Uniform(45 * 41, -1);
        Quantization.QuantizedNetwork reference = Quantization.Quantizer.Quantize(weights, inputs);
        var tanh = new Persistence.NetworkWeights([20, 9, 4], [ActivationFunction.Tanh, ActivationFunction.Softmax], CostFunction.LogLikelihood,
            Persistence.WeightsElement.Float32, [.. Uniform((int)ParameterLayout.CountOf([20, 9, 4]), -1).Select(v => (double)v)]);
        using var directory = new TemporaryDirectory();
        Persistence.WeightsFile.Write(directory.File("q.mlpw"), reference);
        Persistence.WeightsFile.Write(directory.File("t.mlpw"), Quantization.Quantizer.Quantize(tanh, Uniform(20 * 10, -1)));
        var files = new[] { new InMemoryAdditionalText("/src/q.mlpw", File.ReadAllText(directory.File("q.mlpw"))), new InMemoryAdditionalText("/src/t.mlpw", File.ReadAllText(directory.File("t.mlpw"))) };
        const string source = "namespace Hosts { [MlpGen.Network(45, 33, 7, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity, Weights = \"q.mlpw\")] public partial class Q { }\n"
            + "[MlpGen.Network(20, 9, 4, Hidden = MlpGen.NetworkActivation.Tanh, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.LogLikelihood, Weights = \"t.mlpw\")] public partial class T { } }";
        foreach (bool resource in new[] { true, false })
        {
            var names = resource ? files.ToDictionary(f => f.Path, f => "MlpGen.Weights/" + Path.GetFileName(f.Path)) : new Dictionary<string, string>();
            CSharpCompilation compilation = GeneratorHarness.Compile(new[] { source }, withRuntime: false, languageVersion: host.Language, framework: host.References());
            (GeneratorRunResult result, Compilation compiled) = GeneratorHarness.Run(compilation, new AdditionalFileMetadata(names), files);
            Assert.Null(result.Exception);
            Assert.All(result.Diagnostics, d => Assert.True(d.Severity == DiagnosticSeverity.Info, d.ToString()));
            Assert.Empty(GeneratorHarness.Problems(compiled));
            var resources = resource ? files.ToDictionary(f => "MlpGen.Weights/" + Path.GetFileName(f.Path), f => BakedWeightsTests.ParameterBytes(f.Text)) : null;
            Assembly assembly = GeneratorHarness.Load(compiled, resources);
            object network = Activator.CreateInstance(assembly.GetType("Hosts.Q")!)!;
            PredictFn predict = network.GetType().GetMethod("Predict")!.CreateDelegate<PredictFn>(network);
            PredictFn batch = network.GetType().GetMethods().Single(m => m.Name == "PredictBatch" && m.GetParameters().Length == 2).CreateDelegate<PredictFn>(network);
            float[] expected = new float[41 * 7], single = new float[41 * 7], batched = new float[41 * 7];
            for (int s = 0; s < 41; s++)
            {
                reference.Predict(inputs.AsSpan(s * 45, 45), expected.AsSpan(s * 7, 7));
                predict(inputs.AsSpan(s * 45, 45), single.AsSpan(s * 7, 7));
            }
            batch(inputs, batched);
            Assert.Equal(Bits(expected), Bits(single));
            Assert.Equal(Bits(expected), Bits(batched));
        }
    }


    // ---- .NET 8's own vector exponential -------------------------------------------------------------------------

    /// <summary>
    /// The network's kernels class: file-local <c>My_NetKernels</c>, or below C# 11 (the newest on Roslyn 4.3 is C# 10)
    /// <c>Hosts_My_1Net_Kernels</c>, whose name writes each underscore of the network's as <c>_1</c>.
    /// </summary>
    private static Type KernelsOf(Assembly assembly, string network) => assembly.GetTypes()
        .Single(t => t.Name.EndsWith(network + "Kernels", StringComparison.Ordinal) || t.Name.EndsWith(network.Replace("_", "_1") + "_Kernels", StringComparison.Ordinal));

    private static Func<TVector, TVector> Exp<TVector>(Type kernels) =>
        kernels.GetMethod("Exp", BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(TVector) })!.CreateDelegate<Func<TVector, TVector>>();

    /// <summary>The distance in ulps of two finite values of one sign (bit patterns of floats of one sign are ordered as integers).</summary>
    private static long Ulps(float a, float b) => Math.Abs((long)BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));

    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    /// <summary>
    /// The exponential the .NET 8 kernels declare (Vector256 and Vector128, float and double) against Math.Exp: over the
    /// whole range, subnormal results and overflow included, within the error the docs state; ±∞ and NaN as e^x has them.
    /// </summary>
    [Fact]
    public void OwnVectorExp_OnNet8_IsWithinAnUlpOrTwo_OverTheWholeRange_AndKeepsInfinityZeroAndNaN()
    {
        Assembly assembly = GeneratorHarness.Load(Generate(Hosts.Single(h => h.Name.StartsWith("net8.0", StringComparison.Ordinal)), Source()).Output);
        Type floats = KernelsOf(assembly, "SigmoidNet_float_Simd"), doubles = KernelsOf(assembly, "SigmoidNet_double_Simd");
        var float256 = Exp<Vector256<float>>(floats);
        var float128 = Exp<Vector128<float>>(floats);
        var double256 = Exp<Vector256<double>>(doubles);
        var double128 = Exp<Vector128<double>>(doubles);
        float Float(float x) => float256(Vector256.Create(x)).GetElement(3);
        double Double(double x) => double256(Vector256.Create(x)).GetElement(1);

        // Every x from −110 to 95 in steps of about 1e-4 (and 1e-4 apart in double): the range of the kernels' exponents and beyond.
        long worstFloat = 0, worstDouble = 0;
        const int steps = 2_000_000;
        for (int i = 0; i <= steps; i++)
        {
            double x = -110 + 205.0 * i / steps;
            float xf = (float)x;
            float ef = (float)Math.Exp(xf), af = Float(xf);
            Assert.True(float.IsPositiveInfinity(ef) ? float.IsPositiveInfinity(af) : Ulps(af, ef) <= 1, $"e^{xf:R} = {af:R}, Math.Exp gives {ef:R}");
            if (float.IsFinite(ef)) worstFloat = Math.Max(worstFloat, Ulps(af, ef));
            double xd = x * 7.3;   // −803 to 698: double's exponents, GELU's included
            double ed = Math.Exp(xd), ad = Double(xd);
            Assert.True(Ulps(ad, ed) <= 2, $"e^{xd:R} = {ad:R}, Math.Exp gives {ed:R}");
            worstDouble = Math.Max(worstDouble, Ulps(ad, ed));
        }
        output.WriteLine($"largest error: float {worstFloat} ulp, double {worstDouble} ulp");

        // Every lane, both widths: the lanes are independent, the widths compute alike.
        var lanes = Vector256.Create(-100f, -87.5f, -1f, 0f, 0.5f, 10f, 88.5f, 88.8f);
        for (int k = 0; k < 8; k++) Assert.Equal(Float(lanes.GetElement(k)), float256(lanes).GetElement(k));
        Assert.Equal(float256(lanes).GetLower(), float128(lanes.GetLower()));
        var lanesD = Vector256.Create(-740.0, 0.25, 700.0, 709.7);
        Assert.Equal(double256(lanesD).GetLower(), double128(lanesD.GetLower()));

        // The ends: overflow to ∞, underflow to 0 (through the subnormals), ±∞, NaN.
        Assert.Equal(float.PositiveInfinity, Float(89f));
        Assert.Equal(float.PositiveInfinity, Float(float.MaxValue));
        Assert.Equal(float.PositiveInfinity, Float(float.PositiveInfinity));
        Assert.Equal(0f, Float(-104f));
        Assert.Equal(0f, Float(float.NegativeInfinity));
        Assert.Equal(1f, Float(0f));
        Assert.True(float.IsNaN(Float(float.NaN)));
        Assert.Equal(double.PositiveInfinity, Double(710.0));
        Assert.Equal(double.PositiveInfinity, Double(double.PositiveInfinity));
        Assert.Equal(0.0, Double(-746.0));
        Assert.Equal(0.0, Double(double.NegativeInfinity));
        Assert.Equal(1.0, Double(0.0));
        Assert.True(double.IsNaN(Double(double.NaN)));
    }

    /// <summary>Compares one network of the two assemblies; returns the largest relative difference seen.</summary>
    private static double Compare<T>(Assembly latest, Assembly compatible, string type, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var reference = new Network<T>(latest, type);
        var network = new Network<T>(compatible, type);
        Assert.Equal(reference.ParameterCount, network.ParameterCount);
        reference.Parameters().CopyTo(network.Parameters());   // the same seed gives the same parameters; copied, to compare the math alone

        // Inputs across the range the kernels see, saturating ones included (e^±80 overflows a float's exponential).
        const int count = 23;
        var random = new Random(5);
        T[] inputs = new T[count * reference.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = T.CreateChecked(i % 17 == 0 ? (random.Next(2) * 2 - 1) * 80.0 : random.NextDouble() * 8 - 4);
        T[] targets = new T[count * reference.OutputSize];
        for (int s = 0; s < count; s++) targets[s * reference.OutputSize + s % reference.OutputSize] = T.One;

        T[] expected = new T[targets.Length], batch = new T[targets.Length], single = new T[targets.Length];
        reference.PredictBatch(inputs, expected);
        network.PredictBatch(inputs, batch);
        for (int s = 0; s < count; s++)
        {
            network.Predict(inputs.AsSpan(s * reference.InputSize, reference.InputSize), single.AsSpan(s * reference.OutputSize, reference.OutputSize));
        }
        Assert.True(Bits(single).SequenceEqual(Bits(batch)), $"{type}: Predict and PredictBatch differ");
        double largest = AssertClose(expected, batch, tolerance, type + " outputs");

        T[] expectedGradient = new T[reference.ParameterCount], gradient = new T[reference.ParameterCount];
        T expectedCost = reference.Backpropagate(inputs, targets, expectedGradient);
        T cost = network.Backpropagate(inputs, targets, gradient);
        largest = Math.Max(largest, AssertClose(new[] { expectedCost }, new[] { cost }, tolerance, type + " cost"));
        return Math.Max(largest, AssertClose(expectedGradient, gradient, tolerance, type + " gradient"));
    }

    /// <summary>Each value within <paramref name="tolerance"/> of the expected one, relative to the larger of its magnitude and 1; NaN where NaN is expected.</summary>
    private static double AssertClose<T>(T[] expected, T[] actual, double tolerance, string what) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            if (tolerance == 0)
            {
                Assert.True(e.Equals(a) && (e != 0 || double.IsNegative(e) == double.IsNegative(a)), $"{what}[{i}]: {a:R}, expected {e:R} bit for bit");
                continue;
            }
            bool close = double.IsNaN(e) ? double.IsNaN(a) : e == a || Math.Abs(a - e) <= tolerance * Math.Max(1, Math.Abs(e));
            Assert.True(close, $"{what}[{i}]: {a:R}, expected {e:R} within {tolerance:R}");
            if (!double.IsNaN(e) && e != a) largest = Math.Max(largest, Math.Abs(a - e) / Math.Max(1, Math.Abs(e)));
        }
        return largest;
    }

    private static ulong[] Bits<T>(T[] values) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? MemoryMarshal.Cast<T, uint>(values).ToArray().Select(b => (ulong)b).ToArray()
            : MemoryMarshal.Cast<T, ulong>(values).ToArray();

    /// <summary>A generated network class of a compiled assembly, called through delegates (its spans cannot go through reflection's object arrays).</summary>
    private sealed class Network<T>
    {
        private readonly object _instance;
        private readonly SpanGetter _parameters;

        public Network(Assembly assembly, string typeName)
            : this(Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!, 3)!)
        {
        }

        public Network(object instance)
        {
            Type type = instance.GetType();
            _instance = instance;
            InputSize = (int)type.GetField("InputSize")!.GetValue(null)!;
            OutputSize = (int)type.GetField("OutputSize")!.GetValue(null)!;
            ParameterCount = (int)type.GetField("ParameterCount")!.GetValue(null)!;
            _parameters = type.GetProperty("Parameters")!.GetMethod!.CreateDelegate<SpanGetter>(_instance);
            Predict = Method<SpanAction>(type, "Predict", typeof(ReadOnlySpan<T>), typeof(Span<T>));
            PredictBatch = Method<SpanAction>(type, "PredictBatch", typeof(ReadOnlySpan<T>), typeof(Span<T>));
            Backpropagate = Method<Gradient>(type, "Backpropagate", typeof(ReadOnlySpan<T>), typeof(ReadOnlySpan<T>), typeof(Span<T>));
        }

        public int InputSize { get; }

        public int OutputSize { get; }

        public int ParameterCount { get; }

        public SpanAction Predict { get; }

        public SpanAction PredictBatch { get; }

        public Gradient Backpropagate { get; }

        public Span<T> Parameters() => _parameters();

        private TDelegate Method<TDelegate>(Type type, string name, params Type[] parameters) where TDelegate : Delegate =>
            type.GetMethod(name, parameters)!.CreateDelegate<TDelegate>(_instance);

        public delegate Span<T> SpanGetter();

        public delegate void SpanAction(ReadOnlySpan<T> input, Span<T> output);

        public delegate T Gradient(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient);
    }
}
