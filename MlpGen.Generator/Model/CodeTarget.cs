namespace MlpGen.Generator.Model;

/// <summary>
/// What the generated code may use of the language and the framework it is compiled for: decided once per compilation
/// (<c>Parsing.CompilationFacts</c>), carried on every <see cref="NetworkModel"/>, and read by the emitters through the
/// plan, so that one value says which form each construct takes. On .NET 9 or later with C# 11 or later everything is
/// available (<see cref="Latest"/>) and the code is what it always was.
/// </summary>
/// <param name="FileLocalTypes">
/// C# 11 or later: the kernels and the baked weights are <c>file static class</c>es, invisible outside the generated file.
/// Below C# 11 they are <c>internal</c> classes whose names are made from the network's full metadata name, so that no
/// two networks' helpers can share a name, and hidden from IntelliSense with <c>[EditorBrowsable(Never)]</c>.
/// </param>
internal sealed record CodeTarget(bool FileLocalTypes)
{
    /// <summary>C# 11 or later on .NET 9 or later: every construct in its newest form.</summary>
    public static CodeTarget Latest { get; } = new(FileLocalTypes: true);
}
