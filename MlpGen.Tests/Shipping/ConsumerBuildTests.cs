using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// What users get: a consumer project built by the SDK's own compiler (dotnet build) over bad
/// declarations, one for every diagnostic that source can trigger, beside a good network that the
/// project uses. Every ID is reported on the user's source, the generator never fails (no CS8785),
/// nothing is wrong inside a generated file, and the good network still gets its code.
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class ConsumerBuildTests
{
    private static readonly Regex DiagnosticLine = new(
        @"^(?:(?<file>[^\s(][^(\r\n]*)\((?<line>\d+),(?<column>\d+)\)|[^:\r\n]*?)\s*:\s*(?<severity>error|warning) (?<id>[A-Z]+[0-9]+):", RegexOptions.Multiline);

    /// <param name="Position">Where the diagnostic is: <c>File.cs(line,column)</c>, or empty for a diagnostic without a location.</param>
    private sealed record Reported(string File, string Severity, string Id, string Position, string Line);

    private static string Project(string languageVersion) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            {languageVersion}
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{Path.Combine(Repository.Root, "MlpGen.Generator", "MlpGen.Generator.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            <AdditionalFiles Include="**/*.mlpw" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>Every declaration, keyed by the file it goes into, with the ID it must raise (null: none).</summary>
    private static readonly (string File, string? Id, string Source)[] Declarations =
    {
        ("Good.cs", null, "namespace Consumer; [MlpGen.Network(2, 2, 1)] public partial class Good { } public static class UseGood { public static float Run() { System.Span<float> o = stackalloc float[1]; new Good(1).Predict(new float[2], o); return o[0]; } }"),
        ("Keywords.cs", null, "namespace @namespace { partial class @class { public static @class Make() => new @class(1); } [MlpGen.Network(2, 1)] partial class @class { } }"),
        ("Overload.cs", null, "namespace Consumer; [MlpGen.Network(2, 1)] public partial class Overloaded { public void Predict(float[] input) { } public Overloaded(string s) : this(1) { } }"),
        ("NotPartial.cs", "MLPG001", "[MlpGen.Network(2, 1)] public class NotPartial { }"),
        ("OneSize.cs", "MLPG002", "[MlpGen.Network(784)] public partial class OneSize { }"),
        ("ZeroSize.cs", "MLPG003", "[MlpGen.Network(2, 0, 1)] public partial class ZeroSize { }"),
        ("Huge.cs", "MLPG004", "[MlpGen.Network(784, 9000, 10)] public partial class Huge { }"),
        ("Generic.cs", "MLPG005", "[MlpGen.Network(2, 1)] public partial class Generic<T> { }"),
        ("Static.cs", "MLPG006", "[MlpGen.Network(2, 1)] public static partial class Static { }"),
        ("PartA.cs", null, "[MlpGen.Network(2, 1)] public partial class TwoParts { }"),
        ("PartB.cs", "MLPG007", "[MlpGen.Network(3, 1)] public partial class TwoParts { }"),
        ("SameFile.cs", null, "[MlpGen.Network(2, 1)] public partial class SameFile { } [MlpGen.Network(3, 1)] public partial class SameFile { }"),
        ("IntElements.cs", "MLPG008", "[MlpGen.Network(2, 1, ElementType = typeof(int))] public partial class IntElements { }"),
        ("Inner.cs", "MLPG009", "public class Outer { [MlpGen.Network(2, 1)] public partial class Inner { } }"),
        ("BadCost.cs", "MLPG010", "[MlpGen.Network(2, 1, Cost = (MlpGen.NetworkCost)7)] public partial class BadCost { }"),
        ("Missing.cs", "MLPG011", "[MlpGen.Network(2, 2, 1, Weights = \"missing.mlpw\")] public partial class Missing { }"),
        ("Mismatch.cs", "MLPG012", "[MlpGen.Network(3, 1, Weights = \"xor.mlpw\")] public partial class Mismatch { }"),
        ("Corrupt.cs", "MLPG013", "[MlpGen.Network(2, 2, 1, Weights = \"corrupt.mlpw\")] public partial class Corrupt { }"),
        ("Version.cs", "MLPG014", "[MlpGen.Network(2, 2, 1, Weights = \"v3.mlpw\")] public partial class Version3 { }"),
        // xor.mlpw is version 2, saved from a sigmoid network: baking it into a ReLU network is MLPG035.
        ("OtherActivations.cs", "MLPG035", "[MlpGen.Network(2, 2, 1, Hidden = MlpGen.NetworkActivation.ReLU, Weights = \"xor.mlpw\")] public partial class OtherActivations { }"),
        ("Ambiguous.cs", "MLPG015", "[MlpGen.Network(2, 2, 1, Weights = \"dup.mlpw\")] public partial class Ambiguous { }"),
        ("BadShape.cs", "MLPG016", "[MlpGen.Network(2, 1, CodeShape = (MlpGen.NetworkCodeShape)9)] public partial class BadShape { }"),
        ("Abstract.cs", "MLPG019", "[MlpGen.Network(2, 1)] public abstract partial class Abstract { }"),
        ("Primary.cs", "MLPG020", "[MlpGen.Network(2, 1)] public partial class Primary(int x) { public int X => x; }"),
        ("Positional.cs", "MLPG020", "[MlpGen.Network(2, 1)] public partial record Positional(int X);"),
        ("Derived.cs", "MLPG021", "public class NeedsArgs { public NeedsArgs(int x) { } } [MlpGen.Network(2, 1)] public partial class Derived : NeedsArgs { public Derived(string s) : base(1) { } }"),
        ("Clash.cs", "MLPG022", "[MlpGen.Network(2, 1)] public partial class Clash { public int InputSize = 3; }"),
        ("Predict.cs", "MLPG023", "[MlpGen.Network(2, 1)] public partial class Predict { }"),
        ("FileLocal.cs", "MLPG026", "[MlpGen.Network(2, 1)] file partial class FileLocal { }"),
        ("Activations.cs", null, "namespace Consumer; [MlpGen.Network(4, 8, 6, 3, HiddenLayers = new[] { MlpGen.NetworkActivation.LeakyReLU, MlpGen.NetworkActivation.Tanh }, Output = MlpGen.NetworkOutput.Softmax)] public partial class Mixed { } [MlpGen.Network(3, 9, 2, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity, ElementType = typeof(double))] public partial class Linear { } [MlpGen.Network(3, 2, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.Quadratic)] public partial class SoftQuadratic { } public static class UseActivations { public static int Run() => new Mixed(1).Classify(new float[4]) + new Linear(2).Classify(new double[3]) + new SoftQuadratic(3).Classify(new float[3]); }"),
        ("BadHidden.cs", "MLPG027", "[MlpGen.Network(2, 3, 1, Hidden = (MlpGen.NetworkActivation)7)] public partial class BadHidden { }"),
        ("BadOutput.cs", "MLPG028", "[MlpGen.Network(2, 1, Output = (MlpGen.NetworkOutput)5)] public partial class BadOutput { }"),
        ("HiddenCount.cs", "MLPG029", "[MlpGen.Network(2, 3, 1, HiddenLayers = new[] { MlpGen.NetworkActivation.ReLU, MlpGen.NetworkActivation.Tanh })] public partial class HiddenCount { }"),
        ("BadCombination.cs", "MLPG030", "[MlpGen.Network(2, 3, 2, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.CrossEntropy)] public partial class BadCombination { }"),
        ("SizedByOther.cs", "MLPG036", "[MlpGen.Network(3, 4, 2)] public partial class Sizer { } [MlpGen.Network(Sizer.OutputSize, 2)] public partial class SizedByOther { }"),
        // Before MLPG037: 13 CS0108 warnings inside DerivedNetwork's generated file.
        ("DerivedNetwork.cs", "MLPG037", "[MlpGen.Network(2, 2, 1)] public partial class BaseNetwork { } [MlpGen.Network(2, 3, 1)] public partial class DerivedNetwork : BaseNetwork { }"),
        ("SingleSoftmax.cs", "MLPG038", "[MlpGen.Network(2, 3, 1, Output = MlpGen.NetworkOutput.Softmax)] public partial class SingleSoftmax { }"),
    };

    private static void WriteWeights(TemporaryDirectory directory)
    {
        string xor = directory.File("xor.mlpw");
        WeightsFile.Save(xor, new Net2x2x1(1));
        string text = File.ReadAllText(xor);
        File.WriteAllText(directory.File("corrupt.mlpw"), "{ \"weights\": [] }");
        File.WriteAllText(directory.File("v3.mlpw"), text.Replace("MLPW 2", "MLPW 3"));
        Directory.CreateDirectory(directory.File("a"));
        Directory.CreateDirectory(directory.File("b"));
        File.WriteAllText(Path.Combine(directory.File("a"), "dup.mlpw"), text);
        File.WriteAllText(Path.Combine(directory.File("b"), "dup.mlpw"), text);
    }

    private static List<Reported> Build(TemporaryDirectory directory, out DotNetCli.Result result)
    {
        result = DotNetCli.Dotnet(directory.Path, null, "build", "Consumer.csproj", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        return DiagnosticLine.Matches(result.Output)
            .Select(m => new Reported(Path.GetFileName(m.Groups["file"].Value), m.Groups["severity"].Value, m.Groups["id"].Value,
                m.Groups["line"].Success ? $"{Path.GetFileName(m.Groups["file"].Value)}({m.Groups["line"].Value},{m.Groups["column"].Value})" : "", m.Value))
            .Distinct()
            .ToList();
    }

    private static void AssertNothingInGeneratedCode(List<Reported> reported, DotNetCli.Result result)
    {
        Assert.True(!result.Output.Contains("CS8785", StringComparison.Ordinal), "the generator failed:\n" + result.Output);
        Assert.True(!reported.Any(r => r.File.EndsWith(".g.cs", StringComparison.Ordinal) || r.File.EndsWith("EmbeddedAttribute.cs", StringComparison.Ordinal)),
            "a problem inside generated code:\n" + result.Output);
        Assert.True(!reported.Any(r => r.Id == "MLPG018"), "the generator failed internally:\n" + result.Output);
    }

    [Fact]
    public void BadDeclarations_EachReportTheirId_OnTheUsersFile_AndTheGoodNetworksStillCompile()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("Consumer.csproj"), Project(""));
        foreach (var (file, _, source) in Declarations) File.WriteAllText(directory.File(file), source);
        WriteWeights(directory);

        List<Reported> reported = Build(directory, out DotNetCli.Result result);
        AssertNothingInGeneratedCode(reported, result);
        Assert.True(!reported.Any(r => r.Id.StartsWith("CS", StringComparison.Ordinal) && r.Severity == "error"),
            "a compiler error (a good network lost its code?):\n" + result.Output);

        var expected = Declarations.Where(d => d.Id is not null).Select(d => (d.File, d.Id!)).Append(("SameFile.cs", "MLPG007")).OrderBy(x => x).ToArray();
        var actual = reported.Where(r => r.Id.StartsWith("MLPG", StringComparison.Ordinal)).Select(r => (r.File, r.Id)).Distinct().OrderBy(x => x).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"expected {string.Join(", ", expected)}\nreported {string.Join(", ", actual)}\n{result.Output}");
        Assert.All(reported.Where(r => r.Id.StartsWith("MLPG", StringComparison.Ordinal)), r => Assert.Equal("error", r.Severity));
        // Two parts with [Network]: one MLPG007, not one per part.
        Assert.Single(reported, r => r.Id == "MLPG007" && r.File is "PartA.cs" or "PartB.cs");
    }

    /// <summary>
    /// Issue 16: a network sized by another network's constant got no code and no diagnostic, so the user saw only
    /// CS0117/CS1729 where they used it. Now the SDK's build reports MLPG036 on the very argument as well.
    /// </summary>
    [Fact]
    public void NetworkSizedByAnotherNetworksConstant_ReportsMLPG036_OnTheArgument()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("Consumer.csproj"), Project(""));
        File.WriteAllText(directory.File("Head.cs"), """
            namespace Consumer;
            [MlpGen.Network(784, 30, 10)] public partial class Digits { }
            [MlpGen.Network(Digits.OutputSize, 5, 2)] public partial class Head { }
            public static class UseHead { public static int Run() => new Head(1).Classify(new float[Head.InputSize]); }
            """);

        List<Reported> reported = Build(directory, out DotNetCli.Result result);
        AssertNothingInGeneratedCode(reported, result);
        string[] positions = reported.Where(r => r.Id == "MLPG036").Select(r => r.Position).Distinct().ToArray();
        Assert.True(positions.SequenceEqual(new[] { "Head.cs(3,17)" }), "expected MLPG036 on the argument Digits.OutputSize:\n" + result.Output);
        Assert.Contains("'Digits.OutputSize'", result.Output);
        Assert.Contains("its value, 10,", result.Output);
        // Every other error is where the user's code uses the class that got no code.
        Assert.All(reported.Where(r => r.Severity == "error" && r.Id != "MLPG036"), r => Assert.StartsWith("Head.cs(4,", r.Position));
    }

    /// <summary>C# 9 (Unity's) and 10: the compatible shape builds with nothing to say but MLPG024, which is information (not printed by a build).</summary>
    [Theory]
    [InlineData("9")]
    [InlineData("10")]
    public void LangVersion9And10_BuildWithoutAnErrorOrAWarning(string version)
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("Consumer.csproj"), Project($"<LangVersion>{version}</LangVersion>"));
        File.WriteAllText(directory.File("Net.cs"), "namespace Consumer { [MlpGen.Network(784, 16, 10)] public partial class Net { } public static class Use { public static int Run() => new Net(1).Classify(new float[Net.InputSize]); } }");

        List<Reported> reported = Build(directory, out DotNetCli.Result result);
        AssertNothingInGeneratedCode(reported, result);
        Assert.True(result.ExitCode == 0 && reported.Count == 0, result.Output);
    }

    [Fact]
    public void LangVersion8_ReportsMLPG040_AndNothingElse()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("Consumer.csproj"), Project("<LangVersion>8</LangVersion>"));
        File.WriteAllText(directory.File("Net.cs"), "namespace Consumer { [MlpGen.Network(784, 16, 10)] public partial class Net { } }");

        List<Reported> reported = Build(directory, out DotNetCli.Result result);
        AssertNothingInGeneratedCode(reported, result);
        Reported only = Assert.Single(reported.Where(r => r.Severity == "error").Select(r => r with { Line = "" }).Distinct());
        Assert.Equal(("Net.cs", "MLPG040"), (only.File, only.Id));
        Assert.Contains("C# 9", result.Output);
    }
}
