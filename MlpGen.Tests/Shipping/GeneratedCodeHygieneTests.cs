using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// Generated code passes the strictest build a user can ask for, with the SDK's own compiler and analyzers
/// (dotnet build): every analyzer rule on (<c>AnalysisLevel=latest-all</c>), warnings as errors, the XML
/// documentation file, code style enforced. Security analyzers such as CA5394 look inside generated code on
/// purpose (the <c>// &lt;auto-generated/&gt;</c> header does not exclude it), so the generated code itself must
/// satisfy them. The consumer also declares what once broke the generated code (issue 16): a <c>required</c>
/// member, a type named <c>var</c>, a method named <c>nameof</c>, framework names in <c>MlpGen.Generated</c>.
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class GeneratedCodeHygieneTests
{
    private static readonly Regex DiagnosticLine = new(@"^.*\b(?:error|warning) [A-Z]+[0-9]+:.*$", RegexOptions.Multiline);

    private static string Project => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
            <AnalysisLevel>latest-all</AnalysisLevel>
            <EnforceCodeStyleInBuild>true</EnforceCodeStyleInBuild>
            <GenerateDocumentationFile>true</GenerateDocumentationFile>
            <WarningLevel>9999</WarningLevel>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{Path.Combine(Repository.Root, "MlpGen.Generator", "MlpGen.Generator.csproj")}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            <Reference Include="{typeof(INetwork<>).Assembly.Location}" />
            <AdditionalFiles Include="xor.mlpw" />
          </ItemGroup>
        </Project>
        """;

    // The user's files silence every warning of their own ('#pragma warning disable' with no list: lower-case type
    // names, types outside namespaces, ...), so that whatever the build reports comes from the generated files.
    private const string Networks = """
        #pragma warning disable
        namespace Consumer
        {
            [MlpGen.Network(784, 30, 10)]
            public sealed partial class Digits { }

            [MlpGen.Network(4, 8, 6, 3, HiddenLayers = new[] { MlpGen.NetworkActivation.LeakyReLU, MlpGen.NetworkActivation.Tanh }, Output = MlpGen.NetworkOutput.Softmax)]
            public partial class Mixed { }

            [MlpGen.Network(3, 9, 2, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Identity, ElementType = typeof(double))]
            public partial record Linear { }

            [MlpGen.Network(2, 2, 1, Weights = "xor.mlpw")]
            public partial class Xor { }

            [MlpGen.Network(3, 5, 2, CodeShape = MlpGen.NetworkCodeShape.UnrolledScalar, Cost = MlpGen.NetworkCost.CrossEntropy)]
            public partial class Unrolled { }

            public partial class Host<T>
            {
                [MlpGen.Network(5, 4, 3, ElementType = typeof(double))]
                internal sealed partial class Inner { }
            }
        }

        [MlpGen.Network(1, 1)]
        partial class InGlobalNamespace { }
        """;

    private static readonly string Hostile = """
        #pragma warning disable
        public class @var { }

        namespace Consumer
        {
            public class @var { }

            [MlpGen.Network(2, 2, 1)]
            public partial class Named
            {
                public required string Name { get; init; }
                private static int nameof(int value) => value;
            }
        }

        """ + ShadowingTypes.InMlpGenGenerated("internal class nuint { }");

    [Fact]
    public void StrictestBuild_ReportsNothingInGeneratedCode()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.File("Consumer.csproj"), Project);
        File.WriteAllText(directory.File("Networks.cs"), Networks);
        File.WriteAllText(directory.File("Hostile.cs"), Hostile);
        WeightsFile.Save(directory.File("xor.mlpw"), new Net2x2x1(1));

        DotNetCli.Result result = DotNetCli.Dotnet(directory.Path, null, "build", "Consumer.csproj", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");

        string[] reported = DiagnosticLine.Matches(result.Output).Select(m => m.Value.Trim()).Distinct().ToArray();
        Assert.True(reported.Length == 0, $"the build reported {reported.Length}:\n{string.Join("\n", reported.Take(40))}");
        result.Succeeded("dotnet build with AnalysisLevel=latest-all and warnings as errors");
    }
}
