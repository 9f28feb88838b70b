using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// MlpGen.InferenceSample, the app that references only the generator and bakes in digits.mlpw:
/// its output carries no MlpGen assembly, it predicts what the runtime predicts from the same
/// weights, and its NativeAOT build publishes without warnings and predicts what the JIT build does.
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Shipping")]
public class InferenceSampleTests
{
    private static string Project => Path.Combine(Repository.Root, "MlpGen.InferenceSample", "MlpGen.InferenceSample.csproj");


    private static string[] AppArguments => new[]
    {
        TestData.MnistFile(Mnist.FileNames(MnistSplit.Test).Images),
        TestData.MnistFile(Mnist.FileNames(MnistSplit.Test).Labels),
    };

    /// <summary>The lines the app prints for the test split, computed here with the runtime loading digits.mlpw into a trainable network.</summary>
    private static (string Accuracy, string Classes, string Outputs) Expected()
    {
        var network = new Net784x16x16x10(seed: 1);
        WeightsFile.Load(Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw"), network);
        Dataset<float> test = TestData.Test;
        var classes = new byte[test.Count];
        var outputs = new float[test.Count * 10];
        EvaluationResult result = Evaluation.Evaluate(network, test, (sample, predicted, output) =>
        {
            classes[sample] = (byte)predicted;
            output.CopyTo(outputs.AsSpan(sample * 10, 10));
        });
        return ($"accuracy {result.Correct} / {result.Count}",
            $"classes sha256 {Convert.ToHexStringLower(SHA256.HashData(classes))}",
            $"outputs sha256 {Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(outputs.AsSpan())))}");
    }

    /// <summary>The accuracy and classes lines the app prints with --int8, computed here with the plain integer reference reading digits-int8.mlpw.</summary>
    private static (string Accuracy, string Classes) ExpectedInt8()
    {
        Quantization.QuantizedNetwork network = WeightsFile.ReadQuantized(Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits-int8.mlpw"));
        Dataset<float> test = TestData.Test;
        var classes = new byte[test.Count];
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            classes[i] = (byte)network.Classify(test.Input(i));
            if (classes[i] == test.Label(i)) correct++;
        }
        return ($"accuracy {correct} / {test.Count}", $"classes sha256 {Convert.ToHexStringLower(SHA256.HashData(classes))}");
    }

    private static string[] Lines(DotNetCli.Result result) => result.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string[] MlpGenAssemblies(string directory) =>
        Directory.GetFiles(directory, "MlpGen*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Where(f => f != "MlpGen.InferenceSample.dll").ToArray()!;

    [Fact]
    public void BuildAndPublishOutput_HaveNoMlpGenAssembly_AndTheAppPredictsWhatTheRuntimePredicts()
    {
        // The build output in the project's own bin folder (with -o the generator's own build would land there too).
        DotNetCli.Dotnet(Repository.Root, null, "build", Project, "-c", "Release", "--disable-build-servers").Succeeded("dotnet build");
        string bin = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "bin", "Release", "net10.0");
        Assert.Empty(MlpGenAssemblies(bin));
        // The weights are data in the assembly (the generator's build targets, imported by Directory.Build.targets), not C# literals.
        Assert.Equal(new[] { "MlpGen.Weights/digits-int8.mlpw", "MlpGen.Weights/digits.mlpw" }, AssemblyResources.Names(Path.Combine(bin, "MlpGen.InferenceSample.dll")).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("MlpGen.Generator", File.ReadAllText(Path.Combine(bin, "MlpGen.InferenceSample.deps.json")));
        Assert.DoesNotContain("MlpGen.Runtime", File.ReadAllText(Path.Combine(bin, "MlpGen.InferenceSample.deps.json")));

        using var published = new TemporaryDirectory();
        DotNetCli.Dotnet(Repository.Root, null, "publish", Project, "-c", "Release", "-o", published.Path, "--disable-build-servers").Succeeded("dotnet publish");
        Assert.Empty(MlpGenAssemblies(published.Path));

        string[] lines = Lines(DotNetCli.Dotnet(published.Path, null, new[] { published.File("MlpGen.InferenceSample.dll") }.Concat(AppArguments).ToArray()).Succeeded("the app"));
        var (accuracy, classes, outputs) = Expected();
        Assert.Contains(accuracy, lines);
        Assert.Contains(classes, lines);
        Assert.Contains(outputs, lines);

        // The int8 network (digits-int8.mlpw baked into DigitNetInt8) classifies as the integer reference does.
        string[] int8Lines = Lines(DotNetCli.Dotnet(published.Path, null, new[] { published.File("MlpGen.InferenceSample.dll"), "--int8" }.Concat(AppArguments).ToArray()).Succeeded("the app (--int8)"));
        var (int8Accuracy, int8Classes) = ExpectedInt8();
        Assert.Contains(int8Accuracy, int8Lines);
        Assert.Contains(int8Classes, int8Lines);
    }

    [Fact]
    public void NativeAot_PublishesWithoutWarnings_AndPredictsWhatTheJitBuildPredicts()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException("This test publishes for linux-x64 and runs the result; run it on a linux-x64 machine.");
        }
        using var jit = new TemporaryDirectory();
        using var aot = new TemporaryDirectory();
        DotNetCli.Dotnet(Repository.Root, null, "publish", Project, "-c", "Release", "-o", jit.Path, "--disable-build-servers").Succeeded("dotnet publish (JIT)");
        DotNetCli.Result publish = DotNetCli.Dotnet(Repository.Root, null,
            "publish", Project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", aot.Path, "--disable-build-servers").Succeeded("dotnet publish (NativeAOT)");

        string[] warnings = Lines(publish).Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(warnings.Length == 0, "the NativeAOT publish warned:\n" + string.Join("\n", warnings));
        string executable = Path.Combine(aot.Path, "MlpGen.InferenceSample");
        Assert.True(File.Exists(executable), "no native executable in the publish output");
        Assert.Empty(MlpGenAssemblies(aot.Path));
        Assert.Empty(Directory.GetFiles(aot.Path, "*.dll"));   // a single native file: no managed assemblies at all

        string[] jitLines = Lines(DotNetCli.Dotnet(jit.Path, null, new[] { jit.File("MlpGen.InferenceSample.dll") }.Concat(AppArguments).ToArray()).Succeeded("the JIT app"));
        string[] aotLines = Lines(DotNetCli.Run(executable, aot.Path, null, AppArguments).Succeeded("the NativeAOT app"));
        foreach (string prefix in new[] { "accuracy ", "classes sha256 " })
        {
            Assert.Equal(jitLines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)), aotLines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)));
        }
        // The int8 network, on the JIT's AVX2 kernels and on NativeAOT's default target (SSE: the Vector128 kernels): the same
        // bits, every output of every digit (the float network's agree in class only: its sums are fused where FMA is).
        string[] jitInt8 = Lines(DotNetCli.Dotnet(jit.Path, null, new[] { jit.File("MlpGen.InferenceSample.dll"), "--int8" }.Concat(AppArguments).ToArray()).Succeeded("the JIT app (--int8)"));
        string[] aotInt8 = Lines(DotNetCli.Run(executable, aot.Path, null, new[] { "--int8" }.Concat(AppArguments).ToArray()).Succeeded("the NativeAOT app (--int8)"));
        foreach (string prefix in new[] { "accuracy ", "classes sha256 ", "outputs sha256 " })
        {
            Assert.Equal(jitInt8.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)), aotInt8.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }
}
