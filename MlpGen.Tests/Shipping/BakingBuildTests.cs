using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// How a build bakes weights, chosen by the build itself (docs/shipping.md, "How baking works"): an app outside the
/// repository, built by <c>dotnet build</c>, bakes a 79,510-parameter weights file. With MlpGen.Generator's build
/// targets the parameters become an embedded resource, decoded again whenever the file changes; without them (a plain
/// project reference to the generator, no targets) they are C# literals and MLPG039 says how to switch. Either way the
/// app predicts bit for bit what the runtime predicts from the same file. (The package's own path: <see cref="PackageTests"/>.)
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class BakingBuildTests
{
    private static string Generator => Path.Combine(Repository.Root, "MlpGen.Generator", "MlpGen.Generator.csproj");

    /// <summary>The package's targets, imported as a project that references the generator as a project must (Directory.Build.targets does here).</summary>
    private static string WithTargets => $"""
        <PropertyGroup>
          <MlpGenTasksAssembly>{Path.Combine(Repository.Root, "MlpGen.Generator.Tasks", "bin", "Release", "netstandard2.0", "MlpGen.Generator.Tasks.dll")}</MlpGenTasksAssembly>
          <MlpGenTasksOutOfProcess>true</MlpGenTasksOutOfProcess>
        </PropertyGroup>
        <Import Project="{Path.Combine(Repository.Root, "MlpGen.Generator", "build", "MlpGen.Generator.targets")}" />
        """;

    private static string Project(string extra) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{Generator}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" GlobalPropertiesToRemove="RuntimeIdentifier;SelfContained;PublishTrimmed;PublishSingleFile" />
            <AdditionalFiles Include="model.mlpw" />
          </ItemGroup>
          {extra}
        </Project>
        """;

    /// <summary>The app: the outputs of 20 fixed inputs, as the bits of each float.</summary>
    private const string Program = """
        using System;
        using System.Linq;

        var model = new Model();
        var input = new float[Model.InputSize];
        var output = new float[Model.OutputSize];
        for (int sample = 0; sample < 20; sample++)
        {
            for (int i = 0; i < input.Length; i++) input[i] = (i * 37 + sample * 11) % 101 / 101f;
            model.Predict(input, output);
            Console.WriteLine(string.Join(" ", output.Select(o => BitConverter.SingleToInt32Bits(o).ToString("x8"))));
        }

        [MlpGen.Network(784, 100, 10, Weights = "model.mlpw")]
        public partial class Model { }
        """;

    /// <summary>Saves a 784-100-10 network of <paramref name="seed"/> as the app's model.mlpw; returns the lines the app must print, computed with the runtime loading that file.</summary>
    private static string[] WriteModel(TemporaryDirectory app, int seed)
    {
        WeightsFile.Save(app.File("model.mlpw"), new Net784x100x10(seed));
        var loaded = new Net784x100x10(seed: 99);
        WeightsFile.Load(app.File("model.mlpw"), loaded);
        var input = new float[784];
        var output = new float[10];
        return Enumerable.Range(0, 20).Select(sample =>
        {
            for (int i = 0; i < input.Length; i++) input[i] = (i * 37 + sample * 11) % 101 / 101f;
            loaded.Predict(input, output);
            return string.Join(" ", output.Select(o => BitConverter.SingleToInt32Bits(o).ToString("x8")));
        }).ToArray();
    }

    private static DotNetCli.Result Build(TemporaryDirectory app, string verbosity = "minimal") =>
        DotNetCli.Dotnet(app.Path, null, "build", "App.csproj", "-c", "Release", "--disable-build-servers", "-nodeReuse:false", "-v:" + verbosity);

    private static string[] Run(TemporaryDirectory app) =>
        DotNetCli.Dotnet(app.Path, null, app.File(Path.Combine("bin", "Release", "net10.0", "App.dll"))).Succeeded("the app")
            .Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string Assembly(TemporaryDirectory app) => app.File(Path.Combine("bin", "Release", "net10.0", "App.dll"));

    [Fact]
    public void WithoutTheTargets_TheWeightsAreBakedAsLiterals_AndMLPG039SaysHowToSwitch()
    {
        using var app = new TemporaryDirectory();
        string[] expected = WriteModel(app, seed: 3);
        File.WriteAllText(app.File("App.csproj"), Project(""));
        File.WriteAllText(app.File("Program.cs"), Program);

        // Info diagnostics show in the IDE, and on the command line from the detailed verbosity on.
        DotNetCli.Result build = Build(app, "detailed").Succeeded("dotnet build");
        Assert.Contains("info MLPG039", build.Output);
        Assert.Contains("'model.mlpw' is baked into 'Model' as 79,510 C# literals", build.Output);
        Assert.Empty(AssemblyResources.Names(Assembly(app)));
        Assert.Equal(expected, Run(app));
    }

    /// <summary>
    /// File names that the editorconfig the generator reads would cut (a # starts a comment there) are embedded under a
    /// name of safe characters; two files that come to one name are a build error, not one file's bytes for both.
    /// </summary>
    [Fact]
    public void WithTheTargets_AnyFileName_GetsAResourceOfItsOwn_OrABuildErrorNamingBothFiles()
    {
        using var app = new TemporaryDirectory();
        string[] expected = WriteModel(app, seed: 5);
        File.Move(app.File("model.mlpw"), app.File("net#2.mlpw"));
        File.WriteAllText(app.File("App.csproj"), Project(WithTargets).Replace("\"model.mlpw\"", "\"net#2.mlpw\""));
        File.WriteAllText(app.File("Program.cs"), Program.Replace("Weights = \"model.mlpw\"", "Weights = \"net#2.mlpw\""));
        Build(app).Succeeded("dotnet build");
        Assert.Equal(new[] { "MlpGen.Weights/net_2.mlpw" }, AssemblyResources.Names(Assembly(app)));
        Assert.Equal(expected, Run(app));

        // "net 2.mlpw" comes to the same name: the build stops and names both files.
        File.Copy(app.File("net#2.mlpw"), app.File("net 2.mlpw"));
        File.WriteAllText(app.File("App.csproj"), Project(WithTargets).Replace("\"model.mlpw\"", "\"net#2.mlpw;net 2.mlpw\""));
        DotNetCli.Result clash = Build(app);
        Assert.NotEqual(0, clash.ExitCode);
        Assert.Contains("would both be embedded as the resource 'MlpGen.Weights/net_2.mlpw'", clash.Output);
        Assert.Contains("net#2.mlpw", clash.Output);
        Assert.Contains("net 2.mlpw", clash.Output);
    }

    [Fact]
    public void WithTheTargets_TheWeightsAreAResource_DecodedAgainWhenTheFileChanges_AndPublishedAsASingleTrimmedFile()
    {
        using var app = new TemporaryDirectory();
        string[] first = WriteModel(app, seed: 3);
        File.WriteAllText(app.File("App.csproj"), Project(WithTargets));
        File.WriteAllText(app.File("Program.cs"), Program);

        DotNetCli.Result build = Build(app, "detailed").Succeeded("dotnet build");
        Assert.DoesNotContain("MLPG039", build.Output);
        Assert.Equal(new[] { "MlpGen.Weights/model.mlpw" }, AssemblyResources.Names(Assembly(app)));
        Assert.Equal(79_510 * sizeof(float), new FileInfo(app.File(Path.Combine("obj", "Release", "net10.0", "mlpgen", "model_mlpw.bin"))).Length);
        Assert.Equal(first, Run(app));

        // Other weights in the same file: the next build decodes them again.
        string[] second = WriteModel(app, seed: 4);
        Assert.NotEqual(first, second);
        Build(app).Succeeded("dotnet build after the weights changed");
        Assert.Equal(second, Run(app));

        // A corrupt file: the compiler reports it on the attribute (MLPG013), and no stale resource is left to embed.
        string[] lines = File.ReadAllLines(app.File("model.mlpw"));
        int data = Array.IndexOf(lines, "data") + 1;
        lines[data] = (lines[data][0] == 'A' ? "B" : "A") + lines[data][1..];
        File.WriteAllText(app.File("model.mlpw"), string.Join("\n", lines) + "\n");
        DotNetCli.Result corrupt = Build(app);
        Assert.NotEqual(0, corrupt.ExitCode);
        Assert.Contains("error MLPG013", corrupt.Output);
        Assert.Contains("checksum mismatch", corrupt.Output);
        Assert.False(File.Exists(app.File(Path.Combine("obj", "Release", "net10.0", "mlpgen", "model_mlpw.bin"))), "the corrupt file's stale binary is still there");

        // Trimmed, in one file, self-contained: the resource goes along. (Set in the project: a global PublishTrimmed would
        // reach the generator's own build, which is a compiler plug-in for netstandard2.0.)
        string[] third = WriteModel(app, seed: 5);
        File.WriteAllText(app.File("App.csproj"), Project(WithTargets + "<PropertyGroup><PublishSingleFile>true</PublishSingleFile><PublishTrimmed>true</PublishTrimmed></PropertyGroup>"));
        using var published = new TemporaryDirectory();
        DotNetCli.Dotnet(app.Path, null, "publish", "App.csproj", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained",
            "-o", published.Path, "--disable-build-servers", "-nodeReuse:false").Succeeded("dotnet publish (single file, trimmed)");
        Assert.DoesNotContain(Directory.GetFiles(published.Path), f => f.EndsWith(".dll", StringComparison.Ordinal));
        string[] singleFile = DotNetCli.Run(published.File(OperatingSystem.IsWindows() ? "App.exe" : "App"), published.Path, null).Succeeded("the single-file app")
            .Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(third, singleFile);
    }
}
