using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// Whatever else the user's code declares, the generated code compiles and means what it says (issue 16, items 2, 3
/// and 5): a <c>required</c> member on the network class, a type named <c>var</c>, a method named <c>nameof</c>,
/// and types of the framework's names (<c>MathF</c>, <c>Vector256&lt;T&gt;</c>, <c>Unsafe</c>, <c>nuint</c>, …) declared
/// in the generated code's own namespace, <c>MlpGen.Generated</c>. The compilations hold the runtime, so the
/// generated class implements <c>INetwork&lt;T&gt;</c>, with its <c>Replicate</c>.
/// </summary>
public class UserDeclarationsTests
{
    private static Compilation Generate(string source, out Diagnostic[] inGeneratedCode)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Contains(result.GeneratedSources, s => s.HintName.StartsWith("Demo.", StringComparison.Ordinal));
        inGeneratedCode = GeneratorHarness.ProblemsInGeneratedCode(output);
        return output;
    }

    private static void AssertCompilesClean(string source)
    {
        Generate(source, out Diagnostic[] problems);
        Assert.True(problems.Length == 0, "problems inside generated code:\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }

    /// <summary>Issue 16.2: <c>Replicate</c> called <c>new Net(0)</c>, which a class with a required member refuses (CS9035).</summary>
    [Fact]
    [Trait("Category", "NoKernels")]
    public void RequiredMember_GeneratedCodeCompiles() => AssertCompilesClean("""
        namespace Demo;

        [MlpGen.Network(2, 2, 1)]
        public partial class Net { public required string Name { get; init; } }

        [MlpGen.Network(3, 4, 2, ElementType = typeof(double))]
        public partial record Other { public required int Id { get; init; } }
        """);

#if ROSLYN4_3
    private const string NameProperty = "public string Name { get; init; } = \"\";";   // required members are C# 11; Roslyn 4.3's newest is C# 10
#else
    private const string NameProperty = "public required string Name { get; init; }";
#endif

    /// <summary>
    /// The replica is a shallow copy that no constructor made: the parameters in storage of its own, the user's own
    /// members copied as they are (a required one included, from C# 11), references shared.
    /// </summary>
    [Fact]
    public void Replicate_CopiesParametersIntoOwnStorage_AndTheUsersMembersAsTheyAre()
    {
        Compilation output = Generate($$"""
            namespace Demo;

            [MlpGen.Network(3, 5, 2)]
            public partial class Net
            {
                {{NameProperty}}
                public object Tag = new();
            }
            """, out Diagnostic[] problems);
        Assert.Empty(problems);
        Type type = GeneratorHarness.Load(output).GetType("Demo.Net")!;
        var network = (INetwork<float>)Activator.CreateInstance(type, 7)!;
        type.GetProperty("Name")!.SetValue(network, "first");
        object tag = type.GetField("Tag")!.GetValue(network)!;

        INetwork<float> copy = network.Replicate();

        Assert.IsType(type, copy);
        Assert.NotSame(network, copy);
        Assert.Equal("first", type.GetProperty("Name")!.GetValue(copy));
        Assert.Same(tag, type.GetField("Tag")!.GetValue(copy));
        Assert.True(network.Parameters.SequenceEqual(copy.Parameters));
        copy.Parameters[0] += 1;
        copy.TrainMiniBatch(new float[3], new float[2], 0.5f);
        var fresh = (INetwork<float>)Activator.CreateInstance(type, 7)!;
        Assert.True(network.Parameters.SequenceEqual(fresh.Parameters), "training the replica changed the original");
        // The replica's training scratch is its own: the original trains as a fresh network with the same parameters does.
        network.TrainMiniBatch(new float[] { 1, 2, 3 }, new float[] { 1, 0 }, 0.5f);
        fresh.TrainMiniBatch(new float[] { 1, 2, 3 }, new float[] { 1, 0 }, 0.5f);
        Assert.True(network.Parameters.SequenceEqual(fresh.Parameters));
    }

    /// <summary>Issue 16.3: a type named <c>var</c> beside the network (and in the global namespace) turned <c>var copy = …</c> into that type.</summary>
    [Fact]
    [Trait("Category", "NoKernels")]
    public void TypeNamedVar_GeneratedCodeCompiles() => AssertCompilesClean("""
        public class @var { }

        namespace Demo
        {
            public class @var { }

            [MlpGen.Network(2, 2, 1)]
            public partial class Net { }

            [MlpGen.Network(784, 30, 10, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax)]
            public partial class Digits { }
        }
        """);

    /// <summary>A method named <c>nameof</c> in the class turns <c>nameof(input)</c> into a call of it.</summary>
    [Fact]
    [Trait("Category", "NoKernels")]
    public void MethodNamedNameof_GeneratedCodeCompiles() => AssertCompilesClean("""
        namespace Demo;

        [MlpGen.Network(2, 2, 1)]
        public partial class Net { private static int nameof(int value) => value; }
        """);

    /// <summary>
    /// The framework names the generated code uses, declared by the user in <c>MlpGen.Generated</c> (the namespace of
    /// the kernels), where they came before the file's using directives; and a namespace-level type named <c>System</c>
    /// there, which made <c>using System;</c> itself an error.
    /// </summary>
    private static readonly string FrameworkNamesInMlpGenGenerated = ShadowingTypes.InMlpGenGenerated(
        "internal class nuint { }", "internal class nameof { }", "internal class System { }");

    /// <summary>Issue 16.5: about 200 errors in the kernels; now none, for every kernel shape and both element types.</summary>
    [Fact]
    [Trait("Category", "NoKernels")]
    public void FrameworkNamesDeclaredInMlpGenGenerated_GeneratedCodeCompiles() => AssertCompilesClean(FrameworkNamesInMlpGenGenerated + """

        namespace Demo
        {
            [MlpGen.Network(784, 16, 16, 10)]
            public partial class Digits { }

            [MlpGen.Network(37, 19, 5, HiddenLayers = new[] { MlpGen.NetworkActivation.Tanh }, Output = MlpGen.NetworkOutput.Softmax, ElementType = typeof(double))]
            public partial class Soft { }

            [MlpGen.Network(5, 37, 29, 3, HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU, MlpGen.NetworkActivation.LeakyReLU }, Output = MlpGen.NetworkOutput.Identity)]
            public partial class Mixed { }

            [MlpGen.Network(3, 5, 2, CodeShape = MlpGen.NetworkCodeShape.UnrolledScalar, Cost = MlpGen.NetworkCost.CrossEntropy)]
            public partial class Unrolled { }
        }
        """);

    /// <summary>
    /// An extension method of the user's in <c>MlpGen.Generated</c> with the signature of a framework one the kernels call
    /// as an extension (<c>v.StoreUnsafe(ref r, i)</c>) is chosen before the framework's, silently: the kernels call
    /// the framework's methods by their class, so the user's are never called.
    /// </summary>
    [Fact]
    public void ExtensionMethodsDeclaredInMlpGenGenerated_AreNotCalled()
    {
        Compilation output = Generate("""
            namespace MlpGen.Generated
            {
                using global::System.Runtime.Intrinsics;

                internal static class Hijack
                {
                    public static void StoreUnsafe<T>(this Vector256<T> v, ref T destination, nuint offset) => throw new global::System.InvalidOperationException("hijacked");
                    public static void StoreUnsafe<T>(this Vector128<T> v, ref T destination, nuint offset) => throw new global::System.InvalidOperationException("hijacked");
                    public static void StoreUnsafe<T>(this Vector256<T> v, ref T destination) => throw new global::System.InvalidOperationException("hijacked");
                    public static void StoreUnsafe<T>(this Vector128<T> v, ref T destination) => throw new global::System.InvalidOperationException("hijacked");
                    public static T GetElement<T>(this Vector256<T> v, int index) => throw new global::System.InvalidOperationException("hijacked");
                    public static T GetElement<T>(this Vector128<T> v, int index) => throw new global::System.InvalidOperationException("hijacked");
                }
            }

            namespace Demo
            {
                [MlpGen.Network(37, 19, 10, Hidden = MlpGen.NetworkActivation.Tanh, Output = MlpGen.NetworkOutput.Softmax)]
                public partial class Net { }
            }
            """, out Diagnostic[] problems);
        Assert.Empty(problems);
        Type type = GeneratorHarness.Load(output).GetType("Demo.Net")!;
        var network = (INetwork<float>)Activator.CreateInstance(type, 3)!;
        var inputs = new float[8 * 37];
        var targets = new float[8 * 10];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (i % 7) / 7f;
        for (int s = 0; s < 8; s++) targets[s * 10 + s] = 1;
        var outputs = new float[8 * 10];
        network.PredictBatch(inputs, outputs);
        network.TrainMiniBatch(inputs, targets, 0.1f);
        Assert.All(outputs, value => Assert.True(float.IsFinite(value)));
    }
}
