namespace MlpGen.Generator.Model;

/// <summary>What the target framework offers the generated kernels, from the richest down.</summary>
internal enum FrameworkApis
{
    /// <summary>
    /// No cross-platform vectors (netstandard2.0 with System.Memory, so .NET Framework, Mono and Unity; also .NET 5–7 and
    /// netstandard2.1): scalar kernels only, written with the API of netstandard2.0 (<c>Math</c> in place of
    /// <c>MathF</c>, plain arrays in place of pinned uninitialised ones, a stream read loop in place of <c>ReadExactly</c>).
    /// </summary>
    NetStandard20,

    /// <summary>
    /// .NET 8: <c>Vector256</c> and <c>Vector128</c> with their cross-platform operations, but not .NET 9's <c>Exp</c>,
    /// <c>FusedMultiplyAdd</c> and <c>MultiplyAddEstimate</c>: the kernels keep every SIMD path and declare those three
    /// themselves (<c>VectorMathEmitter</c>).
    /// </summary>
    Net8,

    /// <summary>.NET 9 or later: everything the kernels call.</summary>
    Net9,
}

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
/// <param name="Framework">Which framework APIs the kernels may call.</param>
/// <param name="AggressiveOptimization">
/// Whether <c>MethodImplOptions.AggressiveOptimization</c> exists (.NET Core 3.0 and later): the kernels carry it where it
/// does, and no <c>[MethodImpl]</c> for it where it does not (.NET Framework and Mono have no tiered compilation to skip).
/// </param>
internal sealed record CodeTarget(bool FileLocalTypes, FrameworkApis Framework, bool AggressiveOptimization)
{
    /// <summary>C# 11 or later on .NET 9 or later: every construct in its newest form.</summary>
    public static CodeTarget Latest { get; } = new(FileLocalTypes: true, FrameworkApis.Net9, AggressiveOptimization: true);

    /// <summary>Whether the kernels have SIMD paths (<c>Vector256</c>, <c>Vector128</c>).</summary>
    public bool HasVectors => Framework != FrameworkApis.NetStandard20;

    /// <summary>Whether the kernels declare the vector exponential and multiply-adds that .NET 9 would give them.</summary>
    public bool OwnVectorMath => Framework == FrameworkApis.Net8;

    /// <summary>Whether <c>MathF</c>, <c>GC.AllocateUninitializedArray</c>, <c>Random.Shared</c>, <c>Stream.ReadExactly</c> and the span <c>BinaryPrimitives.ReverseEndianness</c> exist (.NET 8 and later).</summary>
    public bool ModernBcl => Framework != FrameworkApis.NetStandard20;
}
