using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// "Start in one command": the template package as a stranger gets it. Packed from this checkout beside the MlpGen
/// packages, installed from that local feed with <c>dotnet new install MlpGen.Templates</c> into a private template hive
/// (the machine's own templates are not touched), instantiated with <c>dotnet new mlpgen</c>, restored offline from the local feed, built with warnings as
/// errors, and run on real digits: it prints one line per epoch and saves its weights; the next build bakes them in.
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public partial class TemplateTests(PackageFeed packages)
{
    private static string Version => PackageFeed.Version;

    [GeneratedRegex(@"^Epoch (?<epoch>\d+): (?<correct>\d+) / (?<total>\d+) test images right", RegexOptions.Multiline)]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"^Baked into this build \(the network saved before it\): (?<correct>\d+) / (?<total>\d+) test images right", RegexOptions.Multiline)]
    private static partial Regex BakedLine();

    [GeneratedRegex(@"\bwarning [A-Z]+[0-9]+\b")]
    private static partial Regex Warning();

    [Fact]
    public void DotnetNewMlpgen_CreatesAProject_ThatBuildsOffline_TrainsAnEpochAtATime_SavesAndBakes()
    {
        using var work = new TemporaryDirectory();
        string package = packages.Package("MlpGen.Templates");
        CheckTemplatePackage(package);
        Assert.True(File.Exists(packages.Package("MlpGen")), $"the template names MlpGen {Version}, which must be packed beside it");

        // Restores go to a private package folder, from the local feed only; templates go to a private hive.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = work.File("packages") };
        packages.WriteNuGetConfig(work.Path);
        string hive = work.File("hive");
        // Installed by name, as the README says, from the feed the work folder's nuget.config names.
        DotNetCli.Result installed = DotNetCli.Dotnet(work.Path, environment, "new", "install", $"MlpGen.Templates::{Version}", "--debug:custom-hive", hive)
            .Succeeded("dotnet new install");
        Assert.Contains($"MlpGen.Templates@{Version}", installed.Output);
        Assert.Contains("mlpgen", installed.Output);

        // 1. Create: the project follows -n, the options change the network and the epochs, the version is the packed one.
        DotNetCli.Dotnet(work.Path, environment, "new", "mlpgen", "-n", "Digits", "-o", "Digits", "--hidden", "30", "--epochs", "2",
            "--no-update-check", "--debug:custom-hive", hive).Succeeded("dotnet new mlpgen");
        string project = work.File("Digits");
        Assert.Equal(new[] { "Digits.csproj", "Program.cs", "README.md" }, Directory.GetFileSystemEntries(project).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        XElement reference = XDocument.Load(Path.Combine(project, "Digits.csproj")).Descendants("PackageReference").Single();
        Assert.Equal(("MlpGen", Version), ((string?)reference.Attribute("Include"), (string?)reference.Attribute("Version")));
        string program = File.ReadAllText(Path.Combine(project, "Program.cs"));
        Assert.Equal(2, Regex.Matches(program, Regex.Escape("[Network(784, 30, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax")).Count);
        Assert.Contains("Epochs = 2,", program);
        Assert.Contains("#if BAKED", program);          // C#'s own conditional, kept by the template engine
        Assert.DoesNotContain(":cnd", program);         // and the marker that told it so, left out
        string readme = File.ReadAllText(Path.Combine(project, "README.md"));
        Assert.StartsWith("# Digits\n", readme.Replace("\r\n", "\n"));
        Assert.Contains("784-30-10", readme);
        Assert.Contains($"<PackageReference Include=\"MlpGen.Generator\" Version=\"{Version}\" />", readme);

        // 2. Build offline, with no warning.
        Build(project, environment, "the created project");

        // 3. Run from the folder above: one line per epoch as it ends, and digits.mlpw saved in the project's folder.
        string[] first = Run(work.Path, environment);
        Match[] epochs = first.Select(l => EpochLine().Match(l)).Where(m => m.Success).ToArray();
        Assert.True(epochs.Length == 2, "expected two epoch lines:\n" + string.Join("\n", first));
        Assert.Equal(new[] { "0", "1" }, epochs.Select(m => m.Groups["epoch"].Value));
        Assert.All(epochs, m => Assert.Equal(TestData.Test.Count, int.Parse(m.Groups["total"].Value)));
        int trained = int.Parse(epochs[^1].Groups["correct"].Value);
        Assert.True(int.Parse(epochs[0].Groups["correct"].Value) > TestData.Test.Count * 0.8,
            "one epoch of Adam on the training digits reads far above chance (10 %), above 80 %:\n" + string.Join("\n", first));
        Assert.DoesNotContain(first, l => BakedLine().IsMatch(l));
        string weights = Path.Combine(project, "digits.mlpw");
        Assert.True(File.Exists(weights), "digits.mlpw is saved beside the project (dotnet run starts it there):\n" + string.Join("\n", first));
        Assert.False(File.Exists(work.File("digits.mlpw")));
        NetworkWeights saved = WeightsFile.Read(weights);
        Assert.Equal(new[] { 784, 30, 10 }, saved.LayerSizes);

        // 4. Build again: the weights are baked into the program, as data, and the baked network is the one saved.
        Build(project, environment, "the project with digits.mlpw");
        Assert.Equal(new[] { "MlpGen.Weights/digits.mlpw" }, AssemblyResources.Names(Path.Combine(project, "bin", "Release", "net10.0", "Digits.dll")));
        string[] second = Run(work.Path, environment);
        Match baked = second.Select(l => BakedLine().Match(l)).Single(m => m.Success);
        Assert.Equal(trained, int.Parse(baked.Groups["correct"].Value));
        Assert.Equal(epochs.Select(m => m.Value), second.Select(l => EpochLine().Match(l)).Where(m => m.Success).Select(m => m.Value));
    }

    private static void Build(string project, Dictionary<string, string> environment, string what)
    {
        DotNetCli.Result built = DotNetCli.Dotnet(project, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false",
            "-p:TreatWarningsAsErrors=true").Succeeded($"building {what}");
        Assert.False(Warning().IsMatch(built.Output), $"building {what} warned:\n{built.Output}");
    }

    private static string[] Run(string directory, Dictionary<string, string> environment) =>
        DotNetCli.Dotnet(directory, environment, "run", "--no-build", "-c", "Release", "--project", "Digits", "--", TestData.MnistDirectory)
            .Succeeded("the created project").Output
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The template package: the template and its files under content/, no assembly, no dependency, and a template.json
    /// whose MlpGen version is the packed version, written by dotnet pack.
    /// </summary>
    private static void CheckTemplatePackage(string path)
    {
        using ZipArchive package = ZipFile.OpenRead(path);
        string[] entries = package.Entries.Select(e => e.FullName).ToArray();
        string[] content = entries.Where(e => e.StartsWith("content/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[]
        {
            "content/mlpgen/.template.config/template.json",
            "content/mlpgen/MlpGenApp.csproj",
            "content/mlpgen/Program.cs",
            "content/mlpgen/README.md",
        }, content);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.EndsWith(".dll", StringComparison.Ordinal));
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "docs", "package-readme.md")), readme.ReadToEnd());
        }

        using (Stream nuspec = package.GetEntry("MlpGen.Templates.nuspec")!.Open())
        {
            XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            Assert.Equal("Template", (string?)metadata.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name"));
            Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        }
        using (Stream json = package.GetEntry("content/mlpgen/.template.config/template.json")!.Open())
        {
            JsonElement template = JsonDocument.Parse(json).RootElement;
            Assert.Equal("mlpgen", template.GetProperty("shortName").GetString());
            JsonElement version = template.GetProperty("symbols").GetProperty("MlpGenVersion");
            Assert.Equal(Version, version.GetProperty("parameters").GetProperty("value").GetString());
        }
    }
}
