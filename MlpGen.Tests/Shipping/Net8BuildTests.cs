using System;
using System.IO;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// MlpGen on .NET 8 (Godot 4's .NET, and apps on the LTS release): a net8.0 app with the MlpGen package (the runtime's
/// net8.0 build and the generator) bakes the trained digit network and trains another one at run time, and must build
/// without a warning. No .NET 8 runtime is installed here, so the app runs rolled forward to the installed one
/// (DOTNET_ROLL_FORWARD=Major): the code is .NET 8's, compiled against .NET 8's reference assemblies, JIT-compiled by the
/// newer runtime. The baked network classifies the test digits as on .NET 10 (but near ties, <see cref="HostApps.NearTie"/>);
/// the trained one learns what the same training learns on .NET 10 (docs/hosts.md).
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class Net8BuildTests(PackageFeed packages, ITestOutputHelper log)
{
    private const int Epochs = 3;

    private static string Project => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net8.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <WarningLevel>9999</WarningLevel>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="MlpGen" Version="{PackageFeed.Version}" />
            <AdditionalFiles Include="digits.mlpw" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>The app: the classes of the test digits by the baked network and by one it trains, and the runtime it ran on.</summary>
    private static string Program => $$"""
        using System;
        using System.Linq;
        using System.Reflection;
        using System.Runtime.Versioning;
        using MlpGen;
        using MlpGen.Data;
        using MlpGen.Training;

        Dataset<float> train = Mnist.Load(args[0], MnistSplit.Train), test = Mnist.Load(args[0], MnistSplit.Test);
        Console.WriteLine($"runtime .NET {Environment.Version}, built for {typeof(Digits).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName}");
        var baked = new Digits();
        Console.WriteLine("baked classes " + string.Concat(Enumerable.Range(0, test.Count).Select(i => baked.Classify(test.Input(i)))));
        var trained = new Trained(seed: 1);
        Sgd.Train(trained, train, new SgdOptions { Epochs = {{Epochs}}, MiniBatchSize = 10, Eta = 3.0, Seed = 1 });
        Console.WriteLine("trained classes " + string.Concat(Enumerable.Range(0, test.Count).Select(i => trained.Classify(test.Input(i)))));

        [Network(784, 16, 16, 10, Weights = "digits.mlpw")] partial class Digits { }
        [Network(784, 30, 10)] partial class Trained { }
        """;

    [Fact]
    public void Net80App_WithTheRuntime_BuildsClean_BakesAndTrains_AndClassifiesAsNet10Does()
    {
        using var work = new TemporaryDirectory();
        var environment = HostApps.Environment(work);
        HostApps.WriteNuGetConfig(packages, work.Path);
        string app = Directory.CreateDirectory(work.File("App")).FullName;
        File.WriteAllText(Path.Combine(app, "App.csproj"), Project);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);
        File.Copy(HostApps.Weights, Path.Combine(app, "digits.mlpw"));

        DotNetCli.Result build = DotNetCli.Dotnet(app, environment, "build", "App.csproj", "-c", "Release", "--disable-build-servers", "-nodeReuse:false")
            .Succeeded("building the net8.0 app");
        Assert.True(HostApps.Diagnostics(build.Output).Length == 0, "the build reported warnings:\n" + build.Output);
        string output = Path.Combine(app, "bin", "Release", "net8.0");
        Assert.Equal(["MlpGen.Weights/digits.mlpw"], AssemblyResources.Names(Path.Combine(output, "App.dll")));

        environment["DOTNET_ROLL_FORWARD"] = "Major";
        DotNetCli.Result run = DotNetCli.Dotnet(output, environment, Path.Combine(output, "App.dll"), TestData.MnistDirectory).Succeeded("the app");
        string runtime = HostApps.Line(run.Output, "runtime ");
        Assert.EndsWith("built for .NETCoreApp,Version=v8.0", runtime);

        // The baked network: the classes of .NET 10.
        string baked = HostApps.Line(run.Output, "baked classes ");
        var net10 = HostApps.Net10();
        var (agree, unexplained) = HostApps.Compare(baked, net10);
        log.WriteLine($"baked, net8.0 ({runtime}): {agree} / {baked.Length} classes as on .NET 10; accuracy {HostApps.Correct(baked)} / {baked.Length}, {HostApps.Correct(net10.Classes)} on .NET 10.");
        Assert.True(unexplained.Count == 0, $"net8.0 and .NET 10 classify {unexplained.Count} digits differently where .NET 10's outputs are no near tie:\n{string.Join("\n", unexplained)}");

        // The trained network: what the same training gives on .NET 10.
        string trained = HostApps.Line(run.Output, "trained classes ");
        var reference = new Net784x30x10(seed: 1);
        Sgd.Train(reference, TestData.Train, new SgdOptions { Epochs = Epochs, MiniBatchSize = 10, Eta = 3.0, Seed = 1 });
        Dataset<float> test = TestData.Test;
        string expected = string.Concat(Enumerable.Range(0, test.Count).Select(i => reference.Classify(test.Input(i))));
        int same = trained.Zip(expected).Count(pair => pair.First == pair.Second);
        log.WriteLine($"trained on net8.0: accuracy {HostApps.Correct(trained)} / {test.Count}; on .NET 10 {HostApps.Correct(expected)} / {test.Count}; {same} / {test.Count} classes the same.");
        Assert.Equal(expected, trained);
    }
}
