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
        NetworkGenerator.TrackingNames.Parse, NetworkGenerator.TrackingNames.Runtime, NetworkGenerator.TrackingNames.Models,
        NetworkGenerator.TrackingNames.Baked,
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

    /// <summary>Every output of <paramref name="steps"/> was cached or unchanged, and no source was regenerated.</summary>
    private static void AssertNothingRecomputed(GeneratorRunResult result, string[] steps)
    {
        foreach (string step in steps)
        {
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
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

        AssertNothingRecomputed(result, new[] { NetworkGenerator.TrackingNames.WeightsFiles, NetworkGenerator.TrackingNames.Baked });
    }

    [Fact]
    public void BakedWeights_EditingTheWeightsFile_RegeneratesTheClass()
    {
        Compilation compilation = GeneratorHarness.Compile(BakedSource);
        AdditionalText before = XorWeights(0.25f);
        GeneratorDriver driver = GeneratorHarness.Driver(before).RunGenerators(compilation);
        driver = driver.ReplaceAdditionalText(before, XorWeights(0.75f)).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[NetworkGenerator.TrackingNames.Baked].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
        string generated = result.GeneratedSources.Single(s => s.HintName == "Demo.Xor.g.cs").SourceText.ToString();
        Assert.Contains("0.75f,", generated);
        Assert.DoesNotContain("0.25f,", generated);
    }

    [Fact]
    public void StepOutputs_HoldNoSymbolsSyntaxOrCompilations()
    {
        GeneratorRunResult result = RunTwice(c => c);
        Compilation baked = GeneratorHarness.Compile(BakedSource);
        GeneratorRunResult bakedResult = GeneratorHarness.Driver(XorWeights(0.25f)).RunGenerators(baked).RunGenerators(baked).GetRunResult().Results.Single();
        foreach (string step in new[] { NetworkGenerator.TrackingNames.WeightsFiles, NetworkGenerator.TrackingNames.Baked })
        {
            foreach (var (value, _) in bakedResult.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                AssertPlain(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
        foreach (string step in new[] { NetworkGenerator.TrackingNames.Parse, NetworkGenerator.TrackingNames.Models })
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
