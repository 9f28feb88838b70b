using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// Turns a class marked <c>[Network]</c> into a <see cref="NetworkModel"/> and the diagnostics its
/// declaration deserves. Never throws on user input: whatever is wrong becomes a diagnostic.
/// </summary>
internal static class NetworkParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        // Records are classes too; a struct with [Network] is already a compiler error (the attribute targets classes).
        if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type || context.TargetNode is not TypeDeclarationSyntax declaration)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        string name = type.Name;
        Location nameLocation = declaration.Identifier.GetLocation();

        // Which part of a partial class does the work must not depend on context.Attributes: Roslyn 4.x
        // filled it with the [Network]s of the whole syntax tree, Roslyn 5.x only with those on this very
        // declaration, so that with the latter every part carrying one thought it owned the class (and
        // added the same hint name twice, which takes down the whole generator: CS8785). The owner is
        // the part holding the class's first [Network] in the compiler's own (deterministic) order; it
        // reports the others, every other part stays silent.
        List<AttributeData> applications = type.GetAttributes().Where(IsNetworkAttribute).ToList();
        if (applications.Count == 0) applications.AddRange(context.Attributes);
        AttributeData first = applications[0];
        if (first.ApplicationSyntaxReference is not { } firstReference
            || firstReference.SyntaxTree != declaration.SyntaxTree
            || !declaration.Span.Contains(firstReference.Span))
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        for (int i = 1; i < applications.Count; i++)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Duplicate, AttributeLocation(applications[i]) ?? nameLocation, name));
        }
        AttributeData attribute = first;
        Location attributeLocation = AttributeLocation(attribute) ?? nameLocation;

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, nameLocation, name));
        }
        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Static, nameLocation, name));
        }
        if (type.TypeParameters.Length > 0)   // its own type parameters; a generic containing type is fine
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Generic, nameLocation, name));
        }

        // 'private class' or 'protected class' in a namespace: the compiler reports it (CS1527); generated code would only add follow-on errors.
        if (type.ContainingType is null && type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.NotApplicable))
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }
        if (type.IsAbstract && !type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Abstract, nameLocation, name));
        }
        if (type.IsFileLocal)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocal, nameLocation, name, "file-local"));
        }
        else if (Containers(type).FirstOrDefault(t => t.IsFileLocal) is { } fileType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocal, nameLocation, name, $"nested in the file-local type '{fileType.Name}'"));
        }
        // A primary constructor (class or positional record, on any part): the generated constructors would have to chain to it.
        if (Parts(type, cancellationToken).FirstOrDefault(d => d.ParameterList is not null) is { ParameterList: { } parameterList })
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PrimaryConstructor, parameterList.GetLocation(), name));
        }
        // The generated constructors call base() implicitly.
        Compilation compilation = context.SemanticModel.Compilation;
        if (type.BaseType is { SpecialType: not SpecialType.System_Object, TypeKind: TypeKind.Class } baseType
            && !baseType.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams) && compilation.IsSymbolAccessibleWithin(c, type)))
        {
            Location baseLocation = declaration.BaseList?.Types
                .FirstOrDefault(t => SymbolEqualityComparer.Default.Equals(context.SemanticModel.GetTypeInfo(t.Type, cancellationToken).Type, baseType))?
                .GetLocation() ?? nameLocation;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BaseWithoutParameterlessConstructor, baseLocation, name, baseType.ToDisplayString()));
        }
        // What the generated code needs of the language and the framework.
        if (compilation is CSharpCompilation { LanguageVersion: var languageVersion } && languageVersion < LanguageVersion.CSharp11)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, nameLocation, name, languageVersion.ToDisplayString()));
        }
        if (MissingFrameworkApis(compilation) is { } missing)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FrameworkTooOld, nameLocation, name, missing));
        }

        var containingTypes = new List<ContainingTypeModel>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool outerIsPartial = outer.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!outerIsPartial)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, nameLocation, name, outer.Name));
            }
            containingTypes.Insert(0, new ContainingTypeModel(Keyword(outer), NameWithTypeParameters(outer)));
        }

        // The compiler reports malformed arguments itself (wrong types, missing constructor); emit nothing then.
        if (attribute.AttributeConstructor is null)
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        List<int> sizes = ReadLayerSizes(attribute);
        if (sizes.Count < 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooFewLayers, attributeLocation, name, sizes.Count));
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, ArgumentLocation(attribute, i) ?? attributeLocation, i, name, sizes[i]));
            }
        }

        ElementKind element = ElementKind.Single;
        CostFunction cost = CostFunction.Quadratic;
        bool costGiven = false;
        ActivationFunction hidden = ActivationFunction.Sigmoid;
        bool hiddenGiven = false;
        List<ActivationFunction>? hiddenLayers = null;
        ActivationFunction output = ActivationFunction.Sigmoid;
        WeightsRequest? weights = null;
        CodeShape shape = CodeShape.Auto;
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "ElementType":
                    ITypeSymbol? elementType = argument.Value.Value as ITypeSymbol;
                    switch (elementType?.SpecialType)
                    {
                        case SpecialType.System_Single: element = ElementKind.Single; break;
                        case SpecialType.System_Double: element = ElementKind.Double; break;
                        default:
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedElementType, NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation,
                                elementType?.ToDisplayString() ?? "null", name));
                            break;
                    }
                    break;
                case "Cost":
                    costGiven = true;
                    cost = ReadEnum(argument, DiagnosticDescriptors.UnsupportedCost, cost);
                    break;
                case "Hidden":
                    hiddenGiven = true;
                    if (argument.Value.Value is int h && IsHiddenActivation(h)) hidden = NetworkRules.HiddenActivations[h];
                    else diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedActivation, NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation,
                        "Hidden", argument.Value.Value?.ToString() ?? "null", name));
                    break;
                case "HiddenLayers":
                    if (argument.Value.Kind != TypedConstantKind.Array || argument.Value.IsNull) break;   // null: as if not given
                    hiddenLayers = new List<ActivationFunction>();
                    foreach (TypedConstant value in argument.Value.Values)
                    {
                        if (value.Value is int layer && IsHiddenActivation(layer))
                        {
                            hiddenLayers.Add(NetworkRules.HiddenActivations[layer]);
                            continue;
                        }
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedActivation, NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation,
                            "HiddenLayers", value.Value?.ToString() ?? "null", name));
                        hiddenLayers.Add(ActivationFunction.Sigmoid);
                    }
                    break;
                case "Output":
                    // A value of the generated NetworkOutput enum: an index into the shared list of output activations.
                    if (argument.Value.Value is int o && o >= 0 && o < NetworkRules.OutputActivations.Count) output = NetworkRules.OutputActivations[o];
                    else diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedOutput, NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation,
                        argument.Value.Value?.ToString() ?? "null", name));
                    break;
                case "CodeShape":
                    shape = ReadEnum(argument, DiagnosticDescriptors.UnsupportedCodeShape, shape);
                    break;
                case "Weights":
                    if (argument.Value.Value is string file)
                    {
                        weights = new WeightsRequest(file, LocationInfo.From(NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation));
                    }
                    break;
            }
        }

        // The activations of the layers 1..L: the hidden layers' from Hidden or HiddenLayers, then the output's.
        int hiddenCount = System.Math.Max(0, sizes.Count - 2);
        Location HiddenLayersLocation() => NamedArgumentLocation(attribute, "HiddenLayers") ?? attributeLocation;
        if (hiddenLayers is not null && hiddenGiven)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HiddenLayersMismatch, HiddenLayersLocation(), name,
                "is given together with Hidden", HiddenLayerCount(hiddenCount)));
        }
        else if (hiddenLayers is not null && sizes.Count >= 2 && hiddenLayers.Count != hiddenCount)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HiddenLayersMismatch, HiddenLayersLocation(), name,
                $"lists {hiddenLayers.Count} activation{(hiddenLayers.Count == 1 ? "" : "s")} for {HiddenLayerCount(hiddenCount)}", HiddenLayerCount(hiddenCount)));
        }
        var activations = new List<ActivationFunction>();
        for (int l = 1; l <= hiddenCount; l++) activations.Add(hiddenLayers is { } perLayer && l <= perLayer.Count ? perLayer[l - 1] : hidden);
        activations.Add(output);

        // The cost: when not given it follows the output; given, it must fit the output (NetworkRules).
        if (!costGiven)
        {
            cost = NetworkRules.DefaultCost(output);
        }
        else if (!NetworkRules.Fits(cost, output))
        {
            bool crossEntropy = cost == CostFunction.CrossEntropy;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CostNeedsOtherOutput, NamedArgumentLocation(attribute, "Cost") ?? attributeLocation,
                cost.ToString(), name, NetworkRules.Name(NetworkRules.OutputFor(cost)!.Value), NetworkRules.Name(output),
                crossEntropy
                    ? "cross-entropy takes the logarithms of a and 1 − a, which only sigmoid outputs keep in (0, 1); use Output = NetworkOutput.Sigmoid, or for a softmax output the log-likelihood cost (NetworkCost.LogLikelihood)"
                    : "log-likelihood takes the outputs as a probability distribution, which only softmax makes; use Output = NetworkOutput.Softmax, or for this output the quadratic cost (NetworkCost.Quadratic)"));
        }

        // An enum-valued named argument (Cost, CodeShape, Output): its value, or a diagnostic on it and the default.
        TEnum ReadEnum<TEnum>(KeyValuePair<string, TypedConstant> argument, DiagnosticDescriptor unsupported, TEnum fallback) where TEnum : struct, System.Enum
        {
            if (argument.Value.Value is int value && System.Enum.IsDefined(typeof(TEnum), value)) return (TEnum)(object)value;
            diagnostics.Add(DiagnosticInfo.Create(unsupported, NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation,
                argument.Value.Value?.ToString() ?? "null", name));
            return fallback;
        }

        if (sizes.Count >= 2 && sizes.All(s => s > 0))
        {
            string? tooLarge = CheckLimits(sizes);
            if (tooLarge is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooLarge, attributeLocation, name, string.Join("-", sizes), tooLarge));
            }
        }

        if (sizes.Count >= 2)
        {
            CheckMembers(type, GeneratedMembers.For(sizes.Count, weights is not null, name), element == ElementKind.Single ? "float" : "double",
                nameLocation, diagnostics, cancellationToken);
        }

        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        // Names go into the generated source escaped where they are keywords (namespace @namespace; class @class).
        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : NamespaceName(type.ContainingNamespace);
        var model = new NetworkModel(
            ns,
            new EquatableArray<ContainingTypeModel>(containingTypes),
            Keyword(type),
            Escape(name),
            HintName(type),
            new EquatableArray<int>(sizes),
            element,
            cost,
            new EquatableArray<ActivationFunction>(activations),
            shape,
            ImplementsRuntimeInterface: false,
            SkipLocalsInit: false);
        // Forcing the unrolled scalar shape is allowed, but the user should know what it costs; so is the
        // quadratic cost on a softmax output, which learns more slowly than log-likelihood.
        var notes = new List<DiagnosticInfo>();
        if (shape == CodeShape.UnrolledScalar)
        {
            notes.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnrolledScalarIsSlower, NamedArgumentLocation(attribute, "CodeShape") ?? attributeLocation, name,
                Enumerable.Range(1, sizes.Count - 1).Sum(l => (long)sizes[l] * sizes[l - 1]).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (NetworkRules.IsSlowPairing(cost, output))
        {
            notes.Add(DiagnosticInfo.Create(DiagnosticDescriptors.QuadraticWithSoftmax, NamedArgumentLocation(attribute, "Cost") ?? attributeLocation, name));
        }
        // The summary is always reported; the compiler drops it unless the user turned MLPG033 on.
        notes.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelSummary, attributeLocation, name, ModelSummaryText.Describe(sizes, activations, cost, element)));
        return new ParseResult(model, new EquatableArray<DiagnosticInfo>(notes), weights);
    }

    /// <summary>A value of the generated <c>NetworkActivation</c> enum: an index into the shared list of hidden activations.</summary>
    private static bool IsHiddenActivation(int value) => value >= 0 && value < NetworkRules.HiddenActivations.Count;

    private static string HiddenLayerCount(int count) => count == 1 ? "1 hidden layer" : $"{count} hidden layers";

    private static List<int> ReadLayerSizes(AttributeData attribute)
    {
        var sizes = new List<int>();
        foreach (TypedConstant argument in attribute.ConstructorArguments)
        {
            if (argument.Kind == TypedConstantKind.Array)
            {
                if (argument.IsNull) continue;
                foreach (TypedConstant value in argument.Values)
                {
                    if (value.Value is int size) sizes.Add(size);
                }
            }
            else if (argument.Value is int size)
            {
                sizes.Add(size);
            }
        }
        return sizes;
    }

    /// <summary>Returns why the topology is too large, or null when it fits the limits.</summary>
    private static string? CheckLimits(List<int> sizes)
    {
        if (sizes[0] > DiagnosticDescriptors.MaxInputs) return $"{sizes[0]:N0} inputs";
        long neurons = sizes.Skip(1).Sum(s => (long)s);
        if (neurons > DiagnosticDescriptors.MaxNeurons) return $"{neurons:N0} neurons in the hidden and output layers";
        long parameters = 0;
        for (int i = 1; i < sizes.Count; i++) parameters += (long)sizes[i] * (sizes[i - 1] + 1);
        if (parameters > DiagnosticDescriptors.MaxParameters) return $"{parameters:N0} parameters";
        return null;
    }

    /// <summary>
    /// The hint name of a network's file: the type's metadata identity (namespace, containing types
    /// with their arity joined by <c>+</c>, the type), which no other type of the compilation shares,
    /// restricted to the characters Roslyn accepts in hint names. Roslyn compares hint names ignoring
    /// case, so when a namespace or type along the way has a sibling whose name differs only in case,
    /// a hash of the exact identity keeps the name unique.
    /// </summary>
    internal static string HintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        ISymbol symbol = type;
        bool caseClash = false;
        for (; symbol is INamedTypeSymbol t; symbol = symbol.ContainingSymbol)
        {
            parts.Insert(0, (t.ContainingType is null ? "" : "+") + t.MetadataName);
            caseClash |= HasCaseSibling(t);
        }
        for (; symbol is INamespaceSymbol { IsGlobalNamespace: false } n; symbol = symbol.ContainingSymbol)
        {
            parts.Insert(0, n.Name + ".");
            caseClash |= HasCaseSibling(n);
        }
        string identity = string.Concat(parts);
        var safe = new System.Text.StringBuilder(identity.Length + 16);
        foreach (char c in identity) safe.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '+' or '`' ? c : '_');
        if (caseClash) safe.Append('.').Append(Fnv1a(identity).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        return safe + ".g.cs";
    }

    private static bool HasCaseSibling(ISymbol symbol)
    {
        IEnumerable<ISymbol> siblings = symbol.ContainingSymbol switch
        {
            INamespaceSymbol ns => ns.GetMembers(),
            INamedTypeSymbol t => t.GetTypeMembers(),
            _ => Enumerable.Empty<ISymbol>(),
        };
        return siblings.Any(s => s.MetadataName != symbol.MetadataName && s.Locations.Any(l => l.IsInSource) && string.Equals(s.MetadataName, symbol.MetadataName, System.StringComparison.OrdinalIgnoreCase));
    }

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = unchecked((hash ^ c) * 16777619);
        return hash;
    }

    private static bool IsNetworkAttribute(AttributeData attribute) =>
        attribute.AttributeClass is { Name: "NetworkAttribute", ContainingType: null, ContainingNamespace: { Name: "MlpGen", ContainingNamespace.IsGlobalNamespace: true } };

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    /// <summary>The type's name and type parameter list as a partial declaration repeats them, escaped.</summary>
    private static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? Escape(type.Name) : $"{Escape(type.Name)}<{string.Join(", ", type.TypeParameters.Select(p => Escape(p.Name)))}>";

    private static string NamespaceName(INamespaceSymbol ns)
    {
        var parts = new List<string>();
        for (; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace) parts.Insert(0, Escape(ns.Name));
        return string.Join(".", parts);
    }

    /// <summary>
    /// An identifier as C# source: with <c>@</c> where it is a keyword or a contextual keyword, and
    /// where it is all lower-case ASCII (the names C# reserves for future keywords, CS8981).
    /// </summary>
    internal static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) != SyntaxKind.None
            || identifier.All(c => c is >= 'a' and <= 'z')
            ? "@" + identifier
            : identifier;

    private static IEnumerable<INamedTypeSymbol> Containers(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType) yield return outer;
    }

    private static IEnumerable<TypeDeclarationSyntax> Parts(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>();

    /// <summary>The framework APIs the generated kernels call that the compilation lacks (Vector256/Vector128 Exp, FusedMultiplyAdd and MultiplyAddEstimate came with .NET 9), or null.</summary>
    private static string? MissingFrameworkApis(Compilation compilation)
    {
        string[] missing = new[] { "Vector256", "Vector128" }
            .SelectMany(vector => new[] { "Exp", "FusedMultiplyAdd", "MultiplyAddEstimate" }.Select(method => (vector, method)))
            .Where(api => !compilation.GetTypesByMetadataName("System.Runtime.Intrinsics." + api.vector)
                .Any(v => v.GetMembers(api.method).Any(m => m.DeclaredAccessibility == Accessibility.Public)))
            .Select(api => api.vector + "." + api.method)
            .ToArray();
        return missing.Length == 0 ? null : string.Join(", ", missing);
    }

    /// <summary>
    /// Reports what C# would reject once the generated members (<see cref="GeneratedMembers"/>) join the
    /// user's: a member of the same name (for a method: and the same parameter types; an overload is
    /// fine), a constructor of the same signature, a class named like one of its members, and inherited
    /// members the generated ones would hide.
    /// </summary>
    private static void CheckMembers(INamedTypeSymbol type, IReadOnlyList<GeneratedMember> generated, string element, Location nameLocation,
        List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        string name = type.Name;
        GeneratedMember? sameAsClass = generated.FirstOrDefault(g => g.Kind != GeneratedMemberKind.Constructor && g.Name == name);
        if (sameAsClass is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NamedLikeMember, nameLocation, name, sameAsClass.Display(element)));
        }
        // The generated code names these by their full names: a class of the same full name would take their place.
        if (type.ContainingType is null && type.ContainingNamespace is { Name: "MlpGen", ContainingNamespace.IsGlobalNamespace: true }
            && name is "ActivationFunction" or "CostFunction" or "INetwork" or "Generated")
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NamedLikeUsedType, nameLocation, name, "MlpGen." + name));
        }

        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared) continue;
            if (Clash(member, generated, element, inherited: false) is { } clash)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflict, member.Locations.FirstOrDefault(l => l.IsInSource) ?? nameLocation,
                    member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), name, clash.Display(element)));
            }
        }
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is { SpecialType: not SpecialType.System_Object }; baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers())
            {
                if (member.IsImplicitlyDeclared || member.DeclaredAccessibility == Accessibility.Private) continue;
                if (Clash(member, generated, element, inherited: true) is { } clash)
                {
                    // On the inherited member where it is this project's source, else on the class.
                    Location location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? nameLocation;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflict, location,
                        $"{baseType.Name}.{member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}", name, clash.Display(element)));
                }
            }
        }
    }

    private static GeneratedMember? Clash(ISymbol member, IReadOnlyList<GeneratedMember> generated, string element, bool inherited)
    {
        switch (member)
        {
            case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor:
                // A primary constructor has its own diagnostic (MLPG020).
                bool primary = constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax);
                return inherited || primary ? null : generated.FirstOrDefault(g => g.Kind == GeneratedMemberKind.Constructor && SameParameters(constructor, g, element));
            case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                return generated.FirstOrDefault(g => g.Name == method.Name
                    && (g.Kind != GeneratedMemberKind.Method && g.Kind != GeneratedMemberKind.Constructor || g.Kind == GeneratedMemberKind.Method && SameParameters(method, g, element)));
            case IMethodSymbol:
                return null;   // accessors, operators, conversions, destructors, static constructors
            default:           // fields, properties, events, nested types
                return generated.FirstOrDefault(g => g.Kind != GeneratedMemberKind.Constructor && g.Name == member.Name);
        }
    }

    private static bool SameParameters(IMethodSymbol method, GeneratedMember generated, string element)
    {
        string[] types = generated.Parameters(element);
        return method.Parameters.Length == types.Length
            && method.Parameters.Select((p, i) => p.RefKind == RefKind.None && p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == types[i]).All(same => same);
    }

    private static Location? AttributeLocation(AttributeData attribute) =>
        attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    private static Location? ArgumentLocation(AttributeData attribute, int index)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax { ArgumentList: { } list }) return null;
        var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        // params int[]: one argument per size; an explicit array (new[] { ... }) is one argument.
        if (positional.Count == 1)
        {
            IEnumerable<SyntaxNode>? elements = positional[0].Expression switch
            {
                CollectionExpressionSyntax collection => collection.Elements,
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
                ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
                _ => null,
            };
            if (elements is not null) return elements.ElementAtOrDefault(index)?.GetLocation();
        }
        return index < positional.Count ? positional[index].GetLocation() : null;
    }

    private static Location? NamedArgumentLocation(AttributeData attribute, string name) =>
        attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } list }
            ? list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation()
            : null;
}
