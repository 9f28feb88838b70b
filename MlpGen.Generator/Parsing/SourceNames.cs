using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MlpGen.Generator.Parsing;

/// <summary>How the generated source names the user's types and namespaces, and how its file is named.</summary>
internal static class SourceNames
{
    /// <summary>
    /// The hint name of a network's file: the type's metadata identity (namespace, containing types
    /// with their arity joined by <c>+</c>, the type), which no other type of the compilation shares,
    /// restricted to the characters Roslyn accepts in hint names. Roslyn compares hint names ignoring
    /// case, so when a namespace or type along the way has a sibling whose name differs only in case,
    /// a hash of the exact identity keeps the name unique.
    /// </summary>
    public static string HintName(INamedTypeSymbol type)
    {
        (string identity, bool caseClash) = Identity(type);
        var safe = new System.Text.StringBuilder(identity.Length + 16);
        foreach (char c in identity) safe.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '+' or '`' ? c : '_');
        if (caseClash) safe.Append('.').Append(Fnv1a(identity).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        return safe + ".g.cs";
    }

    /// <summary>
    /// An identifier made from the type's metadata identity (<see cref="HintName"/>), which no other type's identity
    /// makes, for the helper classes that cannot be file-local below C# 11: <c>Demo.Net</c> → <c>Demo_Net</c>,
    /// <c>Company.Models.Host`1+Net</c> → <c>Company_Models_Host_31_2Net</c>. The identity's characters are those of
    /// identifiers, and <c>.</c>, <c>+</c> and <c>`</c>; the underscore escapes: <c>_1</c> is an underscore, <c>_2</c> a
    /// <c>+</c>, <c>_3</c> a <c>`</c>, and <c>_</c> before anything but a digit a <c>.</c> (a name never starts with a
    /// digit), so the identity can be read back from the identifier and two identities never give one identifier.
    /// </summary>
    public static string UniqueName(INamedTypeSymbol type)
    {
        string identity = Identity(type).Identity;
        var name = new System.Text.StringBuilder(identity.Length + 8);
        foreach (char c in identity)
        {
            name.Append(c switch
            {
                '_' => "_1",
                '+' => "_2",
                '`' => "_3",
                '.' => "_",
                _ => c.ToString(),
            });
        }
        return name.ToString();
    }

    /// <summary>The metadata identity of a type: namespace, containing types with their arity joined by <c>+</c>, the type; and whether a name along the way has a sibling that differs only in case.</summary>
    private static (string Identity, bool CaseClash) Identity(INamedTypeSymbol type)
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
        return (string.Concat(parts), caseClash);
    }

    /// <summary>The declaration keyword(s) of a type, as a partial declaration repeats them.</summary>
    public static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    /// <summary>The type's name and type parameter list as a partial declaration repeats them, escaped.</summary>
    public static string NameWithTypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? Escape(type.Name) : $"{Escape(type.Name)}<{string.Join(", ", type.TypeParameters.Select(p => Escape(p.Name)))}>";

    /// <summary>A namespace's full name with each part escaped; null for the global namespace.</summary>
    public static string? Namespace(INamespaceSymbol ns)
    {
        var parts = new List<string>();
        for (; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace) parts.Insert(0, Escape(ns.Name));
        return parts.Count == 0 ? null : string.Join(".", parts);
    }

    /// <summary>
    /// An identifier as C# source: with <c>@</c> where it is a keyword or a contextual keyword, and
    /// where it is all lower-case ASCII (the names C# reserves for future keywords, CS8981).
    /// </summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) != SyntaxKind.None
            || identifier.All(c => c is >= 'a' and <= 'z')
            ? "@" + identifier
            : identifier;

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
}
