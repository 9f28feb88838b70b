using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Generator;

/// <summary>The generated code compiles without warnings for every tested topology and stays far from the JIT's method-size limits.</summary>
[Trait("Category", "NoKernels")] // compiles and counts IL, runs no generated kernel: .ci/run runs it on one kernel path only
public class CompilationTests(ITestOutputHelper output)
{
    /// <summary>The release JIT stops optimising methods above 20,000 IL instructions; we keep a 25% margin.</summary>
    private const int MaxIlInstructions = 15_000;

    public static TheoryData<string> Topologies => new()
    {
        "2, 2, 1", "1, 1", "3, 5, 7, 2, 4", "37, 19, 5", "5, 37, 29, 3", "16, 32, 16",
        "784, 16, 16, 10", "784, 30, 10", "784, 100, 10", "784, 1000, 10", "8192, 8192",
        "512, 1, 512", "100, 100, 100, 100",
    };

    /// <summary>The forced shapes: the unrolled scalar one split into methods (rows longer than a method, columns summing over many rows), and SIMD on tiny layers.</summary>
    public static TheoryData<string, string> ShapedTopologies => new()
    {
        { "784, 16, 16, 10", "UnrolledScalar" }, { "3000, 2, 1", "UnrolledScalar" }, { "1, 900, 1", "UnrolledScalar" },
        { "2, 2, 1", "Simd" }, { "1, 1", "Simd" }, { "3, 5, 7, 2, 4", "Simd" },
    };

    [Theory]
    [MemberData(nameof(Topologies))]
    public void GeneratedCode_CompilesWithoutWarnings_AndEveryMethodStaysUnderTheIlLimit(string sizes) => CompileAndCount(sizes, "Auto");

    [Theory]
    [MemberData(nameof(ShapedTopologies))]
    public void ForcedCodeShapes_CompileWithoutWarnings_AndEveryMethodStaysUnderTheIlLimit(string sizes, string shape) => CompileAndCount(sizes, shape);

    private void CompileAndCount(string sizes, string shape)
    {
        foreach (string element in new[] { "float", "double" })
        {
            string source = $"namespace Demo; [MlpGen.Network({sizes}, ElementType = typeof({element}), CodeShape = MlpGen.NetworkCodeShape.{shape})] public partial class Net {{ }}";
            (var result, var compilation) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
            Assert.Null(result.Exception);
            Assert.All(result.Diagnostics, d => Assert.Equal(shape == "UnrolledScalar" ? "MLPG017" : "none", d.Id));
            Assert.Empty(GeneratorHarness.Problems(compilation));

            using var stream = new MemoryStream();
            EmitResult emit = compilation.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            var counts = IlCounter.CountPerMethod(stream.ToArray());
            var largest = counts.MaxBy(c => c.Value);
            output.WriteLine($"[{sizes}] {shape} {element}: {counts.Count} methods, largest {largest.Key} with {largest.Value} IL instructions");
            Assert.All(counts, c => Assert.True(c.Value <= MaxIlInstructions, $"{c.Key} has {c.Value} IL instructions"));
        }
    }

    /// <summary>The networks this very test assembly declares (TestNetworks.cs), compiled by the real build.</summary>
    [Fact]
    public void TestAssemblyNetworks_EveryGeneratedMethodStaysUnderTheIlLimit()
    {
        var counts = IlCounter.CountPerMethod(File.ReadAllBytes(typeof(Numerics.TestNetworks).Assembly.Location))
            .Where(c => c.Key.StartsWith("Net", System.StringComparison.Ordinal) || c.Key.Contains("Kernels::", System.StringComparison.Ordinal))
            .ToList();
        Assert.Contains(counts, c => c.Key.Contains("Net784x100x10Kernels::Layer1Gradient", System.StringComparison.Ordinal));
        var largest = counts.MaxBy(c => c.Value);
        output.WriteLine($"{counts.Count} generated methods, largest {largest.Key} with {largest.Value} IL instructions");
        Assert.All(counts, c => Assert.True(c.Value <= MaxIlInstructions, $"{c.Key} has {c.Value} IL instructions"));
    }

    [Fact]
    public void IlCounter_CountsInstructions()
    {
        // ldarg.0; ldc.i4.s 10; add; ldc.i8 5; conv.i4; switch (2 targets); ret
        byte[] il = { 0x02, 0x1F, 10, 0x58, 0x21, 5, 0, 0, 0, 0, 0, 0, 0, 0x69, 0x45, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2A };
        Assert.Equal(7, IlCounter.Count(il));
    }

    [Fact]
    public void WithoutTheRuntime_TheNetworkStandsAlone_WithTheRuntime_ItImplementsINetwork()
    {
        const string source = "namespace Demo; [MlpGen.Network(4, 3, 2)] public partial class Net { }";

        (_, var alone) = GeneratorHarness.Run(GeneratorHarness.Compile(source, withRuntime: false, allowUnsafe: false));
        Assert.Empty(GeneratorHarness.Problems(alone));
        Assert.Empty(alone.GetTypeByMetadataName("Demo.Net")!.AllInterfaces);
        Assert.DoesNotContain(alone.References, r => r.Display?.Contains("MlpGen") == true);

        (_, var withRuntime) = GeneratorHarness.Run(GeneratorHarness.Compile(source));
        Assert.Empty(GeneratorHarness.Problems(withRuntime));
        Assert.Equal("MlpGen.INetwork<float>", Assert.Single(withRuntime.GetTypeByMetadataName("Demo.Net")!.AllInterfaces).ToDisplayString());
    }

    [Fact]
    public void SkipLocalsInit_OnlyWhereUnsafeCodeIsAllowed()
    {
        const string source = "[MlpGen.Network(4, 3, 2)] public partial class Net { }";
        (var safe, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source, allowUnsafe: false));
        (var @unsafe, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source, allowUnsafe: true));
        Assert.DoesNotContain("SkipLocalsInit]", safe.GeneratedSources.Single(s => s.HintName == "Net.g.cs").SourceText.ToString());
        Assert.Contains("SkipLocalsInit]", @unsafe.GeneratedSources.Single(s => s.HintName == "Net.g.cs").SourceText.ToString());
    }
}
