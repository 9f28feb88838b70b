using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MlpGen.Generator.Parsing;

/// <summary>The phase that checks the class's members against the generated ones.</summary>
internal sealed partial class NetworkParser
{
    /// <summary>
    /// Reports what C# would reject once the generated members (<see cref="GeneratedMembers"/>) join the
    /// user's: a member of the same name (for a method: and the same parameter types; an overload is
    /// fine), a constructor of the same signature (MLPG022), a class named like one of its members
    /// (MLPG023) or like a type the generated code names (MLPG032), and inherited members the generated
    /// ones would hide (MLPG022).
    /// </summary>
    private void CheckMembers(NetworkArguments arguments)
    {
        if (arguments.Sizes.Count < 2) return;   // MLPG002: which members there would be is unknown
        IReadOnlyList<GeneratedMember> generated = GeneratedMembers.For(arguments.Sizes.Count, arguments.Weights is not null, Name);
        string element = arguments.Element.Keyword();

        if (generated.FirstOrDefault(g => g.Kind != GeneratedMemberKind.Constructor && g.Name == Name) is { } sameAsClass)
        {
            Report(DiagnosticDescriptors.NamedLikeMember, NameLocation, Name, sameAsClass.Display(element));
        }
        // The generated code names these by their full names: a class of the same full name would take their place.
        if (_type.ContainingType is null && _type.ContainingNamespace is { Name: "MlpGen", ContainingNamespace.IsGlobalNamespace: true }
            && Name is "ActivationFunction" or "CostFunction" or "INetwork" or "Generated")
        {
            Report(DiagnosticDescriptors.NamedLikeUsedType, NameLocation, Name, "MlpGen." + Name);
        }

        foreach (ISymbol member in _type.GetMembers())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared) continue;
            if (Clash(member, generated, element, inherited: false) is { } clash)
            {
                Report(DiagnosticDescriptors.MemberConflict, member.Locations.FirstOrDefault(l => l.IsInSource) ?? NameLocation,
                    member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), Name, clash.Display(element));
            }
        }
        // The generated replica (INetwork<T>.Replicate) copies the network with object.MemberwiseClone(): a parameterless
        // MemberwiseClone declared in the class or a base class would be called instead.
        for (INamedTypeSymbol? type = _type; type is { SpecialType: not SpecialType.System_Object }; type = type.BaseType)
        {
            foreach (IMethodSymbol hiding in type.GetMembers("MemberwiseClone").OfType<IMethodSymbol>().Where(m => m.Parameters.Length == 0 && !m.IsImplicitlyDeclared))
            {
                Report(DiagnosticDescriptors.MemberConflict, hiding.Locations.FirstOrDefault(l => l.IsInSource) ?? NameLocation,
                    hiding.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), Name,
                    "Replicate(), which copies the network with object.MemberwiseClone()");
            }
        }
        for (INamedTypeSymbol? baseType = _type.BaseType; baseType is { SpecialType: not SpecialType.System_Object }; baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers())
            {
                if (member.IsImplicitlyDeclared || member.DeclaredAccessibility == Accessibility.Private) continue;
                if (Clash(member, generated, element, inherited: true) is { } clash)
                {
                    // On the inherited member where it is this project's source, else on the class.
                    Report(DiagnosticDescriptors.MemberConflict, member.Locations.FirstOrDefault(l => l.IsInSource) ?? NameLocation,
                        $"{baseType.Name}.{member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}", Name, clash.Display(element));
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
}
