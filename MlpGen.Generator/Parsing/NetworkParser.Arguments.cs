using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlpGen.Generator.Parsing;

/// <summary>The phase that reads the attribute's arguments.</summary>
internal sealed partial class NetworkParser
{
    /// <summary>The attribute's arguments as read, each checked on its own; how they fit together is <see cref="DeriveLayers"/>'s.</summary>
    private sealed class NetworkArguments(List<int> sizes)
    {
        /// <summary>The layer sizes, input first.</summary>
        public List<int> Sizes { get; } = sizes;

        public ElementKind Element { get; set; } = ElementKind.Single;

        /// <summary>The cost as given; null when not given (it follows the output).</summary>
        public CostFunction? Cost { get; set; }

        /// <summary>The activation of every hidden layer as given; null when not given (sigmoid, unless HiddenLayers).</summary>
        public ActivationFunction? Hidden { get; set; }

        /// <summary>The activation of each hidden layer, as given; null when not given.</summary>
        public List<ActivationFunction>? HiddenLayers { get; set; }

        public ActivationFunction Output { get; set; } = NetworkRules.DefaultOutputActivation;

        public CodeShape Shape { get; set; } = CodeShape.Auto;

        public WeightsRequest? Weights { get; set; }
    }

    /// <summary>
    /// The layer sizes (MLPG002, MLPG003) and the named arguments (MLPG008, 010, 016, 027, 028), each value
    /// checked on its own; a value that is not legal is reported and read as the default. Null when the
    /// arguments do not bind: the compiler reports that, except where an argument uses a member MlpGen
    /// generates, which binds once the generated code exists and so would go unreported (MLPG036).
    /// </summary>
    private NetworkArguments? ReadArguments()
    {
        if (!Binds(Attribute))
        {
            ReportGeneratedMemberUses();
            return null;
        }

        List<int> sizes = ReadLayerSizes(Attribute);
        if (sizes.Count < 2)
        {
            Report(DiagnosticDescriptors.TooFewLayers, AttributeLocation, Name, sizes.Count == 1 ? "1 layer size" : $"{sizes.Count} layer sizes");
        }
        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0) Report(DiagnosticDescriptors.NonPositiveSize, SizeLocation(i), i, Name, sizes[i]);
        }

        var arguments = new NetworkArguments(sizes);
        foreach (KeyValuePair<string, TypedConstant> argument in Attribute.NamedArguments)
        {
            ReadNamedArgument(argument.Key, argument.Value, arguments);
        }
        return arguments;
    }

    private void ReadNamedArgument(string name, TypedConstant value, NetworkArguments arguments)
    {
        switch (name)
        {
            case "ElementType":
                ITypeSymbol? elementType = value.Value as ITypeSymbol;
                switch (elementType?.SpecialType)
                {
                    case SpecialType.System_Single: arguments.Element = ElementKind.Single; break;
                    case SpecialType.System_Double: arguments.Element = ElementKind.Double; break;
                    default: Report(DiagnosticDescriptors.UnsupportedElementType, ArgumentLocation(name), elementType?.ToDisplayString() ?? "null", Name); break;
                }
                break;
            case "Cost":
                arguments.Cost = ReadEnum(name, value, DiagnosticDescriptors.UnsupportedCost, CostFunction.Quadratic);
                break;
            case "Hidden":
                arguments.Hidden = ReadHiddenActivation(name, value);
                break;
            case "HiddenLayers":
                if (value.Kind != TypedConstantKind.Array || value.IsNull) break;   // null: as if not given
                arguments.HiddenLayers = value.Values.Select(layer => ReadHiddenActivation(name, layer)).ToList();
                break;
            case "Output":
                // A value of the generated NetworkOutput enum: an index into the shared list of output activations.
                if (value.Value is int output && output >= 0 && output < NetworkRules.OutputActivations.Count)
                {
                    arguments.Output = NetworkRules.OutputActivations[output];
                }
                else
                {
                    Report(DiagnosticDescriptors.UnsupportedOutput, ArgumentLocation(name), Show(value), Name);
                }
                break;
            case "CodeShape":
                arguments.Shape = ReadEnum(name, value, DiagnosticDescriptors.UnsupportedCodeShape, CodeShape.Auto);
                break;
            case "Weights":
                if (value.Value is string file) arguments.Weights = new WeightsRequest(file, LocationInfo.From(ArgumentLocation(name)));
                break;
        }
    }

    /// <summary>A value of the generated <c>NetworkActivation</c> enum (an index into the shared list of hidden activations), or MLPG027 and sigmoid.</summary>
    private ActivationFunction ReadHiddenActivation(string argument, TypedConstant value)
    {
        if (value.Value is int index && index >= 0 && index < NetworkRules.HiddenActivations.Count) return NetworkRules.HiddenActivations[index];
        Report(DiagnosticDescriptors.UnsupportedActivation, ArgumentLocation(argument), argument, Show(value), Name);
        return ActivationFunction.Sigmoid;
    }

    /// <summary>An enum-valued named argument whose values are <typeparamref name="TEnum"/>'s (Cost, CodeShape): its value, or a diagnostic on it and <paramref name="fallback"/>.</summary>
    private TEnum ReadEnum<TEnum>(string argument, TypedConstant value, DiagnosticDescriptor unsupported, TEnum fallback) where TEnum : struct, System.Enum
    {
        if (value.Value is int number && System.Enum.IsDefined(typeof(TEnum), number)) return (TEnum)(object)number;
        Report(unsupported, ArgumentLocation(argument), Show(value), Name);
        return fallback;
    }

    private static string Show(TypedConstant value) => value.Value?.ToString() ?? "null";

    /// <summary>The sizes: the <c>params int[]</c> values, whether written one by one or as an array.</summary>
    private static List<int> ReadLayerSizes(AttributeData attribute)
    {
        var sizes = new List<int>();
        foreach (TypedConstant argument in attribute.ConstructorArguments)
        {
            if (argument.Kind == TypedConstantKind.Array)
            {
                if (!argument.IsNull) sizes.AddRange(argument.Values.Select(v => v.Value).OfType<int>());
            }
            else if (argument.Value is int size)
            {
                sizes.Add(size);
            }
        }
        return sizes;
    }

    /// <summary>Whether the compiler bound the attribute: its constructor and every argument value.</summary>
    private static bool Binds(AttributeData attribute)
    {
        static bool IsValue(TypedConstant value) =>
            value.Kind != TypedConstantKind.Error && (value.Kind != TypedConstantKind.Array || value.IsNull || value.Values.All(IsValue));
        return attribute.AttributeConstructor is not null
            && attribute.ConstructorArguments.All(IsValue)
            && attribute.NamedArguments.All(a => IsValue(a.Value));
    }

    // ---- Where the arguments are -------------------------------------------------------------------

    private IReadOnlyList<AttributeArgumentSyntax> ArgumentSyntax() =>
        Attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is AttributeSyntax { ArgumentList: { } list }
            ? list.Arguments
            : System.Array.Empty<AttributeArgumentSyntax>();

    /// <summary>The named argument <c>Name = value</c>, else the attribute.</summary>
    private Location ArgumentLocation(string name) =>
        ArgumentSyntax().FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation() ?? AttributeLocation;

    /// <summary>
    /// Layer size <paramref name="index"/> in the source, else the attribute. The sizes are the constructor's
    /// arguments, positional or named (<c>layerSizes:</c>): one argument per size (<c>params int[]</c>), or
    /// one array or collection holding them all.
    /// </summary>
    private Location SizeLocation(int index)
    {
        var sizes = ArgumentSyntax().Where(a => a.NameEquals is null).ToList();
        IReadOnlyList<SyntaxNode> values = sizes.Count == 1 ? Values(sizes[0].Expression) : sizes;
        return index < values.Count ? values[index].GetLocation() : AttributeLocation;
    }

    /// <summary>The values an argument expression holds: the elements of an array or a collection, else the expression itself.</summary>
    private static IReadOnlyList<SyntaxNode> Values(ExpressionSyntax expression) => expression switch
    {
#if ROSLYN4_14_OR_GREATER   // Roslyn 4.3 parses no collection expressions (C# 12)
        CollectionExpressionSyntax collection => collection.Elements.Select(e => e is ExpressionElementSyntax element ? element.Expression : (SyntaxNode)e).ToList(),
#endif
        ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
        ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
        _ => new SyntaxNode[] { expression },
    };

    // ---- Arguments that use generated members (MLPG036) --------------------------------------------

    /// <summary>A member MlpGen generates into <paramref name="Network"/>, used at <paramref name="At"/>, where it has no value yet; <paramref name="Value"/> is the constant's value where it is known.</summary>
    private sealed record GeneratedMemberUse(SyntaxNode At, INamedTypeSymbol Network, string Member, long? Value);

    /// <summary>
    /// MLPG036 on each argument value that uses a member MlpGen generates (<c>OtherNet.OutputSize</c>), directly
    /// or through consts of the user's own. The generator reads the arguments from the compilation without any
    /// generated code, where such a member does not exist; the compiler, which sees the generated code, finds
    /// nothing wrong with the attribute, so without MLPG036 the class silently gets no code.
    /// </summary>
    private void ReportGeneratedMemberUses()
    {
        foreach (AttributeArgumentSyntax argument in ArgumentSyntax())
        {
            foreach (SyntaxNode value in Values(argument.Expression))
            {
                if (FindGeneratedMemberUse(value, _semanticModel, new HashSet<ISymbol>(SymbolEqualityComparer.Default)) is not { } use) continue;
                string where = $"exists only in the code MlpGen generates for '{use.Network.Name}'";
                Report(DiagnosticDescriptors.UsesGeneratedMember, value.GetLocation(), value.ToString(), Name,
                    use.At == value ? "names a member that " + where : $"uses '{use.Network.Name}.{use.Member}', a member that {where}",
                    (use.At == value, use.Value) switch
                    {
                        (true, { } known) => $"its value, {Count(known)},",
                        // A.ParameterCount % 7: the member's value goes where the member is named, not in place of the argument
                        (false, { } known) => $"the value of '{use.Network.Name}.{use.Member}', {Count(known)}, in its place,",
                        _ => "the value itself",
                    });
            }
        }
    }

    /// <summary>The first use of a generated member in <paramref name="node"/>: a name that does not bind and names one, or a const whose value uses one.</summary>
    private GeneratedMemberUse? FindGeneratedMemberUse(SyntaxNode node, SemanticModel model, HashSet<ISymbol> constsSeen)
    {
        foreach (SyntaxNode part in node.DescendantNodesAndSelf())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (part is not ExpressionSyntax expression) continue;
            ISymbol? symbol = model.GetSymbolInfo(expression, _cancellationToken).Symbol;
            GeneratedMemberUse? use = (expression, symbol) switch
            {
                // OtherNet.OutputSize
                (MemberAccessExpressionSyntax access, null) when model.GetSymbolInfo(access.Expression, _cancellationToken).Symbol is INamedTypeSymbol receiver =>
                    GeneratedMember(access, receiver, access.Name.Identifier.ValueText),
                // OutputSize, unqualified: a member of a containing network class
                (IdentifierNameSyntax name, null) when !(name.Parent is MemberAccessExpressionSyntax { Name: var member } && member == name) =>
                    ContainingTypes().Select(outer => GeneratedMember(name, outer, name.Identifier.ValueText)).FirstOrDefault(u => u is not null),
                // A const of the user's own, whose value comes from its initializer
                (_, IFieldSymbol { IsConst: true } field) when constsSeen.Add(field) => FindInInitializers(field, model.Compilation, constsSeen),
                _ => null,
            };
            if (use is not null) return use;
        }
        return null;
    }

    private GeneratedMemberUse? FindInInitializers(IFieldSymbol field, Compilation compilation, HashSet<ISymbol> constsSeen)
    {
        foreach (SyntaxReference reference in field.DeclaringSyntaxReferences)
        {
            ExpressionSyntax? initializer = reference.GetSyntax(_cancellationToken) switch
            {
                VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                EnumMemberDeclarationSyntax enumMember => enumMember.EqualsValue?.Value,
                _ => null,
            };
            if (initializer is null) continue;
            SemanticModel model = initializer.SyntaxTree == _semanticModel.SyntaxTree ? _semanticModel : compilation.GetSemanticModel(initializer.SyntaxTree);
            if (FindGeneratedMemberUse(initializer, model, constsSeen) is { } use) return use;
        }
        return null;
    }

    /// <summary>
    /// <paramref name="member"/>, named at <paramref name="at"/>, when MlpGen generates it into <paramref name="type"/>, a network class whose
    /// own attribute binds (else that network gets no code, and the compiler reports the name itself).
    /// </summary>
    private static GeneratedMemberUse? GeneratedMember(SyntaxNode at, INamedTypeSymbol type, string member)
    {
        if (type.GetAttributes().FirstOrDefault(IsNetworkAttribute) is not { } network || !Binds(network)) return null;
        List<int> sizes = ReadLayerSizes(network);
        bool baked = network.NamedArguments.Any(a => a.Key == "Weights" && a.Value.Value is string);
        bool generated = GeneratedMembers.For(sizes.Count, baked, type.Name).Any(g => g.Kind != GeneratedMemberKind.Constructor && g.Name == member);
        return generated ? new GeneratedMemberUse(at, type, member, GeneratedConstant(member, sizes)) : null;
    }

    /// <summary>The value of a generated size constant (as UserTypeEmitter writes them from the sizes), or null for any other member.</summary>
    private static long? GeneratedConstant(string member, List<int> sizes)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0)) return null;
        if (member == "InputSize") return sizes[0];
        if (member == "OutputSize") return sizes[sizes.Count - 1];
        if (member == "LayerCount") return sizes.Count;
        if (member == "ParameterCount") return ParameterLayout.CountOf(sizes);
        for (int l = 1; l < sizes.Count - 1; l++)
        {
            if (member == $"Layer{l}Size") return sizes[l];
        }
        return null;
    }
}
