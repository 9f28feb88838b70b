using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// MlpGen where .NET Framework and Mono (and Unity, whose scripting runtime is Mono) run: a netstandard2.0 class library
/// at C# 9 bakes the trained digit network, a .NET Framework 4.7.2 console app references it, and Debian's Mono runs
/// that app on the 2,000 test digits. The library is built twice, as the two kinds of user get it: with the
/// MlpGen.Generator package (its build targets embed the weights as a resource), and the way Unity uses the generator,
/// its DLL as a plain analyzer reference without any build targets (the weights become C# literals). Both must build
/// without a warning, give the same classes on Mono, and classify the digits as the same network does on .NET 10
/// (docs/hosts.md): exactly, but where rounding tips a near tie (<see cref="HostApps.NearTie"/>).
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class MonoBuildTests(PackageFeed packages, ITestOutputHelper log)
{
    /// <summary>A netstandard2.0 library at C# 9 with the network; <paramref name="generator"/> is its reference to the generator.</summary>
    private static string Library(string generator) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>netstandard2.0</TargetFramework>
            <LangVersion>9</LangVersion>
            <Nullable>enable</Nullable>
            <WarningLevel>9999</WarningLevel>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            {generator}
            <PackageReference Include="System.Memory" Version="4.5.5" />
            <AdditionalFiles Include="digits.mlpw" />
          </ItemGroup>
        </Project>
        """;

    private static string Network(string @namespace) => $$"""
        namespace {{@namespace}}
        {
            /// <summary>The digit network, trained on MNIST, its weights baked in.</summary>
            [MlpGen.Network(784, 16, 16, 10, Weights = "digits.mlpw")]
            public partial class Digits { }
        }
        """;

    private const string App = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net472</TargetFramework>
            <LangVersion>9</LangVersion>
            <Nullable>enable</Nullable>
            <WarningLevel>9999</WarningLevel>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="../Lib/Lib.csproj" />
            <ProjectReference Include="../UnityLib/UnityLib.csproj" />
            <PackageReference Include="Microsoft.NETFramework.ReferenceAssemblies" Version="1.0.3" PrivateAssets="all" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>The app: the classes of the test digits by both libraries' networks, the accuracy, and the runtime it ran on.</summary>
    private static string Program => """
        using System;
        using System.IO;
        using System.IO.Compression;
        using System.Reflection;
        using System.Text;

        float[][] images = ReadImages(args[0]);
        byte[] labels = ReadIdx(args[1], 8);
        var net = new Lib.Digits();
        var literals = new UnityLib.Digits();
        string classes = Classes(images, image => net.Classify(image));
        Type? mono = Type.GetType("Mono.Runtime");
        Console.WriteLine("runtime " + (mono is null ? ".NET Framework " + Environment.Version : "Mono " + mono.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null)));
        Console.WriteLine("classes " + classes);
        Console.WriteLine("literal weights' classes " + Classes(images, image => literals.Classify(image)));
        Console.WriteLine($"accuracy {Correct(classes, labels)} / {labels.Length}");

        """ + HostApps.ReadDigits;

    [Fact]
    public void NetStandard20Library_AtCSharp9_RunsOnMono_AndClassifiesTheDigitsAsNet10Does()
    {
        // Mono first: without it the test could only build, and a build alone proves nothing about running there.
        string? mono = OperatingSystem.IsWindows() ? null : Mono();
        Assert.True(OperatingSystem.IsWindows() || mono is not null, "Mono is not installed: install it (Debian/Ubuntu: apt-get install -y mono-complete) and run the tests again.");

        using var work = new TemporaryDirectory();
        var environment = HostApps.Environment(work);
        HostApps.WriteNuGetConfig(packages, work.Path);

        // With the package: its build targets run and embed the weights as a resource.
        string lib = Directory.CreateDirectory(work.File("Lib")).FullName;
        File.WriteAllText(Path.Combine(lib, "Lib.csproj"), Library($"""<PackageReference Include="MlpGen.Generator" Version="{PackageFeed.Version}" PrivateAssets="all" />"""));
        File.WriteAllText(Path.Combine(lib, "Digits.cs"), Network("Lib"));
        File.Copy(HostApps.Weights, Path.Combine(lib, "digits.mlpw"));

        // As Unity uses it: the generator's DLL from the package as an analyzer, no build targets.
        string unity = Directory.CreateDirectory(work.File("UnityLib")).FullName;
        string analyzer = ExtractGenerator(work.File("generator"));
        File.WriteAllText(Path.Combine(unity, "UnityLib.csproj"), Library($"""<Analyzer Include="{analyzer}" />"""));
        File.WriteAllText(Path.Combine(unity, "Digits.cs"), Network("UnityLib"));
        File.Copy(HostApps.Weights, Path.Combine(unity, "digits.mlpw"));

        string app = Directory.CreateDirectory(work.File("App")).FullName;
        File.WriteAllText(Path.Combine(app, "App.csproj"), App);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);

        DotNetCli.Result build = DotNetCli.Dotnet(app, environment, "build", "App.csproj", "-c", "Release", "--disable-build-servers", "-nodeReuse:false")
            .Succeeded("building the netstandard2.0 libraries and the net472 app");
        Assert.True(HostApps.Diagnostics(build.Output).Length == 0, "the build reported warnings:\n" + build.Output);

        string output = Path.Combine(app, "bin", "Release", "net472");
        Assert.Equal(["MlpGen.Weights/digits.mlpw"], AssemblyResources.Names(Path.Combine(output, "Lib.dll")));
        Assert.Empty(AssemblyResources.Names(Path.Combine(output, "UnityLib.dll")));
        Assert.Empty(Directory.GetFiles(output, "MlpGen*.dll"));

        string exe = Path.Combine(output, "App.exe");
        DotNetCli.Result run = mono is null
            ? DotNetCli.Run(exe, output, null, HostApps.DigitFiles)
            : DotNetCli.Run(mono, output, null, [exe, .. HostApps.DigitFiles]);
        run.Succeeded("the app");
        string runtime = HostApps.Line(run.Output, "runtime ");
        if (mono is not null) Assert.StartsWith("Mono ", runtime);

        string classes = HostApps.Line(run.Output, "classes ");
        Assert.Equal(classes, HostApps.Line(run.Output, "literal weights' classes "));
        int correct = HostApps.Correct(classes);
        Assert.Equal($"{correct} / {classes.Length}", HostApps.Line(run.Output, "accuracy "));

        var net10 = HostApps.Net10();
        var (agree, unexplained) = HostApps.Compare(classes, net10);
        log.WriteLine($"{runtime}: {agree} / {classes.Length} classes as on .NET 10; accuracy {correct} / {classes.Length} on {runtime}, {HostApps.Correct(net10.Classes)} / {classes.Length} on .NET 10.");
        Assert.True(unexplained.Count == 0, $"{runtime} and .NET 10 classify {unexplained.Count} digits differently where .NET 10's outputs are no near tie:\n{string.Join("\n", unexplained)}");
    }

    /// <summary>Mono's launcher on PATH, or null.</summary>
    private static string? Mono() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "mono")).FirstOrDefault(File.Exists);

    /// <summary>
    /// Copies the generator's DLL out of the packed package into <paramref name="directory"/>, as a Unity user copies it into
    /// Assets: the build for Roslyn 4.3 (Unity's compiler) where the package has one, else the package's only build.
    /// </summary>
    private string ExtractGenerator(string directory)
    {
        using ZipArchive package = ZipFile.OpenRead(packages.Package("MlpGen.Generator"));
        ZipArchiveEntry entry = package.GetEntry("analyzers/dotnet/roslyn4.3/cs/MlpGen.Generator.dll")
            ?? package.GetEntry("analyzers/dotnet/cs/MlpGen.Generator.dll")
            ?? throw new InvalidOperationException("the MlpGen.Generator package has no analyzers/dotnet/*/cs/MlpGen.Generator.dll");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "MlpGen.Generator.dll");
        entry.ExtractToFile(path);
        return path;
    }
}
