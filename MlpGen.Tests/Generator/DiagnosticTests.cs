using System.Linq;
using Microsoft.CodeAnalysis;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>Every diagnostic fires with its ID on the right piece of source, and the generator never throws.</summary>
public class DiagnosticTests
{
    /// <summary>Runs the generator, expects exactly one diagnostic with <paramref name="id"/>, and returns it with the source text it points at.</summary>
    private static (Diagnostic Diagnostic, string Text) Single(string source, string id)
    {
        (var result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Assert.Empty(result.GeneratedSources.Where(s => !s.HintName.StartsWith("MlpGen.NetworkAttribute") && !s.HintName.StartsWith("Microsoft.CodeAnalysis")));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("User.cs", diagnostic.Location.GetLineSpan().Path);
        return (diagnostic, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void MLPG001_NotPartial_OnClassName()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1)] public class Plain { }", "MLPG001");
        Assert.Equal("Plain", text);
        Assert.Contains("partial class Plain", d.GetMessage());
    }

    [Theory]
    [InlineData("[MlpGen.Network(784)] public partial class N { }", "MlpGen.Network(784)", "1 layer size")]
    [InlineData("[MlpGen.Network] public partial class N { }", "MlpGen.Network", "0 layer size")]
    [InlineData("[MlpGen.Network(new int[0])] public partial class N { }", "MlpGen.Network(new int[0])", "0 layer size")]
    public void MLPG002_TooFewLayers_OnAttribute(string source, string location, string message)
    {
        var (d, text) = Single(source, "MLPG002");
        Assert.Equal(location, text);
        Assert.Contains(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[MlpGen.Network(784, 0, 10)] public partial class N { }", "0", "Layer 1", "size 0")]
    [InlineData("[MlpGen.Network(new[] { 3, -4 })] public partial class N { }", "-4", "Layer 1", "size -4")]
    [InlineData("[MlpGen.Network(-1, 2)] public partial class N { }", "-1", "Layer 0", "size -1")]
    public void MLPG003_NonPositiveSize_OnTheArgument(string source, string location, string layer, string size)
    {
        var (d, text) = Single(source, "MLPG003");
        Assert.Equal(location, text);
        Assert.Contains(layer, d.GetMessage());
        Assert.Contains(size, d.GetMessage());
    }

    [Theory]
    [InlineData("784, 9000, 10", "9,010 neurons")]
    [InlineData("2000000, 10", "2,000,000 inputs")]
    [InlineData("1000000, 101, 1", "101,000,203 parameters")]
    public void MLPG004_TooLarge_StatesTheLimit(string sizes, string why)
    {
        var (d, text) = Single($"[MlpGen.Network({sizes})] public partial class Huge {{ }}", "MLPG004");
        Assert.Equal($"MlpGen.Network({sizes})", text);
        Assert.Contains(why, d.GetMessage());
        Assert.Contains("8,192 neurons", d.GetMessage());
    }

    [Fact]
    public void MLPG005_Generic_OnClassName()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1)] public partial class G<T> { }", "MLPG005");
        Assert.Equal("G", text);
    }

    [Fact]
    public void MLPG006_Static_OnClassName()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1)] public static partial class S { }", "MLPG006");
        Assert.Equal("S", text);
    }

    [Fact]
    public void MLPG007_TwoAttributes_OnTheSecond()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1)]\n[MlpGen.Network(3, 1)]\npublic partial class Twice { }", "MLPG007");
        Assert.Equal("MlpGen.Network(3, 1)", text);
    }

    [Fact]
    public void MLPG007_AttributesOnTwoPartialParts_OneDiagnosticNoOutput()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1)] public partial class P { }\n[MlpGen.Network(3, 1)] public partial class P { }", "MLPG007");
        Assert.Equal("MlpGen.Network(3, 1)", text);
    }

    [Fact]
    public void MLPG008_UnsupportedElementType_OnTheNamedArgument()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1, ElementType = typeof(int))] public partial class I { }", "MLPG008");
        Assert.Equal("ElementType = typeof(int)", text);
        Assert.Contains("int", d.GetMessage());
    }

    [Fact]
    public void MLPG010_UnsupportedCost_OnTheNamedArgument()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1, Cost = (MlpGen.NetworkCost)7)] public partial class C { }", "MLPG010");
        Assert.Equal("Cost = (MlpGen.NetworkCost)7", text);
        Assert.Contains("7", d.GetMessage());
    }

    [Fact]
    public void MLPG016_UnsupportedCodeShape_OnTheNamedArgument()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1, CodeShape = (MlpGen.NetworkCodeShape)9)] public partial class C { }", "MLPG016");
        Assert.Equal("CodeShape = (MlpGen.NetworkCodeShape)9", text);
        Assert.Contains("9", d.GetMessage());
    }

    [Fact]
    public void MLPG017_UnrolledScalar_IsAnInfoThatSaysWhy_AndTheNetworkIsStillGenerated()
    {
        const string source = "[MlpGen.Network(784, 16, 10, CodeShape = MlpGen.NetworkCodeShape.UnrolledScalar)] public partial class U { }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG017", d.Id);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal("CodeShape = MlpGen.NetworkCodeShape.UnrolledScalar", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("12,704 multiply-adds", d.GetMessage());
        Assert.Contains("slower", d.GetMessage());
        Assert.Contains(result.GeneratedSources, s => s.HintName == "U.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void MLPG009_ContainingTypeNotPartial_OnClassName()
    {
        var (d, text) = Single("public class Outer { [MlpGen.Network(2, 1)] public partial class Inner { } }", "MLPG009");
        Assert.Equal("Inner", text);
        Assert.Contains("Outer", d.GetMessage());
    }

    /// <summary>Whatever the user writes, the generator reports or stays silent; it never throws.</summary>
    [Theory]
    [InlineData("[MlpGen.Network(\"x\")] public partial class N { }")]
    [InlineData("[MlpGen.Network(null)] public partial class N { }")]
    [InlineData("[MlpGen.Network(1, 2, ElementType = null)] public partial class N { }")]
    [InlineData("[MlpGen.Network(int.MaxValue, int.MaxValue)] public partial class N { }")]
    [InlineData("[MlpGen.Network(2, 1)] public partial struct S { }")]
    [InlineData("[MlpGen.Network(2, 1)] public partial interface I { }")]
    [InlineData("[MlpGen.Network(2, 1)] public partial class")]
    [InlineData("[MlpGen.Network(2, 1 public partial class N { }")]
    [InlineData("[MlpGen.Network(2, 1)] public partial class N { } public partial class N { void Predict() { } }")]
    [InlineData("[MlpGen.Network(2, 1)] public abstract partial class N { }")]
    [InlineData("[MlpGen.Network(2, 1)] public partial record R;")]
    [InlineData("[MlpGen.Network(2, 1)] partial class P { } [MlpGen.Network(2, 1)] partial class P { } [MlpGen.Network(2)] partial class P { }")]
    public void OddDeclarations_NeverCrashTheGenerator(string source)
    {
        (var result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
    }

    [Fact]
    public void Record_IsSupported()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile("[MlpGen.Network(2, 2, 1)] public partial record R;"));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "R.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
    }
}
