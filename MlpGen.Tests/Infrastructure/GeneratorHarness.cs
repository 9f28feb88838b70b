using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MlpGen.Generator;

namespace MlpGen.Tests.Infrastructure;

/// <summary>Runs the generator on source text in memory, against the .NET 10 reference assemblies.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(string source, bool withRuntime = true, bool allowUnsafe = true)
    {
        IEnumerable<MetadataReference> references = Net100.References.All;
        if (withRuntime) references = references.Append(MetadataReference.CreateFromFile(typeof(INetwork<>).Assembly.Location));
        return CSharpCompilation.Create(
            "UserAssembly",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "User.cs") },
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                allowUnsafe: allowUnsafe,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release,
                warningLevel: 9999));
    }

    public static GeneratorDriver Driver(params AdditionalText[] additionalFiles) => CSharpGeneratorDriver.Create(
        new[] { new NetworkGenerator().AsSourceGenerator() },
        additionalTexts: additionalFiles,
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator, with the given additional files; returns its result and the compilation with the generated files added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation, params AdditionalText[] additionalFiles)
    {
        GeneratorDriver driver = Driver(additionalFiles).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>Emits the compilation and loads it into its own collectible load context (MlpGen.Runtime resolves to the test's copy).</summary>
    public static System.Reflection.Assembly Load(Compilation compilation)
    {
        using var image = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(image);
        Xunit.Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        return new System.Runtime.Loader.AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(image);
    }

    /// <summary>Errors and warnings of the compilation, generated files included.</summary>
    public static Diagnostic[] Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
}

/// <summary>An <c>AdditionalFiles</c> item held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path => path;

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default) =>
        Microsoft.CodeAnalysis.Text.SourceText.From(text);
}
