using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// The last step before emitting, once per network: a valid declaration, the facts of its compilation and
/// the project's weights files make the <see cref="NetworkModel"/>, or the diagnostics that say why there is none.
/// </summary>
internal static class ModelBuilder
{
    public static ModelResult Build(ParseResult parsed, CompilationFacts facts, ImmutableArray<WeightsFileModel> weightsFiles)
    {
        if (parsed.Declaration is not { } declaration) return new ModelResult(null, parsed.Diagnostics);

        // What the generated code needs of the language and the framework.
        DiagnosticInfo[] unmet = facts.Unmet(declaration.Name, declaration.NameLocation).ToArray();
        if (unmet.Length > 0) return new ModelResult(null, new EquatableArray<DiagnosticInfo>(unmet));

        BakedWeights? weights = null;
        // What the compatible forms the compilation asks for cost: information, on the class's name.
        EquatableArray<DiagnosticInfo> diagnostics = new(parsed.Diagnostics.Concat(facts.Compromises(declaration.Name, declaration.NameLocation)));
        if (declaration.Weights is { } request)
        {
            (BakedWeights? baked, DiagnosticInfo? problem) = WeightsResolver.Resolve(declaration, request, weightsFiles);
            if (problem is not null) return new ModelResult(null, new EquatableArray<DiagnosticInfo>(new[] { problem }));
            weights = baked;
            // Literals cost the compiler on every build: above the budget, say how to bake the file as data.
            long parameters = ParameterLayout.CountOf(declaration.LayerSizes);
            if (baked!.AsLiterals && parameters > DiagnosticDescriptors.LiteralWeightsBudget)
            {
                diagnostics = new EquatableArray<DiagnosticInfo>(diagnostics.Append(
                    DiagnosticInfo.At(DiagnosticDescriptors.WeightsAsLiterals, request.Location, request.FileName, declaration.Name, parameters.ToString("N0", CultureInfo.InvariantCulture))));
            }
        }

        var model = new NetworkModel(
            declaration.Namespace,
            declaration.ContainingTypes,
            declaration.Keyword,
            declaration.TypeName,
            declaration.HintName,
            declaration.UniqueName,
            declaration.LayerSizes,
            declaration.Element,
            declaration.Cost,
            declaration.Activations,
            declaration.Shape,
            ImplementsRuntimeInterface: facts.RuntimeReferenced,
            SkipLocalsInit: facts.AllowUnsafe,
            facts.Target,
            weights);
        return new ModelResult(model, diagnostics);
    }
}
