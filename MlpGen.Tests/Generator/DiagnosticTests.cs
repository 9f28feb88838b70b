using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>Every diagnostic fires with its ID on the right piece of source, and the generator never throws.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
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

    [Theory]
    [InlineData("Hidden = (MlpGen.NetworkActivation)7", "Hidden value 7")]
    [InlineData("Hidden = (MlpGen.NetworkActivation)6", "Hidden value 6")]   // one past SiLU, the last
    [InlineData("HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU, (MlpGen.NetworkActivation)(-1) }", "HiddenLayers value -1")]
    public void MLPG027_UnsupportedHiddenActivation_OnTheNamedArgument(string argument, string message)
    {
        var (d, text) = Single($"[MlpGen.Network(2, 3, 3, 1, {argument})] public partial class C {{ }}", "MLPG027");
        Assert.Equal(argument, text);
        Assert.Contains(message, d.GetMessage());
        Assert.Contains("NetworkActivation.LeakyReLU", d.GetMessage());
    }

    [Fact]
    public void MLPG028_UnsupportedOutput_OnTheNamedArgument()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1, Output = (MlpGen.NetworkOutput)5)] public partial class C { }", "MLPG028");
        Assert.Equal("Output = (MlpGen.NetworkOutput)5", text);
        Assert.Contains("5", d.GetMessage());
        Assert.Contains("NetworkOutput.Softmax", d.GetMessage());
    }

    [Theory]
    [InlineData("784, 30, 10", "HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU, MlpGen.NetworkActivation.Tanh }", "lists 2 activations for 1 hidden layer")]
    [InlineData("784, 30, 20, 10", "HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU }", "lists 1 activation for 2 hidden layers")]
    [InlineData("784, 10", "HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU }", "lists 1 activation for 0 hidden layers")]
    [InlineData("784, 30, 10", "Hidden = MlpGen.NetworkActivation.Tanh, HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU }", "is given together with Hidden")]
    public void MLPG029_HiddenLayersThatDoNotFit_OnTheHiddenLayersArgument(string sizes, string arguments, string message)
    {
        var (d, text) = Single($"[MlpGen.Network({sizes}, {arguments})] public partial class C {{ }}", "MLPG029");
        Assert.StartsWith("HiddenLayers = ", text);
        Assert.Contains(message, d.GetMessage());
    }

    [Theory]
    [InlineData("Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.CrossEntropy", "Cost = MlpGen.NetworkCost.CrossEntropy", "needs a sigmoid output layer, but the output is softmax")]
    [InlineData("Output = MlpGen.NetworkOutput.Identity, Cost = MlpGen.NetworkCost.CrossEntropy", "Cost = MlpGen.NetworkCost.CrossEntropy", "needs a sigmoid output layer, but the output is identity")]
    [InlineData("Cost = MlpGen.NetworkCost.LogLikelihood", "Cost = MlpGen.NetworkCost.LogLikelihood", "needs a softmax or log-softmax output layer, but the output is sigmoid")]
    [InlineData("Cost = MlpGen.NetworkCost.LogLikelihood, Output = MlpGen.NetworkOutput.Identity", "Cost = MlpGen.NetworkCost.LogLikelihood", "needs a softmax or log-softmax output layer, but the output is identity")]
    [InlineData("Output = MlpGen.NetworkOutput.LogSoftmax, Cost = MlpGen.NetworkCost.Quadratic", "Cost = MlpGen.NetworkCost.Quadratic", "needs a sigmoid, softmax or identity output layer, but the output is log-softmax; the outputs of log-softmax are log-probabilities")]
    [InlineData("Output = MlpGen.NetworkOutput.LogSoftmax, Cost = MlpGen.NetworkCost.CrossEntropy", "Cost = MlpGen.NetworkCost.CrossEntropy", "needs a sigmoid output layer, but the output is log-softmax")]
    public void MLPG030_CostThatDoesNotFitTheOutput_OnTheCostArgument(string arguments, string location, string message)
    {
        var (d, text) = Single($"[MlpGen.Network(4, 3, 2, {arguments})] public partial class C {{ }}", "MLPG030");
        Assert.Equal(location, text);
        Assert.Contains(message, d.GetMessage());
    }

    [Fact]
    public void MLPG031_QuadraticWithSoftmax_IsAnInfoThatSaysLogLikelihoodLearnsFaster_AndTheNetworkIsStillGenerated()
    {
        const string source = "[MlpGen.Network(4, 3, 2, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.Quadratic)] public partial class Q { }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG031", d.Id);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal("Cost = MlpGen.NetworkCost.Quadratic", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("log-likelihood", d.GetMessage());
        Assert.Contains("faster", d.GetMessage());
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Q.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void MLPG033_ModelSummary_IsOffByDefault()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile("[MlpGen.Network(784, 30, 10)] public partial class Digits { }"));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    /// <summary>Turned on (as dotnet_diagnostic.MLPG033.severity = suggestion does), it states the runtime ModelSummary's figures, on the attribute.</summary>
    [Fact]
    public void MLPG033_ModelSummary_TurnedOn_StatesTheRuntimeSummarysFigures()
    {
        const string source = "[MlpGen.Network(784, 30, 10, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax)] public partial class Digits { }";
        CSharpCompilation compilation = GeneratorHarness.Compile(source);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new("MLPG033", ReportDiagnostic.Info)]));
        (var result, var output) = GeneratorHarness.Run(compilation);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG033", d.Id);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal("MlpGen.Network(784, 30, 10, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax)", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Empty(GeneratorHarness.Problems(output));

        // The same network at run time: Net784x30x10 has the sizes (the activations do not change the counts).
        ModelSummary summary = ModelSummary.Of(new Numerics.Net784x30x10(seed: 1));
        string figures = System.FormattableString.Invariant(
            $"{summary.Parameters:N0} parameters ({summary.ParameterBytes:N0} bytes of float); {summary.InferenceFlopsPerSample:N0} FLOPs per sample to infer, {summary.TrainingFlopsPerSample(10):N0} to train at mini-batch 10");
        Assert.Equal(
            "The network 'Digits' is 784-30-10, log-likelihood cost: layer 1 784 → 30 relu (23,520 weights, 30 biases); layer 2 30 → 10 softmax (300 weights, 10 biases); " + figures,
            d.GetMessage());
        Assert.Equal("23,860 parameters (95,440 bytes of float); 47,640 FLOPs per sample to infer, 100,644 to train at mini-batch 10", figures);
    }

    /// <summary>Every legal combination compiles without a diagnostic or warning, the default costs included.</summary>
    [Theory]
    [InlineData("Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax")]
    [InlineData("Hidden = MlpGen.NetworkActivation.Tanh, Output = MlpGen.NetworkOutput.Identity, ElementType = typeof(double)")]
    [InlineData("HiddenLayers = new[] { MlpGen.NetworkActivation.LeakyReLU, MlpGen.NetworkActivation.Sigmoid }, Cost = MlpGen.NetworkCost.CrossEntropy")]
#if !ROSLYN4_3   // collection expressions are C# 12; Roslyn 4.3's newest is C# 10
    [InlineData("HiddenLayers = [MlpGen.NetworkActivation.ReLU, MlpGen.NetworkActivation.ReLU], Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.LogLikelihood, CodeShape = MlpGen.NetworkCodeShape.Simd")]
#endif
    [InlineData("HiddenLayers = null, Output = MlpGen.NetworkOutput.Identity, Cost = MlpGen.NetworkCost.Quadratic")]
    public void LegalActivationsAndCosts_CompileCleanly(string arguments)
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile($"[MlpGen.Network(9, 8, 5, 3, {arguments})] public partial class N {{ }}"));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "N.g.cs");
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

    // ---- Declarations the generated code could not extend ------------------------------------------

    /// <summary>Runs the generator on several files; returns the result and the compilation with the generated files.</summary>
    private static (GeneratorRunResult Result, Compilation Output) RunFiles(params string[] sources) =>
        GeneratorHarness.Run(GeneratorHarness.Compile(sources));

    [Fact]
    public void MLPG007_AttributesOnPartialPartsInTwoFiles_OneDiagnostic_AndOtherNetworksKeepTheirCode()
    {
        (var result, var output) = RunFiles(
            "[MlpGen.Network(2, 1)] public partial class P { }\n[MlpGen.Network(2, 2, 1)] public partial class Good { }",
            "[MlpGen.Network(3, 1)] public partial class P { }\nclass Use { float F() { System.Span<float> o = stackalloc float[1]; new Good(1).Predict(new float[2], o); return o[0]; } }");
        Assert.Null(result.Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG007", d.Id);
        Assert.Equal("User2.cs", d.Location.GetLineSpan().Path);
        Assert.Equal(new[] { "Good.g.cs" }, result.GeneratedSources.Select(s => s.HintName).Where(h => h.EndsWith(".g.cs") && !h.StartsWith("MlpGen.")));
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
        Assert.DoesNotContain(output.GetDiagnostics(), x => x.Severity == DiagnosticSeverity.Error && x.Id.StartsWith("CS"));
    }

    [Theory]
    [InlineData(NetworkGeneratorFault.Parse)]
    [InlineData(NetworkGeneratorFault.Build)]
    [InlineData(NetworkGeneratorFault.Emit)]
    public void MLPG018_AnExceptionStaysWithItsClass_AndOtherNetworksKeepTheirCode(NetworkGeneratorFault phase)
    {
        string broken = "Broken" + phase;   // unique per test: the hook is process-wide
        MlpGen.Generator.NetworkGenerator.FaultsForTesting[broken] = phase switch
        {
            NetworkGeneratorFault.Parse => MlpGen.Generator.NetworkGenerator.FaultPhase.Parse,
            NetworkGeneratorFault.Build => MlpGen.Generator.NetworkGenerator.FaultPhase.Build,
            _ => MlpGen.Generator.NetworkGenerator.FaultPhase.Emit,
        };
        string source = $"namespace Demo; [MlpGen.Network(2, 1)] public partial class {broken} {{ }} [MlpGen.Network(2, 2, 1)] public partial class Good {{ }}";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG018", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains(broken, d.GetMessage());
        Assert.Contains("System.InvalidOperationException: fault injected by a test", d.GetMessage());
        if (phase != NetworkGeneratorFault.Emit) Assert.Equal(broken, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Demo.Good.g.cs");
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains(broken));
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }

    public enum NetworkGeneratorFault { Parse, Build, Emit }

    [Fact]
    public void MLPG019_Abstract_OnClassName()
    {
        var (d, text) = Single("[MlpGen.Network(2, 1)] public abstract partial class A { }", "MLPG019");
        Assert.Equal("A", text);
    }

    [Theory]
    [InlineData("[MlpGen.Network(2, 1)] public partial record R(int X);", "(int X)")]
    [InlineData("[MlpGen.Network(2, 1)] public partial record R();", "()")]
#if !ROSLYN4_3   // a class's primary constructor is C# 12; Roslyn 4.3's newest is C# 10
    [InlineData("[MlpGen.Network(2, 1)] public partial class C(int x) { public int X => x; }", "(int x)")]
    [InlineData("[MlpGen.Network(2, 1)] public partial class C { } public partial class C(string s) { }", "(string s)")]
#endif
    public void MLPG020_PrimaryConstructor_OnTheParameterList(string source, string location)
    {
        var (d, text) = Single(source, "MLPG020");
        Assert.Equal(location, text);
    }

    [Theory]
    [InlineData("public class B { public B(int x) { } } [MlpGen.Network(2, 1)] public partial class D : B { public D() : base(1) { } }")]
    [InlineData("public class B { private B() { } public B(int x) { } } [MlpGen.Network(2, 1)] public partial class D : B { public D(string s) : base(1) { } }")]
    public void MLPG021_BaseWithoutParameterlessConstructor_OnTheBaseType(string source)
    {
        var (d, text) = Single(source, "MLPG021");
        Assert.Equal("B", text);
        Assert.Contains("'B'", d.GetMessage());
    }

    [Theory]
    [InlineData("public class B { protected B() { } }")]
    [InlineData("public class B { public B(int x = 1, params string[] rest) { } }")]
    [InlineData("public abstract class B { protected internal B() { } public int Other; }")]
    public void BaseClassWithAConstructorCallableWithoutArguments_Works(string baseClass)
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(baseClass + " [MlpGen.Network(2, 1)] public partial class D : B { }"));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "D.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Theory]
    [InlineData("public int InputSize = 3;", "InputSize", "InputSize")]
    [InlineData("public static int OutputSize() => 1;", "OutputSize", "OutputSize")]
    [InlineData("public int Layer1Size { get; }", "Layer1Size", "Layer1Size")]
    [InlineData("private float[] _storage = new float[1];", "_storage", "_storage")]
    [InlineData("public System.Span<float> Parameters => default;", "Parameters", "Parameters")]
    [InlineData("public int Predict;", "Predict", "Predict(ReadOnlySpan<float>, Span<float>)")]
    [InlineData("public void Predict(System.ReadOnlySpan<float> a, System.Span<float> b) { }", "Predict", "Predict(ReadOnlySpan<float>, Span<float>)")]
    [InlineData("public float TrainMiniBatch(System.ReadOnlySpan<float> a, System.ReadOnlySpan<float> b, float eta) => 0;", "TrainMiniBatch", "TrainMiniBatch(ReadOnlySpan<float>, ReadOnlySpan<float>, float)")]
    [InlineData("public class Classify { }", "Classify", "Classify(ReadOnlySpan<float>)")]
    [InlineData("public event System.Action? LayerSizes;", "LayerSizes", "LayerSizes")]
    [InlineData("public N(int size) { }", "N", "N(int)")]
    [InlineData("public N() { }", "N", "N()")]
    public void MLPG022_MemberConflict_OnTheUsersMember(string member, string location, string generated)
    {
        var (d, text) = Single($"[MlpGen.Network(3, 4, 2)] public partial class N {{ {member} }}", "MLPG022");
        Assert.Equal(location, text);
        Assert.Contains($"'{generated}'", d.GetMessage());
    }

    [Fact]
    public void MLPG022_InheritedMemberTheGeneratedOneWouldHide_OnTheInheritedMember()
    {
        var (d, text) = Single("public class B { public int ParameterCount; } [MlpGen.Network(2, 1)] public partial class N : B { }", "MLPG022");
        Assert.Equal("ParameterCount", text);
        Assert.Contains("B.ParameterCount", d.GetMessage());
    }

    /// <summary>The generated Replicate() copies with object.MemberwiseClone(): one declared in the class or a base class would be called instead.</summary>
    [Theory]
    [InlineData("public class B { } [MlpGen.Network(2, 1)] public partial class N : B { public new object MemberwiseClone() => this; }", "'N.MemberwiseClone()'")]
    [InlineData("public class B { protected new object MemberwiseClone() => this; } [MlpGen.Network(2, 1)] public partial class N : B { }", "'B.MemberwiseClone()'")]
    public void MLPG022_AMemberwiseCloneTheReplicaWouldCall_OnThatMember(string source, string member)
    {
        var (d, text) = Single(source, "MLPG022");
        Assert.Equal("MemberwiseClone", text);
        Assert.Contains(member, d.GetMessage());
        Assert.Contains("Replicate()", d.GetMessage());
    }

    [Fact]
    public void MLPG022_BakedParametersOnlyConflictsWhenWeightsAreBakedIn()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile("[MlpGen.Network(2, 1)] public partial class N { public int BakedParameters; }"));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Theory]
    [InlineData("public void Predict(float[] input) { }")]
    [InlineData("public void Predict(System.ReadOnlySpan<double> a, System.Span<double> b) { }")]
    [InlineData("public void Predict(System.ReadOnlySpan<float> a, ref System.Span<float> b) { }")]
    [InlineData("public N(int a, int b) : this(a + b) { }")]
    [InlineData("public N(string name) : this(1) { }")]
    [InlineData("public int Classify(float[] x) => 0; public static void TrainMiniBatch() { } public int Other;")]
    public void UserOverloadsOfGeneratedMembers_StayLegal(string member)
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile($"[MlpGen.Network(3, 4, 2)] public partial class N {{ {member} }}"));
        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "N.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Theory]
    [InlineData("Predict")]
    [InlineData("InputSize")]
    [InlineData("Layer1Size")]
    public void MLPG023_ClassNamedLikeAGeneratedMember_OnClassName(string name)
    {
        var (d, text) = Single($"[MlpGen.Network(3, 4, 2)] public partial class {name} {{ }}", "MLPG023");
        Assert.Equal(name, text);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, true)]
    [InlineData(LanguageVersion.CSharp9, true)]
#if !ROSLYN4_3   // Roslyn 4.3's newest C# is 10
    [InlineData(LanguageVersion.CSharp11, false)]
    [InlineData(LanguageVersion.CSharp12, false)]
#endif
    public void MLPG024_LanguageVersionBelowCSharp11_IsInformation_AndTheCodeCompiles(LanguageVersion version, bool reported)
    {
        string source = "namespace Demo { [MlpGen.Network(784, 16, 10)] public partial class Net { } }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, languageVersion: version));
        Assert.Null(result.Exception);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Demo.Net.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
        string code = result.GeneratedSources.Single(s => s.HintName == "Demo.Net.g.cs").SourceText.ToString();
        if (reported)
        {
            Diagnostic d = Assert.Single(result.Diagnostics);
            Assert.Equal("MLPG024", d.Id);
            Assert.Equal(DiagnosticSeverity.Info, d.Severity);
            Assert.Equal("Net", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
            Assert.Contains($"C# {version.ToDisplayString()}", d.GetMessage());
            Assert.DoesNotContain("file static class", code);
            Assert.Contains("[System::ComponentModel.EditorBrowsable(System::ComponentModel.EditorBrowsableState.Never)]\n    internal static class Demo_Net_Kernels", code);
        }
        else
        {
            Assert.Empty(result.Diagnostics);
            Assert.Contains("file static class NetKernels", code);
        }
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp8)]
    public void MLPG040_LanguageVersionBelowCSharp9_OnClassName(LanguageVersion version)
    {
        string source = "namespace Demo { [MlpGen.Network(784, 16, 10)] public partial class Net { } }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, languageVersion: version));
        Assert.Null(result.Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG040", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Net", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("C# 9", d.GetMessage());
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "Demo.Net.g.cs");
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }

    [Fact]
    public void MLPG025_Net8_IsInformation_OnClassName_AndTheCodeCompiles()
    {
        string source = "namespace Demo { [MlpGen.Network(784, 16, 10)] public partial class Net { } }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, withRuntime: false, framework: Basic.Reference.Assemblies.Net80.References.All));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG025", d.Id);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal("Net", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("Vector256.Exp, Vector256.FusedMultiplyAdd, Vector256.MultiplyAddEstimate, Vector128.Exp, Vector128.FusedMultiplyAdd, Vector128.MultiplyAddEstimate", d.GetMessage());
        Assert.Contains("docs/hosts.md", d.GetMessage());
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Demo.Net.g.cs");
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void MLPG041_FrameworkWithoutSpan_OnClassName()
    {
        // netstandard2.0 without the System.Memory package: no Span<T>.
        var netstandard = CompatibleShapeTests.NetStandard20References(withSystemMemory: false);
        string source = "namespace Demo { [MlpGen.Network(784, 16, 10)] public partial class Net { } }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, withRuntime: false, languageVersion: LanguageVersion.CSharp9, framework: netstandard));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG041", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Net", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("lacks System.Span<T>, System.Runtime.InteropServices.MemoryMarshal, System.Runtime.CompilerServices.Unsafe,", d.GetMessage());
        Assert.Contains("reference the System.Memory package", d.GetMessage());
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "Demo.Net.g.cs");
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }

    [Fact]
    public void MLPG041_SpansWithoutUnsafe_AsNetStandard21AndUnityHaveThem_NamesUnsafe()
    {
        // The spans without System.Runtime.CompilerServices.Unsafe, which every shape's kernels call (Unsafe.Add): an error
        // on the declaration, not a C# error in the generated file.
        var references = CompatibleShapeTests.NetStandard20References(withSystemMemory: true, withUnsafe: false);
        string source = "namespace Demo { [MlpGen.Network(784, 16, 10)] public partial class Net { } }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(new[] { source }, withRuntime: false, languageVersion: LanguageVersion.CSharp9, framework: references));
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG041", d.Id);
        Assert.Contains("lacks System.Runtime.CompilerServices.Unsafe,", d.GetMessage());
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "Demo.Net.g.cs");
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }

#if !ROSLYN4_3   // file-local types are C# 11; Roslyn 4.3's newest is C# 10
    [Theory]
    [InlineData("[MlpGen.Network(2, 1)] file partial class F { }", "F", "file-local")]
    [InlineData("file partial class Outer { [MlpGen.Network(2, 1)] public partial class F { } }", "F", "nested in the file-local type 'Outer'")]
    public void MLPG026_FileLocal_OnClassName(string source, string location, string why)
    {
        var (d, text) = Single(source, "MLPG026");
        Assert.Equal(location, text);
        Assert.Contains(why, d.GetMessage());
    }
#endif

    [Theory]
    [InlineData("namespace MlpGen { [MlpGen.Network(9, 8, 3, Output = MlpGen.NetworkOutput.Softmax)] public partial class CostFunction { } }", "CostFunction")]
    [InlineData("namespace MlpGen { [MlpGen.Network(2, 1)] partial class ActivationFunction { } }", "ActivationFunction")]
    [InlineData("namespace MlpGen { [MlpGen.Network(2, 1)] partial class Generated { } }", "Generated")]
    public void MLPG032_ClassTakingTheFullNameOfATypeTheGeneratedCodeUses_OnClassName(string source, string name)
    {
        var (d, text) = Single(source, "MLPG032");
        Assert.Equal(name, text);
        Assert.Contains("MlpGen." + name, d.GetMessage());
    }

    // ---- Issue 16: declarations that got no code, or warnings inside generated code --------------------

    /// <summary>
    /// A size taken from another network's constant: that constant exists only in generated code, so the
    /// argument has no value when the generator reads it. Before MLPG036 the class silently got no code.
    /// </summary>
    [Theory]
    [InlineData("[MlpGen.Network(A.OutputSize, 5, 2)]", "A.OutputSize", "'A.OutputSize'", "write its value, 10,")]
    [InlineData("[MlpGen.Network(2, A.Layer1Size, 1)]", "A.Layer1Size", "'A.Layer1Size'", "write its value, 30,")]
    [InlineData("[MlpGen.Network(layerSizes: new[] { A.InputSize, 3 })]", "A.InputSize", "'A.InputSize'", "write its value, 784,")]
#if !ROSLYN4_3   // collection expressions are C# 12; Roslyn 4.3's newest is C# 10
    [InlineData("[MlpGen.Network([2, Demo.A.LayerCount, 1])]", "Demo.A.LayerCount", "'Demo.A.LayerCount'", "write its value, 3,")]
#endif
    [InlineData("[MlpGen.Network(Sizes.Hidden, 2)]", "Sizes.Hidden", "'A.OutputSize'", "write the value of 'A.OutputSize', 10, in its place,")]   // through a const of the user's own
    [InlineData("[MlpGen.Network(2, (int)Widths.Hidden, 1)]", "(int)Widths.Hidden", "'A.Layer1Size'", "write the value of 'A.Layer1Size', 30, in its place,")]   // through an enum member of the user's
    [InlineData("[MlpGen.Network(2, A.ParameterCount % 7, 1, Weights = null)]", "A.ParameterCount % 7", "'A.ParameterCount'", "write the value of 'A.ParameterCount', 23,860, in its place,")]
    [InlineData("[MlpGen.Network(2, A.LayerSizes.Length, 1)]", "A.LayerSizes.Length", "'A.LayerSizes'", "write the value itself")]   // not a constant at all
    public void MLPG036_ArgumentUsingAGeneratedMember_OnTheArgument_SaysWhatToWriteInstead(string attribute, string location, string member, string write)
    {
        string source = "namespace Demo; [MlpGen.Network(784, 30, 10)] public partial class A { } public static class Sizes { public const int Hidden = A.OutputSize; } public enum Widths { Hidden = A.Layer1Size } "
            + attribute + " public partial class B { }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG036", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(location, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains(member, d.GetMessage());
        Assert.Contains("'B'", d.GetMessage());
        Assert.Contains(write, d.GetMessage());
        Assert.Contains("const", d.GetMessage());
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Demo.A.g.cs");
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "Demo.B.g.cs");
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }

    /// <summary>A member that the other network does not get either (a 784-30-10 network has no Layer2Size) is the compiler's to report, not MLPG036.</summary>
    [Fact]
    public void AnArgumentNamingAMemberNoNetworkGets_IsLeftToTheCompiler()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(
            "[MlpGen.Network(784, 30, 10)] public partial class A { } [MlpGen.Network(2, A.Layer2Size, 1)] public partial class B { }"));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Contains(output.GetDiagnostics(), d => d.Id == "CS0117" && d.GetMessage().Contains("Layer2Size"));
    }

    /// <summary>
    /// A network deriving from another network: its generated members would hide the base's (13 CS0108
    /// warnings inside the generated file before MLPG037). Refused on the base type, and the class gets no code.
    /// </summary>
    [Theory]
    [InlineData("[MlpGen.Network(2, 2, 1)] public partial class A { } [MlpGen.Network(2, 3, 1)] public partial class B : A { }", "A", "'A'")]
    [InlineData("[MlpGen.Network(2, 2, 1)] public partial class A { } public class Mid : A { } [MlpGen.Network(2, 3, 1)] public partial class B : Mid, System.IDisposable { public void Dispose() { } }", "Mid", "'A'")]
    [InlineData("namespace N { [MlpGen.Network(2, 2, 1)] public partial class A { } } [MlpGen.Network(2, 3, 1)] public partial class B : N.A { }", "N.A", "'N.A'")]
    public void MLPG037_NetworkDerivingFromANetwork_OnTheBaseType(string source, string location, string baseNetwork)
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Diagnostic d = Assert.Single(result.Diagnostics);
        Assert.Equal("MLPG037", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(location, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains(baseNetwork, d.GetMessage());
        Assert.Contains("field", d.GetMessage());
        Assert.Contains(result.GeneratedSources, s => s.HintName.EndsWith("A.g.cs"));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName == "B.g.cs");
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }

    /// <summary>Softmax over one output is the constant 1: no cost can train it (before MLPG038 it was accepted silently).</summary>
    [Theory]
    [InlineData("Output = MlpGen.NetworkOutput.Softmax")]
    [InlineData("Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.Quadratic")]
    [InlineData("Cost = MlpGen.NetworkCost.LogLikelihood, Output = MlpGen.NetworkOutput.Softmax")]
    [InlineData("Output = MlpGen.NetworkOutput.LogSoftmax")]
    public void MLPG038_SoftmaxOverASingleOutput_OnTheOutputArgument(string arguments)
    {
        var (d, text) = Single($"[MlpGen.Network(4, 3, 1, {arguments})] public partial class C {{ }}", "MLPG038");
        bool log = arguments.Contains("LogSoftmax");
        Assert.Equal(log ? "Output = MlpGen.NetworkOutput.LogSoftmax" : "Output = MlpGen.NetworkOutput.Softmax", text);
        Assert.Contains(log ? "always 0 (the logarithm of 1)" : "always 1", d.GetMessage());
        Assert.Contains("NetworkOutput.Sigmoid", d.GetMessage());
    }

    /// <summary>With the sizes given as the named argument layerSizes:, MLPG003 lands on the bad element (it landed on the whole attribute).</summary>
    [Theory]
    [InlineData("[MlpGen.Network(layerSizes: new[] { 2, 0, 1 })] public partial class N { }", "0", "Layer 1")]
    [InlineData("[MlpGen.Network(layerSizes: new int[] { -5, 1 })] public partial class N { }", "-5", "Layer 0")]
#if !ROSLYN4_3   // collection expressions are C# 12; Roslyn 4.3's newest is C# 10
    [InlineData("[MlpGen.Network(layerSizes: [2, 3, -1])] public partial class N { }", "-1", "Layer 2")]
#endif
    public void MLPG003_NamedLayerSizesArgument_OnTheBadElement(string source, string location, string layer)
    {
        var (d, text) = Single(source, "MLPG003");
        Assert.Equal(location, text);
        Assert.Contains(layer, d.GetMessage());
    }

    // ---- Names the generated code must spell right -------------------------------------------------

    [Theory]
    [InlineData("namespace @namespace; [MlpGen.Network(2, 2, 1)] partial class @class { }", "namespace.class.g.cs")]
    [InlineData("namespace A.@class.B { partial class @struct<@int> { [MlpGen.Network(2, 1)] public partial class @record { } } }", "A.class.B.struct`1+record.g.cs")]
    [InlineData("namespace var.async { public partial class dynamic { [MlpGen.Network(2, 1)] internal partial class nameof { } } }", "var.async.dynamic+nameof.g.cs")]
    [InlineData("namespace lower { partial class outer<t> { [MlpGen.Network(2, 1)] partial class net { } } }", "lower.outer`1+net.g.cs")]
    // A type named _ turns the discard '_ = a[1];' into a use of that type (CS0118): the straight-line kernels must not use discards (found by DeclarationPropertyTests).
    [InlineData("[MlpGen.Network(7, 15, 1)] internal partial class _ { }", "_.g.cs")]
    public void KeywordAndLowerCaseNames_AreSpelledSoThatTheGeneratedCodeCompiles(string source, string hintName)
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Null(result.Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(result.GeneratedSources, s => s.HintName == hintName);
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void TypesWhoseNamesDifferOnlyInCase_GetDistinctHintNames()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(
            "namespace Demo { [MlpGen.Network(2, 1)] partial class Net { } [MlpGen.Network(2, 1)] partial class NET { } [MlpGen.Network(2, 1)] partial class Other { } }"));
        Assert.Null(result.Exception);
        string[] hints = result.GeneratedSources.Select(s => s.HintName).Where(h => h.StartsWith("Demo.")).ToArray();
        Assert.Equal(3, hints.Length);
        Assert.Equal(3, hints.Distinct(System.StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("Demo.Other.g.cs", hints);
        Assert.Empty(GeneratorHarness.ProblemsInGeneratedCode(output));
    }
}
