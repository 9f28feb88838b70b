using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using MlpGen.Generator.Emitting;
using MlpGen.Generator.Model;
using MlpGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace MlpGen.Generator;

/// <summary>
/// The incremental pipeline: find classes marked <c>[MlpGen.Network]</c>, parse each into a value-equatable
/// declaration, add what the compilation offers and the weights file it names to make its
/// <see cref="NetworkModel"/>, and emit one source file per class. Diagnostics go to their own output,
/// so that a diagnostic that only moved does not emit a class again.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, used by the caching tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Each class with <c>[Network]</c> → its declaration and diagnostics (<see cref="ParseResult"/>).</summary>
        public const string Parse = nameof(Parse);

        /// <summary>The compilation → what it offers the generated code (<see cref="Parsing.CompilationFacts"/>), once per compilation.</summary>
        public const string CompilationFacts = nameof(CompilationFacts);

        /// <summary>Each <c>.mlpw</c> additional file → its fingerprint (header, CRC-32, size) and resource, or its defect, once per change of its text.</summary>
        public const string WeightsFiles = nameof(WeightsFiles);

        /// <summary>A declaration, the facts and the weights files → the model to emit and the diagnostics (<see cref="ModelResult"/>).</summary>
        public const string Build = nameof(Build);

        /// <summary>The model, and the weights file it bakes in as literals if any: what the emitted file depends on.</summary>
        public const string Models = nameof(Models);

        /// <summary>The diagnostics alone.</summary>
        public const string Diagnostics = nameof(Diagnostics);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(static post =>
        {
#if ROSLYN4_14_OR_GREATER
            post.AddEmbeddedAttributeDefinition();
            post.AddSource("MlpGen.NetworkAttribute.g.cs", SourceText.From(AttributeSource.Text, Encoding.UTF8));
#else
            post.AddSource("MlpGen.NetworkAttribute.g.cs", SourceText.From(AttributeSource.TextWithoutEmbedded, Encoding.UTF8));
#endif
        });

        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeSource.MetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (ctx, ct) => ParseIsolated(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValueProvider<CompilationFacts> facts = context.CompilationProvider
            .Select(static (compilation, _) => CompilationFacts.Of(compilation))
            .WithTrackingName(TrackingNames.CompilationFacts);

        // Trained weights to bake in: every .mlpw additional file, checked once per change of its text (or of its
        // metadata), kept as a fingerprint and the name of the resource the build embeds its bytes as.
        IncrementalValuesProvider<AdditionalText> weightsTexts = context.AdditionalTextsProvider
            .Where(static file => WeightsResolver.IsWeightsFile(file));
        IncrementalValueProvider<ImmutableArray<WeightsFileModel>> weightsFiles = weightsTexts
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (input, ct) => WeightsResolver.Read(input.Left, input.Right, ct))
            .WithTrackingName(TrackingNames.WeightsFiles)
            .Collect();

        IncrementalValuesProvider<ModelResult> built = parsed
            .Combine(facts)
            .Combine(weightsFiles)
            .Select(static (input, _) => BuildIsolated(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Build);

        // Each model, and the weights file whose bytes it bakes in as literals (where the build embeds no resource): the
        // emitter reads them from the file then, so that no model carries them through the pipeline.
        IncrementalValuesProvider<(NetworkModel Model, AdditionalText? LiteralWeights)> models = built
            .SelectMany(static (result, _) => result.Model is { } model ? ImmutableArray.Create(model) : ImmutableArray<NetworkModel>.Empty)
            .Combine(weightsTexts.Collect())
            .Select(static (input, _) => (input.Left, input.Left.Weights is { AsLiterals: true } weights ? input.Right.FirstOrDefault(file => file.Path == weights.Path) : null))
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<DiagnosticInfo> diagnostics = built
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (spc, diagnostic) => spc.ReportDiagnostic(diagnostic.ToDiagnostic()));

        context.RegisterSourceOutput(models, static (spc, input) =>
        {
            NetworkModel model = input.Model;
            string text;
            try
            {
                InjectFault(model.TypeName.TrimStart('@'), FaultPhase.Emit);
                byte[]? literals = null;
                if (model.Weights is { AsLiterals: true } weights)
                {
                    literals = (input.LiteralWeights is { } file ? WeightsResolver.ReadParameters(file, weights, spc.CancellationToken) : null)
                        ?? throw new InvalidOperationException($"the weights file {weights.Path} changed while it was being baked in; build again");
                }
                text = NetworkEmitter.Emit(model, literals);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The model holds no location (it would defeat caching): the message names the class in full.
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, model.FullName, e.GetType().FullName, e.Message));
                return;
            }
            spc.AddSource(model.HintName, SourceText.From(text, Encoding.UTF8));
        });
    }

    /// <summary>
    /// Parses one class. Whatever goes wrong stays with that class: an exception becomes MLPG018 on its
    /// name (an exception escaping the pipeline would drop every network's code, with CS8785).
    /// </summary>
    private static ParseResult ParseIsolated(GeneratorAttributeSyntaxContext context, System.Threading.CancellationToken cancellationToken)
    {
        try
        {
            InjectFault(context.TargetSymbol.Name, FaultPhase.Parse);
            return NetworkParser.Parse(context, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Location location = context.TargetNode is TypeDeclarationSyntax declaration ? declaration.Identifier.GetLocation() : context.TargetNode.GetLocation();
            return ParseResult.Failed(new[]
            {
                DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, context.TargetSymbol.Name, e.GetType().FullName ?? e.GetType().Name, e.Message),
            });
        }
    }

    /// <summary>
    /// Builds one class's model from its declaration, the compilation's facts and the weights files. As in parsing, an
    /// exception stays with that class: MLPG018 on its name, and the other networks keep their code.
    /// </summary>
    private static ModelResult BuildIsolated(ParseResult parsed, CompilationFacts facts, ImmutableArray<WeightsFileModel> weightsFiles)
    {
        try
        {
            if (parsed.Declaration is { } declaration) InjectFault(declaration.Name, FaultPhase.Build);
            return ModelBuilder.Build(parsed, facts, weightsFiles);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NetworkDeclaration declaration = parsed.Declaration!;   // without one, Build returns the parse's diagnostics and cannot throw
            return new ModelResult(null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.At(DiagnosticDescriptors.InternalError, declaration.NameLocation, declaration.Name, e.GetType().FullName ?? e.GetType().Name, e.Message),
            }));
        }
    }

    /// <summary>Where a test makes the generator throw, to prove that the failure stays with one class.</summary>
    internal enum FaultPhase { Parse, Build, Emit }

    /// <summary>Test hook: class names (unique to a test) mapped to the phase in which the generator throws for them. Empty outside tests.</summary>
    internal static readonly ConcurrentDictionary<string, FaultPhase> FaultsForTesting = new();

    private static void InjectFault(string className, FaultPhase phase)
    {
        if (!FaultsForTesting.IsEmpty && FaultsForTesting.TryGetValue(className, out FaultPhase at) && at == phase)
        {
            throw new InvalidOperationException($"fault injected by a test ({phase})");
        }
    }
}
