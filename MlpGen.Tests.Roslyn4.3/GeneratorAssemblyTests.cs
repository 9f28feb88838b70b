using System;
using System.IO;
using System.Linq;
using MlpGen.Generator;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests;

/// <summary>
/// The Roslyn 4.3 build of the generator as a host that takes the DLL alone sees it (Unity loads a DLL labelled
/// RoslynAnalyzer from the project's Assets, with no NuGet and no dependencies of its own): a netstandard2.0 assembly
/// that references nothing beyond netstandard and what Roslyn 4.3 itself consists of.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class GeneratorAssemblyTests
{
    private static string GeneratorPath => typeof(NetworkGenerator).Assembly.Location;

    [Fact]
    public void References_OnlyNetStandardAndRoslyn43()
    {
        using FileStream image = File.OpenRead(GeneratorPath);
        var references = AssemblyReferences.Of(image).ToDictionary(r => r.Name, r => r.Version);
        // Microsoft.CodeAnalysis 4.3.1's assemblies are version 4.3.0.0; System.Collections.Immutable 6.0 comes with Roslyn 4.3 (its dependency).
        var allowed = new (string Name, Version Newest)[]
        {
            ("netstandard", new Version(2, 0, 0, 0)),
            ("Microsoft.CodeAnalysis", new Version(4, 3, 0, 0)),
            ("Microsoft.CodeAnalysis.CSharp", new Version(4, 3, 0, 0)),
            ("System.Collections.Immutable", new Version(6, 0, 0, 0)),
        };
        Assert.All(references, r => Assert.True(allowed.Any(a => a.Name == r.Key && r.Value <= a.Newest),
            $"{Path.GetFileName(GeneratorPath)} references {r.Key} {r.Value}: a Roslyn 4.3 host offers only {string.Join(", ", allowed.Select(a => $"{a.Name} {a.Newest}"))}"));
        Assert.Contains("netstandard", references.Keys);
        Assert.Contains("Microsoft.CodeAnalysis", references.Keys);
    }

    [Fact]
    public void TargetFramework_IsNetStandard20()
    {
        using FileStream image = File.OpenRead(GeneratorPath);
        Assert.Equal(".NETStandard,Version=v2.0", AssemblyReferences.TargetFramework(image));
    }
}
