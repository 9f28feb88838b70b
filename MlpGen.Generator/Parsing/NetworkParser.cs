using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// Turns one class marked <c>[Network]</c> into a <see cref="NetworkDeclaration"/> and the diagnostics its
/// declaration deserves, a step per phase, in the order <see cref="Run"/> lists them: the class
/// declaration, the attribute's arguments, the activations and cost they make, the limits, the members
/// the generated ones would clash with, then the declaration. Every phase reports what it finds and the
/// later ones still run where they can, so that the user sees every problem at once; any error means no
/// declaration. Never throws on user input: whatever is wrong becomes a diagnostic. What the compilation
/// as a whole offers (language version, framework) is not the parser's: see <see cref="CompilationFacts"/>.
/// </summary>
internal sealed partial class NetworkParser
{
    private readonly SemanticModel _semanticModel;
    private readonly INamedTypeSymbol _type;
    /// <summary>The part of the class that holds its first <c>[Network]</c>: the one that speaks for the class.</summary>
    private readonly TypeDeclarationSyntax _declaration;
    /// <summary>Every <c>[Network]</c> on the class, in the compiler's order; the first one counts.</summary>
    private readonly IReadOnlyList<AttributeData> _applications;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private NetworkParser(SemanticModel semanticModel, INamedTypeSymbol type, TypeDeclarationSyntax declaration, IReadOnlyList<AttributeData> applications,
        CancellationToken cancellationToken)
    {
        _semanticModel = semanticModel;
        _type = type;
        _declaration = declaration;
        _applications = applications;
        _cancellationToken = cancellationToken;
    }

    private AttributeData Attribute => _applications[0];

    /// <summary>The class's name as declared, for messages.</summary>
    private string Name => _type.Name;

    private Location NameLocation => _declaration.Identifier.GetLocation();

    private Location AttributeLocation => LocationOf(Attribute) ?? NameLocation;

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        // Records are classes too; a struct with [Network] is already a compiler error (the attribute targets classes).
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return ParseResult.None;
        }
        List<AttributeData> applications = NetworkApplications(type, context.Attributes);
        if (!HoldsTheFirst(declaration, applications[0])) return ParseResult.None;
        return new NetworkParser(context.SemanticModel, type, declaration, applications, cancellationToken).Run();
    }

    /// <summary>The phases, in order.</summary>
    private ParseResult Run()
    {
        ReportOtherApplications();
        if (!CheckClassDeclaration()) return ParseResult.Failed(_diagnostics);
        EquatableArray<ContainingTypeModel> containingTypes = ReadContainingTypes();
        if (ReadArguments() is not { } arguments) return ParseResult.Failed(_diagnostics);
        Layers layers = DeriveLayers(arguments);
        CheckLimits(arguments.Sizes);
        CheckMembers(arguments);
        if (_diagnostics.Count > 0) return ParseResult.Failed(_diagnostics);
        return new ParseResult(BuildDeclaration(containingTypes, arguments, layers), Notes(arguments, layers));
    }

    // ---- Which part speaks for the class ----------------------------------------------------------

    /// <summary>
    /// The class's <c>[Network]</c>s in the compiler's own (deterministic) order. Which part of a partial class
    /// does the work must not depend on <c>context.Attributes</c>: Roslyn 4.x filled it with the <c>[Network]</c>s of
    /// the whole syntax tree, Roslyn 5.x only with those on this very declaration, so that with the latter every
    /// part carrying one thought it owned the class (and added the same hint name twice, which takes down the
    /// whole generator: CS8785).
    /// </summary>
    private static List<AttributeData> NetworkApplications(INamedTypeSymbol type, ImmutableArray<AttributeData> onThisPart)
    {
        List<AttributeData> applications = type.GetAttributes().Where(IsNetworkAttribute).ToList();
        if (applications.Count == 0) applications.AddRange(onThisPart);
        return applications;
    }

    /// <summary>Whether this part holds the class's first <c>[Network]</c>: it reports the others (MLPG007), every other part stays silent.</summary>
    private static bool HoldsTheFirst(TypeDeclarationSyntax declaration, AttributeData first) =>
        first.ApplicationSyntaxReference is { } reference
        && reference.SyntaxTree == declaration.SyntaxTree
        && declaration.Span.Contains(reference.Span);

    /// <summary>MLPG007 on every <c>[Network]</c> after the first.</summary>
    private void ReportOtherApplications()
    {
        foreach (AttributeData other in _applications.Skip(1))
        {
            Report(DiagnosticDescriptors.Duplicate, LocationOf(other) ?? NameLocation, Name);
        }
    }

    // ---- The class declaration --------------------------------------------------------------------

    /// <summary>
    /// What the class must be for generated members to join it (MLPG001, 005, 006, 019, 020, 021, 026, 037).
    /// False when the compiler already rejects the declaration and generated code would only add follow-on errors.
    /// </summary>
    private bool CheckClassDeclaration()
    {
        if (!_declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) Report(DiagnosticDescriptors.NotPartial, NameLocation, Name);
        if (_type.IsStatic) Report(DiagnosticDescriptors.Static, NameLocation, Name);
        if (_type.TypeParameters.Length > 0) Report(DiagnosticDescriptors.Generic, NameLocation, Name);   // its own; a generic containing type is fine

        // 'private class' or 'protected class' in a namespace: the compiler reports it (CS1527).
        if (_type.ContainingType is null && _type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.NotApplicable))
        {
            return false;
        }
        if (_type.IsAbstract && !_type.IsStatic) Report(DiagnosticDescriptors.Abstract, NameLocation, Name);
        if (_type.IsFileLocal)
        {
            Report(DiagnosticDescriptors.FileLocal, NameLocation, Name, "file-local");
        }
        else if (ContainingTypes().FirstOrDefault(t => t.IsFileLocal) is { } fileType)
        {
            Report(DiagnosticDescriptors.FileLocal, NameLocation, Name, $"nested in the file-local type '{fileType.Name}'");
        }
        // A primary constructor (class or positional record, on any part): the generated constructors would have to chain to it.
        if (Parts().FirstOrDefault(d => d.ParameterList is not null) is { ParameterList: { } parameterList })
        {
            Report(DiagnosticDescriptors.PrimaryConstructor, parameterList.GetLocation(), Name);
        }
        CheckBaseClass();
        return true;
    }

    /// <summary>
    /// The base class: the generated constructors call <c>base()</c> (MLPG021), and the generated members would
    /// hide those generated into a base network (MLPG037; an inherited network's members are not visible here,
    /// they are generated in the same compilation).
    /// </summary>
    private void CheckBaseClass()
    {
        if (_type.BaseType is not { SpecialType: not SpecialType.System_Object, TypeKind: TypeKind.Class } baseType) return;
        Compilation compilation = _semanticModel.Compilation;
        if (!baseType.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams) && compilation.IsSymbolAccessibleWithin(c, _type)))
        {
            Report(DiagnosticDescriptors.BaseWithoutParameterlessConstructor, BaseTypeLocation(baseType), Name, baseType.ToDisplayString());
        }
        for (INamedTypeSymbol? ancestor = baseType; ancestor is not null; ancestor = ancestor.BaseType)
        {
            if (ancestor.GetAttributes().Any(IsNetworkAttribute))
            {
                Report(DiagnosticDescriptors.DerivesFromNetwork, BaseTypeLocation(baseType), Name, ancestor.ToDisplayString());
                break;
            }
        }
    }

    /// <summary>The containing types, innermost first, each to be declared again as a partial declaration (MLPG009 when one is not partial).</summary>
    private EquatableArray<ContainingTypeModel> ReadContainingTypes()
    {
        var containingTypes = new List<ContainingTypeModel>();
        foreach (INamedTypeSymbol outer in ContainingTypes())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            bool outerIsPartial = outer.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(_cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!outerIsPartial) Report(DiagnosticDescriptors.ContainingTypeNotPartial, NameLocation, Name, outer.Name);
            containingTypes.Insert(0, new ContainingTypeModel(SourceNames.Keyword(outer), SourceNames.NameWithTypeParameters(outer)));
        }
        return new EquatableArray<ContainingTypeModel>(containingTypes);
    }

    // ---- The activations and the cost -------------------------------------------------------------

    /// <summary>The activation of each layer 1..L (the output's last) and the cost the network is trained on.</summary>
    private sealed record Layers(IReadOnlyList<ActivationFunction> Activations, CostFunction Cost);

    /// <summary>
    /// The activations: the hidden layers' from Hidden or HiddenLayers (MLPG029 when they do not fit), then the
    /// output's (MLPG038 for softmax over one output). The cost: when not given it follows the output; given, it
    /// must fit the output (MLPG030). The rules are <see cref="NetworkRules"/>'.
    /// </summary>
    private Layers DeriveLayers(NetworkArguments arguments)
    {
        List<int> sizes = arguments.Sizes;
        int hiddenCount = System.Math.Max(0, sizes.Count - 2);
        if (arguments.HiddenLayers is { } perLayer)
        {
            if (arguments.Hidden is not null)
            {
                Report(DiagnosticDescriptors.HiddenLayersMismatch, ArgumentLocation("HiddenLayers"), Name, "is given together with Hidden", HiddenLayerCount(hiddenCount));
            }
            else if (sizes.Count >= 2 && perLayer.Count != hiddenCount)
            {
                Report(DiagnosticDescriptors.HiddenLayersMismatch, ArgumentLocation("HiddenLayers"), Name,
                    $"lists {perLayer.Count} activation{(perLayer.Count == 1 ? "" : "s")} for {HiddenLayerCount(hiddenCount)}", HiddenLayerCount(hiddenCount));
            }
        }
        ActivationFunction hidden = arguments.Hidden ?? NetworkRules.DefaultHiddenActivation;
        var activations = new List<ActivationFunction>();
        for (int l = 1; l <= hiddenCount; l++) activations.Add(arguments.HiddenLayers is { } given && l <= given.Count ? given[l - 1] : hidden);
        activations.Add(arguments.Output);

        // Softmax makes its outputs sum to 1: over one output, that output is the constant 1 (and log-softmax's the constant 0).
        if (arguments.Output is ActivationFunction.Softmax or ActivationFunction.LogSoftmax && sizes.Count >= 2 && sizes[sizes.Count - 1] == 1)
        {
            bool log = arguments.Output == ActivationFunction.LogSoftmax;
            Report(DiagnosticDescriptors.SoftmaxOverOneOutput, ArgumentLocation("Output"), Name, NetworkRules.Name(arguments.Output), log ? "0 (the logarithm of 1)" : "1");
        }

        if (arguments.Cost is not { } cost) return new Layers(activations, NetworkRules.DefaultCost(arguments.Output));
        if (!NetworkRules.Fits(cost, arguments.Output))
        {
            string[] outputs = NetworkRules.Names(NetworkRules.OutputsFor(cost));
            Report(DiagnosticDescriptors.CostNeedsOtherOutput, ArgumentLocation("Cost"),
                cost.ToString(), Name, outputs.Length == 1 ? outputs[0] : string.Join(", ", outputs.Take(outputs.Length - 1)) + " or " + outputs[outputs.Length - 1],
                NetworkRules.Name(arguments.Output),
                cost switch
                {
                    CostFunction.CrossEntropy => "cross-entropy takes the logarithms of a and 1 − a, which only sigmoid outputs keep in (0, 1); use Output = NetworkOutput.Sigmoid, or for a softmax or log-softmax output the log-likelihood cost (NetworkCost.LogLikelihood)",
                    CostFunction.LogLikelihood => "log-likelihood takes the outputs as a probability distribution, which only softmax makes (and log-softmax as its logarithms); use Output = NetworkOutput.Softmax or NetworkOutput.LogSoftmax, or for this output the quadratic cost (NetworkCost.Quadratic)",
                    _ => "the outputs of log-softmax are log-probabilities (≤ 0), not values to bring close to targets; train it on the log-likelihood cost (NetworkCost.LogLikelihood, the default for log-softmax, PyTorch's NLLLoss), or use Output = NetworkOutput.Softmax",
                });
        }
        return new Layers(activations, cost);
    }

    private static string HiddenLayerCount(int count) => count == 1 ? "1 hidden layer" : $"{count} hidden layers";

    // ---- The limits -------------------------------------------------------------------------------

    /// <summary>MLPG004 when a valid topology is too large: the input width, the neurons that live on the stack, the parameters.</summary>
    private void CheckLimits(List<int> sizes)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0)) return;   // MLPG002 and MLPG003 say what is wrong
        long neurons = sizes.Skip(1).Sum(s => (long)s);
        long parameters = ParameterLayout.CountOf(sizes);
        string? tooLarge =
            sizes[0] > DiagnosticDescriptors.MaxInputs ? $"{Count(sizes[0])} inputs"
            : neurons > DiagnosticDescriptors.MaxNeurons ? $"{Count(neurons)} neurons in the hidden and output layers"
            : parameters > DiagnosticDescriptors.MaxParameters ? $"{Count(parameters)} parameters"
            : null;
        if (tooLarge is not null) Report(DiagnosticDescriptors.TooLarge, AttributeLocation, Name, ParameterLayout.Topology(sizes), tooLarge);
    }

    // ---- The declaration --------------------------------------------------------------------------

    private NetworkDeclaration BuildDeclaration(EquatableArray<ContainingTypeModel> containingTypes, NetworkArguments arguments, Layers layers) => new(
        Name,
        LocationInfo.From(NameLocation),
        SourceNames.Namespace(_type.ContainingNamespace),
        containingTypes,
        SourceNames.Keyword(_type),
        // Names go into the generated source escaped where they are keywords (namespace @namespace; class @class).
        SourceNames.Escape(Name),
        SourceNames.HintName(_type),
        SourceNames.UniqueName(_type),
        new EquatableArray<int>(arguments.Sizes),
        arguments.Element,
        layers.Cost,
        new EquatableArray<ActivationFunction>(layers.Activations),
        arguments.Shape,
        arguments.Weights);

    /// <summary>
    /// What a valid declaration is told: forcing the unrolled scalar shape is allowed, but the user should know
    /// what it costs (MLPG017); so is the quadratic cost on a softmax output, which learns more slowly than
    /// log-likelihood (MLPG031); and the summary (MLPG033), which the compiler drops unless the user turned it on.
    /// </summary>
    private EquatableArray<DiagnosticInfo> Notes(NetworkArguments arguments, Layers layers)
    {
        List<int> sizes = arguments.Sizes;
        var notes = new List<DiagnosticInfo>();
        if (arguments.Shape == CodeShape.UnrolledScalar)
        {
            long multiplyAdds = Enumerable.Range(1, sizes.Count - 1).Sum(l => (long)sizes[l] * sizes[l - 1]);
            notes.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnrolledScalarIsSlower, ArgumentLocation("CodeShape"), Name, Count(multiplyAdds)));
        }
        if (NetworkRules.IsSlowPairing(layers.Cost, arguments.Output))
        {
            notes.Add(DiagnosticInfo.Create(DiagnosticDescriptors.QuadraticWithSoftmax, ArgumentLocation("Cost"), Name));
        }
        notes.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelSummary, AttributeLocation, Name,
            ModelSummaryText.Describe(sizes, layers.Activations, layers.Cost, arguments.Element)));
        return new EquatableArray<DiagnosticInfo>(notes);
    }

    // ---- Helpers ----------------------------------------------------------------------------------

    private void Report(DiagnosticDescriptor descriptor, Location location, params object[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>A count as the messages write it: 12,704.</summary>
    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static bool IsNetworkAttribute(AttributeData attribute) =>
        attribute.AttributeClass is { Name: "NetworkAttribute", ContainingType: null, ContainingNamespace: { Name: "MlpGen", ContainingNamespace.IsGlobalNamespace: true } };

    private static Location? LocationOf(AttributeData attribute) => attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    /// <summary>The types that contain the class, innermost first.</summary>
    private IEnumerable<INamedTypeSymbol> ContainingTypes()
    {
        for (INamedTypeSymbol? outer = _type.ContainingType; outer is not null; outer = outer.ContainingType) yield return outer;
    }

    /// <summary>Every part of the class (a partial class has several, maybe in several files).</summary>
    private IEnumerable<TypeDeclarationSyntax> Parts() =>
        _type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).OfType<TypeDeclarationSyntax>();

    /// <summary>The base class as a base list names it (on whichever part does), else the class's name.</summary>
    private Location BaseTypeLocation(INamedTypeSymbol baseType)
    {
        foreach (TypeDeclarationSyntax part in Parts())
        {
            if (part.BaseList is not { } baseList) continue;
            SemanticModel model = part.SyntaxTree == _semanticModel.SyntaxTree ? _semanticModel : _semanticModel.Compilation.GetSemanticModel(part.SyntaxTree);
            foreach (BaseTypeSyntax written in baseList.Types)
            {
                if (SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(written.Type, _cancellationToken).Type, baseType)) return written.GetLocation();
            }
        }
        return NameLocation;
    }
}
