using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MlpGen.Generator.Model;
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
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Duplicate, AttributeLocation(applications[i]) ?? nameLocation, name));
        }
        AttributeData attribute = first;
        Location attributeLocation = AttributeLocation(attribute) ?? nameLocation;

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, nameLocation, name));
        }
        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Static, nameLocation, name));
        }
        if (type.TypeParameters.Length > 0)   // its own type parameters; a generic containing type is fine
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Generic, nameLocation, name));
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
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ContainingTypeNotPartial, nameLocation, name, outer.Name));
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
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TooFewLayers, attributeLocation, name, sizes.Count));
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NonPositiveSize, ArgumentLocation(attribute, i) ?? attributeLocation, i, name, sizes[i]));
            }
        }

        ElementKind element = ElementKind.Single;
        CostKind cost = CostKind.Quadratic;
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
                            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedElementType, NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation,
                                elementType?.ToDisplayString() ?? "null", name));
                            break;
                    }
                    break;
                case "Cost":
                    cost = ReadEnum(argument, Diagnostics.UnsupportedCost, cost);
                    break;
                case "CodeShape":
                    shape = ReadEnum(argument, Diagnostics.UnsupportedCodeShape, shape);
                    break;
                case "Weights":
                    if (argument.Value.Value is string file)
                    {
                        weights = new WeightsRequest(file, LocationInfo.From(NamedArgumentLocation(attribute, argument.Key) ?? attributeLocation));
                    }
                    break;
            }
        }

        // An enum-valued named argument (Cost, CodeShape): its value, or a diagnostic on it and the default.
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
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TooLarge, attributeLocation, name, string.Join("-", sizes), tooLarge));
            }
        }

        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        var model = new NetworkModel(
            ns,
            new EquatableArray<ContainingTypeModel>(containingTypes),
            Keyword(type),
            name,
            HintName(type),
            new EquatableArray<int>(sizes),
            element,
            cost,
            shape,
            ImplementsRuntimeInterface: false,
            SkipLocalsInit: false);
        // Forcing the unrolled scalar shape is allowed, but the user should know what it costs.
        EquatableArray<DiagnosticInfo> notes = shape == CodeShape.UnrolledScalar
            ? new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(Diagnostics.UnrolledScalarIsSlower, NamedArgumentLocation(attribute, "CodeShape") ?? attributeLocation, name,
                    Enumerable.Range(1, sizes.Count - 1).Sum(l => (long)sizes[l] * sizes[l - 1]).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
            })
            : EquatableArray<DiagnosticInfo>.Empty;
        return new ParseResult(model, notes, weights);
    }

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
        if (sizes[0] > Diagnostics.MaxInputs) return $"{sizes[0]:N0} inputs";
        long neurons = sizes.Skip(1).Sum(s => (long)s);
        if (neurons > Diagnostics.MaxNeurons) return $"{neurons:N0} neurons in the hidden and output layers";
        long parameters = 0;
        for (int i = 1; i < sizes.Count; i++) parameters += (long)sizes[i] * (sizes[i - 1] + 1);
        if (parameters > Diagnostics.MaxParameters) return $"{parameters:N0} parameters";
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

    private static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? type.Name : $"{type.Name}<{string.Join(", ", type.TypeParameters.Select(p => p.Name))}>";

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
