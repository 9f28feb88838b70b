using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MlpGen.Generator;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>The incremental pipeline reuses its work when nothing relevant changed, and only then.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class CachingTests
{
    private const string Source = "namespace Demo; [MlpGen.Network(784, 16, 16, 10)] public partial class Net { }";

    private static readonly string[] Steps =
    {
        NetworkGenerator.TrackingNames.Parse, NetworkGenerator.TrackingNames.CompilationFacts, NetworkGenerator.TrackingNames.Build,
        NetworkGenerator.TrackingNames.Models, NetworkGenerator.TrackingNames.Diagnostics,
    };

    private static GeneratorRunResult RunTwice(Func<Compilation, Compilation> edit)
    {
        Compilation compilation = GeneratorHarness.Compile(Source);
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        driver = driver.RunGenerators(edit(compilation));
        return driver.GetRunResult().Results.Single();
    }

    [Fact]
    public void UnrelatedEdit_LeavesEveryStepCachedOrUnchanged()
    {
        GeneratorRunResult result = RunTwice(c => c.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace Demo; public class Unrelated { public int X => 42; }", GeneratorHarness.ParseOptions)));

        AssertNothingRecomputed(result, Steps);
    }

    /// <summary>
    /// Every output of <paramref name="steps"/> was cached or unchanged, and no output ran again: none at all, or
    /// with <paramref name="outputsOf"/>, none of the outputs fed by that step (Models: the emitted files).
    /// </summary>
    private static void AssertNothingRecomputed(GeneratorRunResult result, string[] steps, string? outputsOf = null)
    {
        foreach (string step in steps)
        {
            var reasons = Reasons(result, step).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value)
            .Where(output => outputsOf is null || output.Inputs.Any(input => input.Source.Name == outputsOf))
            .SelectMany(s => s.Outputs)
            .ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingTheTopology_RegeneratesTheModel()
    {
        GeneratorRunResult result = RunTwice(c =>
        {
            SyntaxTree tree = c.SyntaxTrees.Single();
            return c.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("16, 16", "30"))));
        });
        Assert.Contains(result.TrackedSteps[NetworkGenerator.TrackingNames.Models].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("784-30-10", result.GeneratedSources.Single(s => s.HintName == "Demo.Net.g.cs").SourceText.ToString());
    }

    private const string BakedSource = "namespace Demo; [MlpGen.Network(2, 2, 1, Weights = \"xor.mlpw\")] public partial class Xor { }";

    private static AdditionalText XorWeights(float first)
    {
        var network = new MlpGen.Tests.Numerics.Net2x2x1(1);
        network.Parameters[0] = first;
        using var directory = new TemporaryDirectory();
        string path = directory.File("xor.mlpw");
        MlpGen.Persistence.WeightsFile.Save(path, network);
        return new InMemoryAdditionalText("/src/xor.mlpw", System.IO.File.ReadAllText(path));
    }

    [Fact]
    public void BakedWeights_UnrelatedEdit_LeavesTheWeightsStepsCached()
    {
        Compilation compilation = GeneratorHarness.Compile(BakedSource);
        GeneratorDriver driver = GeneratorHarness.Driver(XorWeights(0.25f)).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace Demo; public class Unrelated { }", GeneratorHarness.ParseOptions)));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        AssertNothingRecomputed(result, new[] { NetworkGenerator.TrackingNames.WeightsFiles, NetworkGenerator.TrackingNames.Build, NetworkGenerator.TrackingNames.Models });
    }

    [Fact]
    public void BakedAsResource_UnrelatedEdit_NeitherRereadsNorRechecksTheWeightsFile()
    {
        // As in a build with MlpGen.Generator's targets: the file's bytes are a resource, the pipeline holds its fingerprint.
        var weights = (InMemoryAdditionalText)XorWeights(0.25f);
        var metadata = new AdditionalFileMetadata(new Dictionary<string, string> { [weights.Path] = "MlpGen.Weights/xor.mlpw" });
        Compilation compilation = GeneratorHarness.Compile(BakedSource);
        GeneratorDriver driver = GeneratorHarness.Driver(GeneratorHarness.ParseOptions, metadata, weights).RunGenerators(compilation);
        Assert.Equal(1, weights.Reads);
        Assert.Contains("GetManifestResourceStream", driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "Demo.Xor.g.cs").SourceText.ToString());

        for (int edit = 0; edit < 3; edit++)
        {
            compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText($"namespace Demo; public class Unrelated{edit} {{ }}", GeneratorHarness.ParseOptions));
            driver = driver.RunGenerators(compilation);
            AssertNothingRecomputed(driver.GetRunResult().Results.Single(), new[] { NetworkGenerator.TrackingNames.WeightsFiles, NetworkGenerator.TrackingNames.Build, NetworkGenerator.TrackingNames.Models });
        }
        Assert.Equal(1, weights.Reads);   // read and checked once, for the first run only
    }

    [Fact]
    public void BakedWeights_EditingTheWeightsFile_RegeneratesTheClass()
    {
        Compilation compilation = GeneratorHarness.Compile(BakedSource);
        AdditionalText before = XorWeights(0.25f);
        GeneratorDriver driver = GeneratorHarness.Driver(before).RunGenerators(compilation);
        driver = driver.ReplaceAdditionalText(before, XorWeights(0.75f)).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[NetworkGenerator.TrackingNames.Models].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
        string generated = result.GeneratedSources.Single(s => s.HintName == "Demo.Xor.g.cs").SourceText.ToString();
        Assert.Contains("0.75f,", generated);
        Assert.DoesNotContain("0.25f,", generated);
    }

    // ---- Edits in the very file that holds [Network] -----------------------------------------------

    private const string SameFileSource = """
        // The network of the XOR example.
        namespace Demo;

        [MlpGen.Network(2, 2, 1, Weights = "xor.mlpw")]
        public partial class Xor
        {
            public int Epochs { get; set; }
        }

        public static class Helper
        {
            public static int Answer() => 42;   // the answer
        }
        """;

    /// <summary>Each edit of the file: what it replaces, with what.</summary>
    public static TheoryData<string, string, string> SameFileEdits => new()
    {
        { "a comment below the network", "// the answer", "// the answer, as a longer comment\n            // on two lines" },
        { "an unrelated member of another class", "public static int Answer() => 42;", "public static int Answer() => 43; public static string Name => \"xor\";" },
        { "an unrelated member of the network class", "public int Epochs { get; set; }", "public int Epochs { get; set; } public string Label { get; init; } = \"\";" },
    };

    /// <summary>
    /// An edit in the file of the network that changes nothing the generator reads: the class is parsed again
    /// (its tree changed) but to an equal declaration, every later step is cached or unchanged, the emitted file
    /// is not emitted again, and the weights file is not read again.
    /// </summary>
    [Theory]
    [MemberData(nameof(SameFileEdits))]
    public void EditInTheNetworksOwnFile_LeavesEveryStepCachedOrUnchanged(string edit, string before, string after)
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunSameFileTwice(before, after);

        AssertNothingRecomputed(second, Steps.Append(NetworkGenerator.TrackingNames.WeightsFiles).ToArray());
        Assert.True(Sources(first).SequenceEqual(Sources(second)), $"editing {edit} changed the generated files");
        Assert.Equal(first.Diagnostics.Select(d => d.ToString()), second.Diagnostics.Select(d => d.ToString()));
    }

    /// <summary>
    /// A comment above the network moves it down: its diagnostics move with it (here the summary MLPG033, turned
    /// on), but its model is unchanged, so the file is not emitted again, and the weights file is not read again.
    /// </summary>
    [Fact]
    public void CommentThatMovesTheNetwork_MovesItsDiagnostics_ButLeavesItsModelAndFileCached()
    {
        (GeneratorRunResult first, GeneratorRunResult second) = RunSameFileTwice(
            "// The network of the XOR example.", "// The network of the XOR example,\n// the smallest problem a single layer cannot solve.");

        AssertNothingRecomputed(second, new[] { NetworkGenerator.TrackingNames.Models, NetworkGenerator.TrackingNames.WeightsFiles }, outputsOf: NetworkGenerator.TrackingNames.Models);
        Assert.Equal(Sources(first), Sources(second));
        int before = Assert.Single(first.Diagnostics, d => d.Id == "MLPG033").Location.GetLineSpan().StartLinePosition.Line;
        int after = Assert.Single(second.Diagnostics, d => d.Id == "MLPG033").Location.GetLineSpan().StartLinePosition.Line;
        Assert.Equal(before + 1, after);
    }

    /// <summary>Runs the generator on <see cref="SameFileSource"/>, then again after replacing <paramref name="before"/> by <paramref name="after"/> in that file.</summary>
    private static (GeneratorRunResult First, GeneratorRunResult Second) RunSameFileTwice(string before, string after)
    {
        Assert.Contains(before, SameFileSource);
        CSharpCompilation compilation = GeneratorHarness.Compile(SameFileSource);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new("MLPG033", ReportDiagnostic.Info)]));   // the summary, to see a diagnostic follow the edit
        GeneratorDriver driver = GeneratorHarness.Driver(XorWeights(0.25f)).RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Contains(first.GeneratedSources, s => s.HintName == "Demo.Xor.g.cs");

        SyntaxTree tree = compilation.SyntaxTrees.Single();
        Compilation edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(SameFileSource.Replace(before, after))));
        Assert.Empty(edited.SyntaxTrees.Single().GetDiagnostics());   // the edit is valid C#
        return (first, driver.RunGenerators(edited).GetRunResult().Results.Single());
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static string[] Sources(GeneratorRunResult result) =>
        result.GeneratedSources.Select(s => s.HintName + "\n" + s.SourceText).OrderBy(s => s, System.StringComparer.Ordinal).ToArray();

    [Fact]
    public void StepOutputs_HoldNoSymbolsSyntaxOrCompilations()
    {
        GeneratorRunResult result = RunTwice(c => c);
        Compilation baked = GeneratorHarness.Compile(BakedSource);
        GeneratorRunResult bakedResult = GeneratorHarness.Driver(XorWeights(0.25f)).RunGenerators(baked).RunGenerators(baked).GetRunResult().Results.Single();
        foreach (string step in new[] { NetworkGenerator.TrackingNames.WeightsFiles, NetworkGenerator.TrackingNames.Build, NetworkGenerator.TrackingNames.Models })
        {
            foreach (var (value, _) in bakedResult.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                AssertPlain(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
        foreach (string step in Steps)
        {
            foreach (var (value, _) in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                AssertPlain(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
    }

    private static void AssertPlain(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree, $"{path} holds a {value.GetType().Name}");
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items) AssertPlain(item, $"{path}[{i++}]", seen);
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType.IsPointer) continue;
            AssertPlain(field.GetValue(value), $"{path}.{field.Name}", seen);
        }
    }
}
