using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// What the compilation offers the generated code, read once per compilation (not once per network)
/// and kept as plain values, so that an edit which leaves them as they were leaves every network cached.
/// The one place that decides whether networks can be generated at all (MLPG024, MLPG025), whether they
/// implement the runtime's interface and whether they may skip zeroing their stack buffers.
/// </summary>
/// <param name="LanguageVersion">The project's C# version.</param>
/// <param name="MissingFrameworkApis">The framework APIs the generated kernels call that the target framework lacks, e.g. <c>Vector256.Exp</c>; empty on .NET 9 and later.</param>
/// <param name="RuntimeReferenced">Whether MlpGen.Runtime is referenced: the networks then implement its <c>INetwork&lt;T&gt;</c>.</param>
/// <param name="AllowUnsafe">Whether unsafe code is allowed, which <c>[SkipLocalsInit]</c> needs.</param>
internal sealed record CompilationFacts(LanguageVersion LanguageVersion, EquatableArray<string> MissingFrameworkApis, bool RuntimeReferenced, bool AllowUnsafe)
{
    /// <summary>
    /// The oldest C# the generated code compiles in: it uses target-typed <c>new()</c>, <c>is not</c> patterns and
    /// static lambdas, which came with C# 9 (Unity's version).
    /// </summary>
    public const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp9;

    /// <summary>The C# of file-local types (<c>file static class</c>), which keep the kernels out of the user's sight.</summary>
    public const LanguageVersion FileLocalTypesVersion = LanguageVersion.CSharp11;

    /// <summary>What the generated code is written for, decided from these facts: see <see cref="CodeTarget"/>.</summary>
    public CodeTarget Target => new(FileLocalTypes: LanguageVersion >= FileLocalTypesVersion);

    public static CompilationFacts Of(Compilation compilation) => new(
        compilation is CSharpCompilation csharp ? csharp.LanguageVersion : MinimumLanguageVersion,
        new EquatableArray<string>(MissingApis(compilation)),
        RuntimeReferenced: compilation.GetTypeByMetadataName(AttributeSource.RuntimeInterfaceMetadataName) is not null,
        AllowUnsafe: compilation.Options is CSharpCompilationOptions { AllowUnsafe: true });

    /// <summary>Why no network of this compilation can be generated, reported on each network's name; empty when nothing stands in the way.</summary>
    public IEnumerable<DiagnosticInfo> Unmet(string network, LocationInfo? location)
    {
        if (LanguageVersion < MinimumLanguageVersion)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.LanguageVersionTooOld, location, network, LanguageVersion.ToDisplayString());
        }
        if (MissingFrameworkApis.Count > 0)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.FrameworkTooOld, location, network, string.Join(", ", MissingFrameworkApis));
        }
    }

    /// <summary>The kernels' framework APIs that came with .NET 9 (Vector256/Vector128 Exp, FusedMultiplyAdd, MultiplyAddEstimate) and the compilation lacks.</summary>
    private static IEnumerable<string> MissingApis(Compilation compilation) =>
        from vector in new[] { "Vector256", "Vector128" }
        from method in new[] { "Exp", "FusedMultiplyAdd", "MultiplyAddEstimate" }
        where !compilation.GetTypesByMetadataName("System.Runtime.Intrinsics." + vector)
            .Any(type => type.GetMembers(method).Any(m => m.DeclaredAccessibility == Accessibility.Public))
        select vector + "." + method;

    /// <summary>
    /// What choosing a compatible form costs, reported on each network's name as information (nothing is refused for
    /// it): below C# 11, the kernels are internal classes instead of file-local ones (MLPG024).
    /// </summary>
    public IEnumerable<DiagnosticInfo> Compromises(string network, LocationInfo? location)
    {
        if (LanguageVersion < FileLocalTypesVersion)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.LanguageVersionBelow11, location, network, LanguageVersion.ToDisplayString());
        }
    }
}
