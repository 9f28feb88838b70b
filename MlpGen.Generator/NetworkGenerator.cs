using System.Collections.Immutable;
using System.Text;
using MlpGen.Generator.Emitting;
using MlpGen.Generator.Model;
using MlpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace MlpGen.Generator;

/// <summary>
/// The incremental pipeline: find classes marked <c>[MlpGen.Network]</c>, parse each into a
/// value-equatable <see cref="NetworkModel"/>, and emit one source file per class.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, used by the caching tests.</summary>
    public static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string Runtime = nameof(Runtime);
        public const string Models = nameof(Models);
        public const string WeightsFiles = nameof(WeightsFiles);
        public const string Baked = nameof(Baked);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(static post =>
        {
            post.AddEmbeddedAttributeDefinition();
            post.AddSource("MlpGen.NetworkAttribute.g.cs", SourceText.From(AttributeSource.Text, Encoding.UTF8));
        });

        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeSource.MetadataName,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                transform: static (ctx, ct) => NetworkParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        // What the compilation offers the generated code, reduced to plain values so that an edit
        // elsewhere does not invalidate the emitted files.
        IncrementalValueProvider<CompilationFacts> facts = context.CompilationProvider
            .Select(static (compilation, _) => new CompilationFacts(
                RuntimeReferenced: compilation.GetTypeByMetadataName(AttributeSource.RuntimeInterfaceMetadataName) is not null,
                AllowUnsafe: compilation.Options is CSharpCompilationOptions { AllowUnsafe: true }))
            .WithTrackingName(TrackingNames.Runtime);

        IncrementalValuesProvider<ParseResult> models = parsed
            .Combine(facts)
            .Select(static (pair, _) => pair.Left.Model is null
                ? pair.Left
                : pair.Left with
                {
                    Model = pair.Left.Model with
                    {
                        ImplementsRuntimeInterface = pair.Right.RuntimeReferenced,
                        SkipLocalsInit = pair.Right.AllowUnsafe,
                    },
                })
            .WithTrackingName(TrackingNames.Models);

        // Trained weights to bake in: every .mlpw additional file, parsed once per change of its text;
        // each network that names one on its attribute gets its parameters (or a diagnostic).
        IncrementalValueProvider<ImmutableArray<WeightsFileModel>> weightsFiles = context.AdditionalTextsProvider
            .Where(static file => WeightsResolver.IsWeightsFile(file))
            .Select(static (file, ct) => WeightsResolver.Read(file, ct))
            .WithTrackingName(TrackingNames.WeightsFiles)
            .Collect();

        IncrementalValuesProvider<ParseResult> baked = models
            .Combine(weightsFiles)
            .Select(static (pair, _) => WeightsResolver.Resolve(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Baked);

        context.RegisterSourceOutput(baked, static (spc, result) =>
        {
            foreach (DiagnosticInfo diagnostic in result.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (result.Model is { } model)
            {
                spc.AddSource(model.HintName, SourceText.From(NetworkEmitter.Emit(model), Encoding.UTF8));
            }
        });
    }

    private sealed record CompilationFacts(bool RuntimeReferenced, bool AllowUnsafe);
}
