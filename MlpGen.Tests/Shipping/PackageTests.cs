using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// The NuGet packages, as a stranger gets them: packed from this checkout into a local folder feed,
/// restored offline by brand-new projects outside the solution. One project trains with the MlpGen
/// package and saves its weights; another references only MlpGen.Generator, bakes those weights in,
/// and must predict exactly what the trained network predicted.
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class PackageTests(PackageFeed packages)
{
    private static string Version => PackageFeed.Version;

    [Fact]
    public void PackedPackages_InstallOffline_TrainSaveBakeAndPredict()
    {
        using var work = new TemporaryDirectory();
        string feed = packages.Directory;
        CheckPackages(feed);

        // Restores go to a private package folder, so a stale 0.1.0 from an earlier run can never be used.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = work.File("packages") };
        packages.WriteNuGetConfig(work.Path);

        // 1. Train with the MlpGen package (runtime + generator), save the weights.
        string trainer = Directory.CreateDirectory(work.File("Trainer")).FullName;
        File.WriteAllText(Path.Combine(trainer, "Trainer.csproj"), Project("MlpGen", ""));
        File.WriteAllText(Path.Combine(trainer, "Program.cs"), """
            using System;
            using System.Linq;
            using MlpGen;
            using MlpGen.Data;
            using MlpGen.Persistence;
            using MlpGen.Training;

            var train = Mnist.Load(args[0], MnistSplit.Train).Slice(0, 4000);
            var test = Mnist.Load(args[0], MnistSplit.Test);
            var net = new Digits(seed: 1);
            Sgd.Train(net, train, new SgdOptions { Epochs = 3, MiniBatchSize = 10, Eta = 3.0, Seed = 1 });
            WeightsFile.Save(args[1], net);
            Console.WriteLine($"accuracy {Evaluation.CountCorrect(net, test)} / {test.Count}");
            Console.WriteLine("classes " + string.Concat(Enumerable.Range(0, 200).Select(i => net.Classify(test.Input(i)))));

            [Network(784, 16, 10)]
            partial class Digits { }
            """);
        DotNetCli.Dotnet(trainer, environment, "build", "-c", "Release", "--disable-build-servers").Succeeded("building the trainer");
        string weights = work.File("digits.mlpw");
        string[] trained = Lines(DotNetCli.Dotnet(trainer, environment, "run", "--no-build", "-c", "Release", "--", TestData.MnistDirectory, weights).Succeeded("the trainer"));
        int correct = int.Parse(trained.Single(l => l.StartsWith("accuracy ")).Split(' ')[1]);
        Assert.True(correct > TestData.Test.Count * 0.6, $"three epochs on 4,000 digits learn far above chance (10 %), at least 60 %: {string.Join("\n", trained)}");

        // 2. Bake the weights into an app that references only MlpGen.Generator.
        string app = Directory.CreateDirectory(work.File("App")).FullName;
        File.Copy(weights, Path.Combine(app, "digits.mlpw"));
        File.WriteAllText(Path.Combine(app, "App.csproj"), Project("MlpGen.Generator", """<AdditionalFiles Include="digits.mlpw" />""",
            "<EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>"));
        File.WriteAllText(Path.Combine(app, "Program.cs"), $$"""
            using System;
            using System.IO;
            using System.IO.Compression;
            using System.Linq;
            using MlpGen;

            // Test images, raw pixels / 255, read without MlpGen.
            using var file = File.OpenRead(args[0]);
            using Stream stream = args[0].EndsWith(".gz") ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            byte[] pixels = memory.ToArray()[16..];
            var net = new Digits();
            Console.WriteLine("classes " + string.Concat(Enumerable.Range(0, 200).Select(i =>
                net.Classify(pixels.AsSpan(i * 784, 784).ToArray().Select(p => p / 255f).ToArray()))));

            [Network(784, 16, 10, Weights = "digits.mlpw")]
            partial class Digits { }
            """);
        DotNetCli.Dotnet(app, environment, "build", "-c", "Release", "--disable-build-servers").Succeeded("building the app");
        string[] baked = Lines(DotNetCli.Dotnet(app, environment, "run", "--no-build", "-c", "Release", "--", TestData.MnistFile(Mnist.FileNames(MnistSplit.Test).Images)).Succeeded("the app"));

        Assert.Equal(trained.Single(l => l.StartsWith("classes ")), baked.Single(l => l.StartsWith("classes ")));
        // This SDK's compiler (Roslyn 5) ran the generator's Roslyn 4.14 build, and only it: the EmbeddedAttribute
        // definition is that build's alone (the Roslyn 4.3 build has none), and two builds would have defined every type twice.
        string generated = Path.Combine(app, "obj", "Release", "net10.0", "generated", "MlpGen.Generator", "MlpGen.Generator.NetworkGenerator");
        Assert.True(File.Exists(Path.Combine(generated, "Microsoft.CodeAnalysis.EmbeddedAttribute.cs")), $"no EmbeddedAttribute.cs in {generated}");
        string appOutput = Path.Combine(app, "bin", "Release", "net10.0");
        // The package's build targets baked the weights as data: a resource, not C# literals.
        Assert.Equal(new[] { "MlpGen.Weights/digits.mlpw" }, AssemblyResources.Names(Path.Combine(appOutput, "App.dll")));
        Assert.Empty(Directory.GetFiles(appOutput, "MlpGen*.dll"));
        Assert.Contains("MlpGen.Runtime.dll", Directory.GetFiles(Path.Combine(trainer, "bin", "Release", "net10.0")).Select(Path.GetFileName));
    }

    private static string Project(string package, string extraItems, string extraProperties = "") => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            {extraProperties}
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="{package}" Version="{Version}" />
            {extraItems}
          </ItemGroup>
        </Project>
        """;

    private static string[] Lines(DotNetCli.Result result) => result.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What each package holds: the generator's two builds under analyzers/ (not lib/), the runtime under lib/, the package README, licence, repository, symbols.</summary>
    private static void CheckPackages(string feed)
    {
        using (ZipArchive generator = ZipFile.OpenRead(Path.Combine(feed, $"MlpGen.Generator.{Version}.nupkg")))
        {
            string[] entries = generator.Entries.Select(e => e.FullName).ToArray();
            // Two builds of the generator: against Roslyn 4.3 for compilers 4.3 to 4.13 (Unity), against 4.14 for the newer ones.
            Assert.Equal(new[] { "analyzers/dotnet/roslyn4.14/cs/MlpGen.Generator.dll", "analyzers/dotnet/roslyn4.3/cs/MlpGen.Generator.dll" },
                entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            // Each loads in the compilers of its folder: it references no Roslyn newer than the folder names (4.3.1's assemblies are 4.3.0.0).
            foreach ((string folder, Version roslyn) in new[] { ("roslyn4.3", new Version(4, 3, 0, 0)), ("roslyn4.14", new Version(4, 14, 0, 0)) })
            {
                using Stream dll = generator.GetEntry($"analyzers/dotnet/{folder}/cs/MlpGen.Generator.dll")!.Open();
                using var image = new MemoryStream();
                dll.CopyTo(image);
                image.Position = 0;
                var references = AssemblyReferences.Of(image);
                Assert.Equal(roslyn, Assert.Single(references, r => r.Name == "Microsoft.CodeAnalysis").Version);
                Assert.All(references, r => Assert.True(r.Name is "netstandard" or "System.Collections.Immutable" || r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal),
                    $"the {folder} build of the generator references {r.Name}, which no compiler provides"));
            }
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal));
            // The build targets that bake weights as resources, for direct and transitive users, and their task (MSBuild brings its own MSBuild assemblies).
            Assert.Contains("build/MlpGen.Generator.targets", entries);
            Assert.Contains("buildTransitive/MlpGen.Generator.targets", entries);
            Assert.Contains("tasks/netstandard2.0/MlpGen.Generator.Tasks.dll", entries);
            Assert.DoesNotContain(entries, e => e.Contains("Microsoft.Build", StringComparison.Ordinal));
            XElement metadata = Metadata(generator, "MlpGen.Generator.nuspec");
            CheckMetadata(metadata);
            CheckReadme(generator);
        }
        using (ZipArchive runtime = ZipFile.OpenRead(Path.Combine(feed, $"MlpGen.{Version}.nupkg")))
        {
            string[] entries = runtime.Entries.Select(e => e.FullName).ToArray();
            // For .NET 10 and for .NET 8 hosts (docs/hosts.md).
            foreach (string framework in new[] { "net10.0", "net8.0" })
            {
                Assert.Contains($"lib/{framework}/MlpGen.Runtime.dll", entries);
                Assert.Contains($"lib/{framework}/MlpGen.Runtime.xml", entries);
            }
            Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal) || e.EndsWith("MlpGen.Generator.dll", StringComparison.Ordinal));
            XElement metadata = Metadata(runtime, "MlpGen.nuspec");
            CheckMetadata(metadata);
            CheckReadme(runtime);
            // One dependency group per target framework, each with the generator alone, its analyzer included.
            XElement[] groups = metadata.Descendants().Where(e => e.Name.LocalName == "group").ToArray();
            Assert.Equal(new[] { "net10.0", "net8.0" }, groups.Select(g => (string?)g.Attribute("targetFramework")).Order());
            foreach (XElement group in groups)
            {
                XElement dependency = Assert.Single(group.Elements(), e => e.Name.LocalName == "dependency");
                Assert.Equal("MlpGen.Generator", (string?)dependency.Attribute("id"));
                Assert.Equal(Version, (string?)dependency.Attribute("version"));
                Assert.Contains("Analyzers", (string?)dependency.Attribute("include") ?? "");
                Assert.DoesNotContain("Analyzers", (string?)dependency.Attribute("exclude") ?? "");
            }
        }
        using (ZipArchive symbols = ZipFile.OpenRead(Path.Combine(feed, $"MlpGen.{Version}.snupkg")))
        {
            Assert.Contains("lib/net10.0/MlpGen.Runtime.pdb", symbols.Entries.Select(e => e.FullName));
            Assert.Contains("lib/net8.0/MlpGen.Runtime.pdb", symbols.Entries.Select(e => e.FullName));
        }
    }

    private static XElement Metadata(ZipArchive package, string nuspec)
    {
        using Stream stream = package.GetEntry(nuspec)!.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    /// <summary>The package's README is the short package README (docs/package-readme.md), not the repository's front door.</summary>
    private static void CheckReadme(ZipArchive package)
    {
        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());
        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "docs", "package-readme.md")), reader.ReadToEnd());
    }

    private static void CheckMetadata(XElement metadata)
    {
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
    }
}
