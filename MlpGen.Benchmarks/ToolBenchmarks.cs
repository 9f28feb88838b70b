using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MlpGen.Generator;

namespace MlpGen.Benchmarks;

/// <summary>The repository root: the folder holding MlpGen.sln, above wherever BenchmarkDotNet runs us from.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlpGen.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No MlpGen.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// The generator itself: running it on a 784-100-10 declaration, and what it adds to a build: the
/// compile time (parse, generate, bind, emit) of a one-class project without a network, with the
/// generated 784-100-10 and 784-16-16-10 networks, and with 784-16-16-10 forced to unrolled scalar code.
/// </summary>
[WarmupCount(2)]
[IterationCount(10)]
[InvocationCount(1, 1)]
public class GeneratorCost
{
    private const string Plain = "namespace App; public partial class Net { public int Size => 784; }";
    private static readonly MetadataReference[] References = Net100.References.All.ToArray();
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static CSharpCompilation Compilation(string source) => CSharpCompilation.Create(
        "App", new[] { CSharpSyntaxTree.ParseText(source, ParseOptions) }, References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, optimizationLevel: OptimizationLevel.Release));

    private static string Declaration(string sizes, string shape = "Auto") =>
        $"namespace App; [MlpGen.Network({sizes}, CodeShape = MlpGen.NetworkCodeShape.{shape})] public partial class Net {{ }}";

    private static long GenerateAndEmit(string source)
    {
        CSharpCompilation compilation = Compilation(source);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        using var image = new MemoryStream();
        var result = output.Emit(image);
        if (!result.Success) throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
        return image.Length;
    }

    [Benchmark]
    public int RunGenerator_784_100_10()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        return driver.RunGenerators(Compilation(Declaration("784, 100, 10"))).GetRunResult().GeneratedTrees.Length;
    }

    [Benchmark(Baseline = true)]
    public long Build_NoNetwork() => GenerateAndEmit(Plain);

    [Benchmark]
    public long Build_784_100_10() => GenerateAndEmit(Declaration("784, 100, 10"));

    [Benchmark]
    public long Build_784_16_16_10() => GenerateAndEmit(Declaration("784, 16, 16, 10"));

    [Benchmark]
    public long Build_784_16_16_10_UnrolledScalar() => GenerateAndEmit(Declaration("784, 16, 16, 10", "UnrolledScalar"));
}

/// <summary>
/// From process start to the first prediction of the published inference-only app
/// (MlpGen.InferenceSample, weights baked in): `--first` reads one image, predicts and exits.
/// Both builds are published once, in the setup.
/// </summary>
[WarmupCount(3)]
[IterationCount(20)]
[InvocationCount(1, 1)]
public class StartToFirstPrediction
{
    private string _native = "", _jit = "", _images = "";
    private readonly string _output = Directory.CreateTempSubdirectory("mlpgen-startup-").FullName;

    [GlobalSetup]
    public void SetUp()
    {
        string project = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "MlpGen.InferenceSample.csproj");
        Publish(project, Path.Combine(_output, "native"), "-r", "linux-x64", "-p:PublishAot=true");
        Publish(project, Path.Combine(_output, "jit"));
        _native = Path.Combine(_output, "native", "MlpGen.InferenceSample");
        _jit = Path.Combine(_output, "jit", "MlpGen.InferenceSample");
        _images = Path.Combine(FashionMnist.Directory, "t10k-images-idx3-ubyte.gz");
    }

    [GlobalCleanup]
    public void CleanUp() => Directory.Delete(_output, recursive: true);

    private static void Publish(string project, string output, params string[] extra)
    {
        var arguments = new List<string> { "publish", project, "-c", "Release", "-o", output, "--disable-build-servers" };
        arguments.AddRange(extra);
        RunToEnd("dotnet", arguments.ToArray());
    }

    private static void RunToEnd(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(" ", arguments)} failed:\n{output}");
    }

    [Benchmark(Baseline = true)]
    public void Jit() => RunToEnd(_jit, "--first", _images);

    [Benchmark]
    public void NativeAot() => RunToEnd(_native, "--first", _images);
}
