using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// Random [Network(...)] declarations (sizes, named arguments, nesting, modifiers, names) through the
/// generator: it never throws or fails internally (MLPG018), and whatever it emits compiles without a
/// warning; everything wrong with a declaration is reported on the user's source, never in generated code.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class DeclarationPropertyTests
{
    private static readonly Gen<int> Size = Gen.Int[0, 6].SelectMany(i => i > 0
        ? Gen.Int[1, 24]
        : Gen.OneOf(0, -1, -40, int.MinValue, int.MaxValue, 9000, 1_048_577, 100_000));

    private static readonly Gen<string> NamedArgument = Gen.OneOf(
        "ElementType = typeof(float)", "ElementType = typeof(double)", "ElementType = typeof(int)", "ElementType = typeof(decimal)",
        "ElementType = typeof(System.Half)", "ElementType = typeof(string)", "ElementType = typeof(System.Collections.Generic.List<>)", "ElementType = null",
        "Cost = MlpGen.NetworkCost.CrossEntropy", "Cost = MlpGen.NetworkCost.LogLikelihood", "Cost = (MlpGen.NetworkCost)3", "Cost = (MlpGen.NetworkCost)(-1)",
        "Hidden = MlpGen.NetworkActivation.ReLU", "Hidden = MlpGen.NetworkActivation.LeakyReLU", "Hidden = (MlpGen.NetworkActivation)4",
        "HiddenLayers = new[] { MlpGen.NetworkActivation.Tanh }", "HiddenLayers = new MlpGen.NetworkActivation[0]", "HiddenLayers = null",
        "Output = MlpGen.NetworkOutput.Softmax", "Output = MlpGen.NetworkOutput.Identity", "Output = (MlpGen.NetworkOutput)3",
        "CodeShape = MlpGen.NetworkCodeShape.Simd", "CodeShape = MlpGen.NetworkCodeShape.UnrolledScalar", "CodeShape = (MlpGen.NetworkCodeShape)3",
        "Weights = \"missing.mlpw\"", "Weights = \"\"", "Weights = null", "Weights = \"../x/../y.mlpw\"");

    private static readonly Gen<string> Modifiers = Gen.OneOf(
        "public", "internal", "public sealed", "sealed", "abstract", "static", "file", "public abstract", "private", "protected internal", "unsafe", "new");

    private static readonly Gen<string> Name = Gen.OneOf(
        "Net", "Net2", "@class", "@record", "var", "async", "Predict", "InputSize", "Layer1Size", "Parameters", "net", "NET", "_", "Ünïcødé");

    private static readonly Gen<string> Body = Gen.OneOf(
        "", "public int InputSize = 3;", "public void Predict(float[] x) { }", "public void Predict(System.ReadOnlySpan<float> a, System.Span<float> b) { }",
        "public int Other;", "public static int LayerCount() => 1;", "public class Classify { }", "private int _start;");

    /// <summary>A container: its header with a {0} where the network goes.</summary>
    private static readonly Gen<string> Container = Gen.OneOf(
        "public partial class Outer {{ {0} }}", "public class Plain {{ {0} }}", "partial class Host<T> {{ {0} }}", "partial struct S {{ {0} }}",
        "partial record Rec {{ {0} }}", "static partial class St {{ {0} }}", "partial interface I<out T> {{ {0} }}", "file partial class F {{ {0} }}",
        "partial record struct RS {{ {0} }}", "readonly partial struct RO {{ {0} }}", "ref partial struct RefS {{ {0} }}", "partial class @class<@int> {{ {0} }}");

    private static readonly Gen<string> Namespace = Gen.OneOf("", "namespace Demo;", "namespace @namespace;", "namespace A.@class.B;", "namespace var.async;");

    private static readonly Gen<string> Declaration =
        from sizes in Size.Array[0, 5]
        from named in NamedArgument.Array[0, 3]
        from modifiers in Modifiers
        from partial in Gen.Int[0, 6].Select(i => i > 0)
        from keyword in Gen.OneOf("class", "class", "record")
        from primary in Gen.Int[0, 9].Select(i => i == 0 ? "()" : i == 1 ? "(int X)" : "")
        from name in Name
        from body in Body
        from baseClass in Gen.Int[0, 8].Select(i => i switch { 0 => " : Base", 1 => " : NeedsArgs", 2 => " : System.Exception", _ => "" })
        from containers in Container.Array[0, 2]
        from ns in Namespace
        select Compose(sizes, named, modifiers, partial, keyword, primary, name, body, baseClass, containers, ns);

    private static string Compose(int[] sizes, string[] named, string modifiers, bool partial, string keyword, string primary, string name, string body,
        string baseClass, string[] containers, string ns)
    {
        string arguments = string.Join(", ", sizes.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).Concat(named));
        string open = keyword == "record" && primary.Length == 0 ? " { " : " { ";
        string network = $"[MlpGen.Network({arguments})] {modifiers} {(partial ? "partial " : "")}{keyword} {name}{primary}{(keyword == "record" ? "" : baseClass)}{open}{body} }}";
        foreach (string container in containers) network = string.Format(System.Globalization.CultureInfo.InvariantCulture, container, network);
        return $"{ns}\npublic class Base {{ }}\npublic class NeedsArgs {{ public NeedsArgs(int x) {{ }} }}\n{network}\n";
    }

    [Fact]
    public void RandomDeclarations_NeverCrashTheGenerator_AndNeverProduceAProblemInGeneratedCode()
    {
        Declaration.Sample(source =>
        {
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
            Assert.Null(result.Exception);
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == "MLPG018");
            Assert.All(result.Diagnostics, d => Assert.True(d.Location.GetLineSpan().Path == "User.cs", $"{d} is not on the user's source"));
            Diagnostic[] problems = GeneratorHarness.ProblemsInGeneratedCode(output);
            Assert.True(problems.Length == 0, string.Join("\n", problems.Select(p => p.ToString())));
        }, iter: 150, threads: 1, print: source => source);
    }
}
