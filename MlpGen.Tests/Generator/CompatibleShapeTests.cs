using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
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
public class CompatibleShapeTests
{
    /// <summary>A compilation's language and framework.</summary>
    public sealed record Host(string Name, LanguageVersion Language, Func<IEnumerable<MetadataReference>> References)
    {
        public override string ToString() => Name;
    }

    public static readonly Host Latest = new("net10.0, C# latest", LanguageVersion.Latest, () => Basic.Reference.Assemblies.Net100.References.All);

    public static readonly Host[] Hosts =
    {
        new("net10.0, C# 9", LanguageVersion.CSharp9, () => Basic.Reference.Assemblies.Net100.References.All),
        new("net10.0, C# 10", LanguageVersion.CSharp10, () => Basic.Reference.Assemblies.Net100.References.All),
    };

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

    [Theory]
    [MemberData(nameof(HostNames))]
    public void EveryActivation_ElementType_AndShape_CompilesWithoutAnError_OrAWarning(string hostName)
    {
        (GeneratorRunResult result, Compilation output) = Generate(HostNamed(hostName), Source());
        Assert.Null(result.Exception);
        Assert.All(result.Diagnostics, d => Assert.True(d.Severity == DiagnosticSeverity.Info, d.ToString()));
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Equal(ClassNames().Count(), result.GeneratedSources.Count(s => s.HintName.StartsWith("Hosts.", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Below C# 11 the helper classes are internal, in one namespace: networks of one simple name in other namespaces, nested
    /// in generic classes, or whose full names differ only where a dot, a plus or an underscore stands, still get helpers of
    /// their own names.
    /// </summary>
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
        (GeneratorRunResult result, Compilation output) = Generate(Hosts[0], source);
        Assert.Null(result.Exception);
        Assert.All(result.Diagnostics, d => Assert.Equal("MLPG024", d.Id));
        Assert.Empty(GeneratorHarness.Problems(output));
        string[] kernels = result.GeneratedSources
            .Select(s => System.Text.RegularExpressions.Regex.Match(s.SourceText.ToString(), @"internal static class (\w+_Kernels)").Groups[1].Value)
            .Where(name => name.Length > 0).OrderBy(name => name, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "A_1B_Net_Kernels", "A_1Net_Kernels", "A_B_Net_Kernels", "A_C_2Net_Kernels", "A_C_31_2Net_Kernels", "A_C_32_2Net_Kernels", "A_Net_Kernels", "B_Net_Kernels", "Net_Kernels" },
            kernels);
    }

    /// <summary>Outputs equal the .NET 10 shape's: bit for bit where the math is the same code; within this where our own exponential replaces the framework's.</summary>
    private const double Tolerance = 0;

    [Theory]
    [MemberData(nameof(HostNames))]
    public void LoadedHere_PredictsAndBackpropagatesAsTheLatestShape_AndPredictBatchEqualsPredict(string hostName)
    {
        Host host = HostNamed(hostName);
        string source = Source();
        Assembly latest = GeneratorHarness.Load(Generate(Latest, source).Output);
        Assembly compatible = GeneratorHarness.Load(Generate(host, source).Output);
        foreach (string type in ClassNames())
        {
            if (type.Contains("_float_", StringComparison.Ordinal)) Compare<float>(latest, compatible, type, Tolerance);
            else Compare<double>(latest, compatible, type, Tolerance);
        }
    }

    private static void Compare<T>(Assembly latest, Assembly compatible, string type, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
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
        AssertClose(expected, batch, tolerance, type + " outputs");

        T[] expectedGradient = new T[reference.ParameterCount], gradient = new T[reference.ParameterCount];
        T expectedCost = reference.Backpropagate(inputs, targets, expectedGradient);
        T cost = network.Backpropagate(inputs, targets, gradient);
        AssertClose(new[] { expectedCost }, new[] { cost }, tolerance, type + " cost");
        AssertClose(expectedGradient, gradient, tolerance, type + " gradient");
    }

    /// <summary>Each value within <paramref name="tolerance"/> of the expected one, relative to the larger of its magnitude and 1; NaN where NaN is expected.</summary>
    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
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
        }
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
        {
            Type type = assembly.GetType(typeName, throwOnError: true)!;
            _instance = Activator.CreateInstance(type, 3)!;
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
