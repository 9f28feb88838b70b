using System.Collections.Generic;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// A valid <c>[Network]</c> declaration as plain values: what the user's source says about the network,
/// checked. <see cref="ModelBuilder"/> adds what the compilation offers (<see cref="CompilationFacts"/>)
/// and the weights file it names, and makes the <see cref="NetworkModel"/> to emit.
/// </summary>
/// <param name="Name">The class's name as declared, for messages.</param>
/// <param name="NameLocation">The class's name in the source: where the compilation's problems are reported for this network (MLPG024, MLPG025).</param>
/// <param name="TypeName">The class's name as C# source: escaped where it is a keyword (<c>@class</c>).</param>
/// <param name="UniqueName">An identifier made from the class's full metadata name (<see cref="SourceNames.UniqueName"/>).</param>
/// <param name="Activations">The activation of each layer 1..L, the output layer's last.</param>
/// <param name="Weights">The weights file the attribute names, if any.</param>
internal sealed record NetworkDeclaration(
    string Name,
    LocationInfo? NameLocation,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string TypeName,
    string HintName,
    string UniqueName,
    EquatableArray<int> LayerSizes,
    ElementKind Element,
    CostFunction Cost,
    EquatableArray<ActivationFunction> Activations,
    CodeShape Shape,
    WeightsRequest? Weights);

/// <summary>
/// What parsing one class produced: the declaration when it is valid, and the diagnostics (the errors
/// when it is not; when it is, the notes about it: MLPG017, MLPG031, MLPG033).
/// </summary>
internal sealed record ParseResult(NetworkDeclaration? Declaration, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>Nothing to emit and nothing to say: not a class, or a part of a class whose other part holds the <c>[Network]</c> that counts.</summary>
    public static ParseResult None { get; } = new(null, EquatableArray<DiagnosticInfo>.Empty);

    /// <summary>No declaration, for the reasons given.</summary>
    public static ParseResult Failed(IEnumerable<DiagnosticInfo> diagnostics) => new(null, new EquatableArray<DiagnosticInfo>(diagnostics));
}
