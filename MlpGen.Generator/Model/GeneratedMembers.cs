using System.Collections.Generic;

namespace MlpGen.Generator.Model;

/// <summary>What kind of member the generator adds to a network class.</summary>
internal enum GeneratedMemberKind
{
    Constant,
    Field,
    Property,
    Method,
    Constructor,
}

/// <summary>
/// One member the generator adds to the user's partial class. Parameter types are written as
/// <see cref="Microsoft.CodeAnalysis.SymbolDisplayFormat.FullyQualifiedFormat"/> renders them, with
/// <c>T</c> standing for the element type (<c>float</c> or <c>double</c>).
/// </summary>
internal sealed record GeneratedMember(string Name, GeneratedMemberKind Kind, params string[] ParameterTypes)
{
    /// <summary>The parameter types with the element type filled in.</summary>
    public string[] Parameters(string element)
    {
        var types = new string[ParameterTypes.Length];
        for (int i = 0; i < types.Length; i++) types[i] = ParameterTypes[i] == "T" ? element : ParameterTypes[i].Replace("<T>", "<" + element + ">");
        return types;
    }

    /// <summary>How the member reads in a diagnostic, e.g. <c>Predict(ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;)</c>.</summary>
    public string Display(string element) => Kind is GeneratedMemberKind.Method or GeneratedMemberKind.Constructor
        ? $"{Name}({string.Join(", ", System.Array.ConvertAll(Parameters(element), p => p.Replace("global::System.", "")))})"
        : Name;
}

/// <summary>
/// The members the generator adds to a network class, written down once: the parser refuses user
/// members that would clash with them, and a test compares this list with what the emitter really
/// declares, so that the two cannot drift apart.
/// </summary>
internal static class GeneratedMembers
{
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<T>";
    private const string Span = "global::System.Span<T>";

    /// <summary>The members of a network with <paramref name="layerCount"/> layers (input included), with or without baked-in weights.</summary>
    /// <param name="constructorName">The class's name, which its constructors carry.</param>
    public static IReadOnlyList<GeneratedMember> For(int layerCount, bool baked, string constructorName)
    {
        var members = new List<GeneratedMember>
        {
            new("InputSize", GeneratedMemberKind.Constant),
            new("OutputSize", GeneratedMemberKind.Constant),
            new("LayerCount", GeneratedMemberKind.Constant),
            new("ParameterCount", GeneratedMemberKind.Constant),
        };
        for (int l = 1; l < layerCount - 1; l++) members.Add(new($"Layer{l}Size", GeneratedMemberKind.Constant));
        members.Add(new("LayerSizes", GeneratedMemberKind.Property));
        members.Add(new("_storage", GeneratedMemberKind.Field));
        members.Add(new("_start", GeneratedMemberKind.Field));
        members.Add(new("_gradient", GeneratedMemberKind.Field));
        members.Add(new(constructorName, GeneratedMemberKind.Constructor, "int"));
        members.Add(new(constructorName, GeneratedMemberKind.Constructor));
        if (baked) members.Add(new("BakedParameters", GeneratedMemberKind.Property));
        members.Add(new("Parameters", GeneratedMemberKind.Property));
        members.Add(new("Predict", GeneratedMemberKind.Method, ReadOnlySpan, Span));
        members.Add(new("PredictBatch", GeneratedMemberKind.Method, ReadOnlySpan, Span));
        members.Add(new("PredictBatch", GeneratedMemberKind.Method, "global::System.ReadOnlyMemory<T>", "global::System.Memory<T>", "int"));
        members.Add(new("Classify", GeneratedMemberKind.Method, ReadOnlySpan));
        members.Add(new("ClassOf", GeneratedMemberKind.Method, ReadOnlySpan));
        members.Add(new("Cost", GeneratedMemberKind.Method, ReadOnlySpan, ReadOnlySpan));
        members.Add(new("Backpropagate", GeneratedMemberKind.Method, ReadOnlySpan, ReadOnlySpan, Span));
        members.Add(new("TrainMiniBatch", GeneratedMemberKind.Method, ReadOnlySpan, ReadOnlySpan, "T"));
        return members;
    }
}
