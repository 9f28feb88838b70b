using System.Linq;
using Microsoft.CodeAnalysis;
using MlpGen.Generator.Model;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// The list of members the generator adds (GeneratedMembers, which the parser's conflict check reads)
/// is exactly what the emitter declares in the user's partial class, so that the two cannot drift apart.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class GeneratedMembersTests
{
    [Theory]
    [InlineData("2, 1", "float", false)]
    [InlineData("3, 4, 5, 2", "float", false)]
    [InlineData("3, 4, 5, 2", "double", false)]
    [InlineData("2, 2, 1", "float", true)]
    public void TheListEqualsTheMembersTheGeneratedPartialDeclares(string sizes, string element, bool baked)
    {
        string weights = baked ? ", Weights = \"xor.mlpw\"" : "";
        string source = $"namespace Demo; [MlpGen.Network({sizes}, ElementType = typeof({element}){weights})] public partial class Net {{ }}";
        AdditionalText[] files = baked ? new AdditionalText[] { XorWeights() } : System.Array.Empty<AdditionalText>();
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source), files);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));

        INamedTypeSymbol type = output.GetTypeByMetadataName("Demo.Net")!;
        string[] declared = type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.Locations.Any(l => l.SourceTree?.FilePath.EndsWith(".g.cs") == true))
            .Where(m => m is not IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.ExplicitInterfaceImplementation })
            .Where(m => m is not IPropertySymbol { ExplicitInterfaceImplementations.Length: > 0 })
            .Select(Describe)
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToArray();
        int layers = sizes.Split(',').Length;
        string[] listed = GeneratedMembers.For(layers, baked, "Net")
            .Select(g => $"{g.Kind} {g.Name}({string.Join(", ", g.Parameters(element))})")
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(listed, declared);
    }

    /// <summary>
    /// An int8 network (a baked int8 file) declares fewer members than a float one (no training, no parameter storage), and
    /// each of them is in the list the parser reserves for a baked network (its name and signature), so that no user member
    /// can clash with one: the parser cannot know the file's element type, and reserves the float network's members.
    /// </summary>
    [Fact]
    public void AnInt8Network_DeclaresOnlyMembersOfTheBakedList()
    {
        var weights = new MlpGen.Persistence.NetworkWeights([3, 4, 2], [MlpGen.ActivationFunction.ReLU, MlpGen.ActivationFunction.Softmax], MlpGen.CostFunction.LogLikelihood,
            MlpGen.Persistence.WeightsElement.Float32, [.. Enumerable.Range(0, 26).Select(i => (i % 7 - 3) / 4.0)]);
        using var directory = new TemporaryDirectory();
        string path = directory.File("q.mlpw");
        MlpGen.Persistence.WeightsFile.Write(path, MlpGen.Quantization.Quantizer.Quantize(weights, [0.1f, 0.5f, 0.9f]));
        string source = "namespace Demo; [MlpGen.Network(3, 4, 2, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax, "
            + "Cost = MlpGen.NetworkCost.LogLikelihood, Weights = \"q.mlpw\")] public partial class Net { }";
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source), new InMemoryAdditionalText("/src/q.mlpw", System.IO.File.ReadAllText(path)));
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        INamedTypeSymbol type = output.GetTypeByMetadataName("Demo.Net")!;
        string[] declared = type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.Locations.Any(l => l.SourceTree?.FilePath.EndsWith(".g.cs") == true))
            .Where(m => m is not IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet })
            .Select(m => m is IPropertySymbol or IFieldSymbol ? $"{m.Name}" : Describe(m))
            .ToArray();
        string[] listed = GeneratedMembers.For(3, baked: true, "Net")
            .SelectMany(g => new[] { g.Name, $"{g.Kind} {g.Name}({string.Join(", ", g.Parameters("float"))})" })
            .ToArray();
        Assert.Contains("BakedParameters", declared);
        Assert.All(declared, member => Assert.Contains(member, listed));
        Assert.DoesNotContain("Method TrainMiniBatch(global::System.ReadOnlySpan<float>, global::System.ReadOnlySpan<float>, float)", declared);
    }

    private static string Describe(ISymbol member)
    {
        GeneratedMemberKind kind = member switch
        {
            IFieldSymbol { IsConst: true } => GeneratedMemberKind.Constant,
            IFieldSymbol => GeneratedMemberKind.Field,
            IPropertySymbol => GeneratedMemberKind.Property,
            IMethodSymbol { MethodKind: MethodKind.Constructor } => GeneratedMemberKind.Constructor,
            IMethodSymbol { MethodKind: MethodKind.Ordinary } => GeneratedMemberKind.Method,
            _ => throw new Xunit.Sdk.XunitException($"the generated partial declares {member.Kind} {member}, which GeneratedMembers cannot describe"),
        };
        string name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? member.ContainingType.Name : member.Name;
        string parameters = member is IMethodSymbol method
            ? string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)))
            : "";
        return $"{kind} {name}({parameters})";
    }

    private static AdditionalText XorWeights()
    {
        var network = new MlpGen.Tests.Numerics.Net2x2x1(1);
        using var directory = new TemporaryDirectory();
        string path = directory.File("xor.mlpw");
        MlpGen.Persistence.WeightsFile.Save(path, network);
        return new InMemoryAdditionalText("/src/xor.mlpw", System.IO.File.ReadAllText(path));
    }
}
