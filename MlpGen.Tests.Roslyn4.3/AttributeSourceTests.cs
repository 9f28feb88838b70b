using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests;

/// <summary>
/// The sources every compilation gets on Roslyn 4.3: the [Network] attribute and its enums as MlpGen.Tests' snapshot
/// holds them, less <c>[Embedded]</c>. Before Roslyn 4.14 the compiler reserves Microsoft.CodeAnalysis.EmbeddedAttribute
/// for itself (CS8336 wherever it must synthesise one, e.g. for nullable annotations on netstandard2.0), so the Roslyn
/// 4.3 build neither defines nor uses it.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class AttributeSourceTests
{
    [Fact]
    public void AttributeSources_AreTheSnapshotsWithoutEmbedded()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile("namespace Demo; public class NoNetwork { }"));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        GeneratedSourceResult source = Assert.Single(result.GeneratedSources);
        Assert.Equal("MlpGen.NetworkAttribute.g.cs", source.HintName);
        string text = source.SourceText.ToString().Replace("\r\n", "\n");
        Assert.DoesNotContain("Microsoft.CodeAnalysis.EmbeddedAttribute", text);

        string snapshot = File.ReadAllText(Path.Combine(Snapshot.Directory, "AttributeSources.MlpGen.NetworkAttribute.g.cs.txt")).Replace("\r\n", "\n");
        const string Embedded = "[global::Microsoft.CodeAnalysis.EmbeddedAttribute]";
        Assert.Contains(Embedded, snapshot);   // the latest build marks the attribute and each enum
        Assert.Equal(string.Join("\n", snapshot.Split('\n').Where(line => line.Trim() != Embedded)), text);
        Assert.Empty(GeneratorHarness.Problems(output));
    }
}
