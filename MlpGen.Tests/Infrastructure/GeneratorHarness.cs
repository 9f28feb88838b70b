using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using MlpGen.Generator;

namespace MlpGen.Tests.Infrastructure;

/// <summary>Runs the generator on source text in memory, against the .NET 10 reference assemblies.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(string source, bool withRuntime = true, bool allowUnsafe = true) =>
        Compile(new[] { source }, withRuntime, allowUnsafe);

    /// <summary>
    /// A compilation of the given files (User.cs, User2.cs, ...), at <paramref name="languageVersion"/>
    /// (default: latest) against <paramref name="framework"/>'s reference assemblies (default: .NET 10's).
    /// </summary>
    public static CSharpCompilation Compile(string[] sources, bool withRuntime = true, bool allowUnsafe = true,
        LanguageVersion languageVersion = LanguageVersion.Latest, IEnumerable<MetadataReference>? framework = null)
    {
        IEnumerable<MetadataReference> references = framework ?? Net100.References.All;
        if (withRuntime) references = references.Append(MetadataReference.CreateFromFile(typeof(INetwork<>).Assembly.Location));
        var parseOptions = new CSharpParseOptions(languageVersion);
        return CSharpCompilation.Create(
            "UserAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: i == 0 ? "User.cs" : $"User{i + 1}.cs")),
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                allowUnsafe: allowUnsafe,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release,
                warningLevel: 9999));
    }

    public static GeneratorDriver Driver(params AdditionalText[] additionalFiles) => Driver(ParseOptions, additionalFiles);

    public static GeneratorDriver Driver(CSharpParseOptions parseOptions, params AdditionalText[] additionalFiles) => Driver(parseOptions, null, additionalFiles);

    /// <summary>A driver whose additional files have the metadata of <paramref name="options"/> (none: a compilation without MSBuild's editorconfig).</summary>
    public static GeneratorDriver Driver(CSharpParseOptions parseOptions, AnalyzerConfigOptionsProvider? options, params AdditionalText[] additionalFiles) => CSharpGeneratorDriver.Create(
        new[] { new NetworkGenerator().AsSourceGenerator() },
        additionalTexts: additionalFiles,
        parseOptions: parseOptions,
        optionsProvider: options,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator, with the given additional files; returns its result and the compilation with the generated files added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation, params AdditionalText[] additionalFiles) =>
        Run(compilation, null, additionalFiles);

    /// <summary>Runs the generator with additional files that have the metadata of <paramref name="options"/>.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation, AnalyzerConfigOptionsProvider? options, params AdditionalText[] additionalFiles)
    {
        var parseOptions = (CSharpParseOptions?)compilation.SyntaxTrees.FirstOrDefault()?.Options ?? ParseOptions;
#if ROSLYN4_3
        // Roslyn 4.3's latest C# is 10, where every network is generated in the C# 9/10 shape with MLPG024, a note that
        // says so. A test written for the latest C# expects the diagnostics of the latest shape, so here it does not see
        // that note; a test that asks for C# 9 or 10 by name does.
        if (parseOptions.SpecifiedLanguageVersion == LanguageVersion.Latest)
        {
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
                compilation.Options.SpecificDiagnosticOptions.SetItem("MLPG024", ReportDiagnostic.Suppress)));
        }
#endif
        GeneratorDriver driver = Driver(parseOptions, options, additionalFiles).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>
    /// Emits the compilation, with <paramref name="resources"/> (name → bytes) embedded as MSBuild embeds an
    /// <c>EmbeddedResource</c>, and loads it into its own collectible load context (MlpGen.Runtime resolves to the test's copy).
    /// </summary>
    public static System.Reflection.Assembly Load(Compilation compilation, IReadOnlyDictionary<string, byte[]>? resources = null)
    {
        using var image = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(image, manifestResources:
            resources?.Select(r => new ResourceDescription(r.Key, () => new System.IO.MemoryStream(r.Value), isPublic: true)));
        Xunit.Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        return new System.Runtime.Loader.AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(image);
    }

    /// <summary>Errors and warnings located in generated files (or nowhere): these are the generator's fault, never the user's.</summary>
    public static Diagnostic[] ProblemsInGeneratedCode(Compilation compilation) =>
        Problems(compilation).Where(d => d.Location.SourceTree is not { } tree || !tree.FilePath.StartsWith("User", System.StringComparison.Ordinal)).ToArray();

    /// <summary>Errors and warnings of the compilation, generated files included.</summary>
    public static Diagnostic[] Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
}

/// <summary>An <c>AdditionalFiles</c> item held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path => path;

    public string Text => text;

    /// <summary>How many times the generator asked for the text.</summary>
    public int Reads { get; private set; }

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(System.Threading.CancellationToken cancellationToken = default)
    {
        Reads++;
        return Microsoft.CodeAnalysis.Text.SourceText.From(text);
    }
}

/// <summary>
/// The item metadata MSBuild hands the generator for additional files (what the generated editorconfig says): here, the
/// <c>MlpGenWeightsResource</c> that MlpGen.Generator's build targets give each weights file they embed as a resource.
/// </summary>
internal sealed class AdditionalFileMetadata(IReadOnlyDictionary<string, string> resourceByPath) : AnalyzerConfigOptionsProvider
{
    public const string ResourceKey = "build_metadata.AdditionalFiles.MlpGenWeightsResource";

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Options(resourceByPath.TryGetValue(textFile.Path, out string? resource)
            ? new Dictionary<string, string> { [ResourceKey] = resource }
            : new Dictionary<string, string>());

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
