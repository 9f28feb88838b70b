using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// What the compilation offers the generated code, read once per compilation (not once per network)
/// and kept as plain values, so that an edit which leaves them as they were leaves every network cached.
/// The one place that decides the shape of the code (<see cref="Target"/>: which language and framework constructs it
/// uses), whether networks can be generated at all (MLPG040, MLPG041), whether they implement the runtime's interface
/// and whether they may skip zeroing their stack buffers.
/// </summary>
/// <param name="LanguageVersion">The project's C# version.</param>
/// <param name="MissingFrameworkApis">The .NET 9 vector APIs the kernels call that the target framework lacks, e.g. <c>Vector256.Exp</c>; empty on .NET 9 and later.</param>
/// <param name="Framework">What the target framework offers the kernels.</param>
/// <param name="MissingMemoryTypes">
/// The types of System.Memory and System.Runtime.CompilerServices.Unsafe that the generated code uses and the compilation
/// lacks (<see cref="MemoryTypes"/>); empty where the framework has them (.NET Core 2.1 and later) or the packages are referenced.
/// </param>
/// <param name="AggressiveOptimization">Whether <c>MethodImplOptions.AggressiveOptimization</c> exists.</param>
/// <param name="RuntimeReferenced">Whether MlpGen.Runtime is referenced: the networks then implement its <c>INetwork&lt;T&gt;</c>.</param>
/// <param name="AllowUnsafe">Whether unsafe code is allowed and <c>[SkipLocalsInit]</c> exists, which the kernels then carry.</param>
internal sealed record CompilationFacts(LanguageVersion LanguageVersion, EquatableArray<string> MissingFrameworkApis, FrameworkApis Framework, EquatableArray<string> MissingMemoryTypes,
    bool AggressiveOptimization, bool RuntimeReferenced, bool AllowUnsafe)
{
    /// <summary>
    /// The oldest C# the generated code compiles in: it uses target-typed <c>new()</c>, <c>is not</c> patterns and
    /// static lambdas, which came with C# 9 (Unity's version).
    /// </summary>
    public const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp9;

    /// <summary>
    /// The C# of file-local types (<c>file static class</c>), which keep the kernels out of the user's sight: C# 11, 1100,
    /// which Roslyn 4.3's enum does not name yet (the generator's Roslyn 4.3 build compiles this too).
    /// </summary>
    public const LanguageVersion FileLocalTypesVersion = (LanguageVersion)1100;

    public static CompilationFacts Of(Compilation compilation)
    {
        string[] missing = MissingApis(compilation).ToArray();
        return new(
            compilation is CSharpCompilation csharp ? csharp.LanguageVersion : LanguageVersion.Latest,
            new EquatableArray<string>(missing),
            missing.Length == 0 ? FrameworkApis.Net9
                // .NET 8: the vector classes with their cross-platform operations (.NET 7), Vector512 (.NET 8) as the mark of
                // the rest of .NET 8's library that the kernels use (the span ReverseEndianness, RuntimeHelpers.CreateSpan).
                : HasMember(compilation, "System.Runtime.Intrinsics.Vector256", "IsHardwareAccelerated")
                    && compilation.GetTypeByMetadataName("System.Runtime.Intrinsics.Vector512") is not null ? FrameworkApis.Net8
                : FrameworkApis.NetStandard20,
            new EquatableArray<string>(MemoryTypes.Where(type => compilation.GetTypeByMetadataName(type.MetadataName) is null).Select(type => type.Name).ToArray()),
            AggressiveOptimization: HasMember(compilation, "System.Runtime.CompilerServices.MethodImplOptions", "AggressiveOptimization"),
            RuntimeReferenced: compilation.GetTypeByMetadataName(AttributeSource.RuntimeInterfaceMetadataName) is not null,
            AllowUnsafe: compilation.Options is CSharpCompilationOptions { AllowUnsafe: true }
                && compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.SkipLocalsInitAttribute") is not null);
    }

    /// <summary>
    /// The types of the System.Memory and System.Runtime.CompilerServices.Unsafe packages that the generated code uses on
    /// every shape: netstandard2.0 and .NET Framework have none of them, netstandard2.1 (and Unity's profile) has the spans
    /// but not <c>Unsafe</c>.
    /// </summary>
    private static readonly (string MetadataName, string Name)[] MemoryTypes =
    {
        ("System.Span`1", "System.Span<T>"),
        ("System.Runtime.InteropServices.MemoryMarshal", "System.Runtime.InteropServices.MemoryMarshal"),
        ("System.Runtime.CompilerServices.Unsafe", "System.Runtime.CompilerServices.Unsafe"),
    };

    /// <summary>What the generated code is written for, decided from these facts: see <see cref="CodeTarget"/>.</summary>
    public CodeTarget Target => new(FileLocalTypes: LanguageVersion >= FileLocalTypesVersion, Framework, AggressiveOptimization);

    /// <summary>Why no network of this compilation can be generated, reported on each network's name; empty when nothing stands in the way.</summary>
    public IEnumerable<DiagnosticInfo> Unmet(string network, LocationInfo? location)
    {
        if (LanguageVersion < MinimumLanguageVersion)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.LanguageVersionTooOld, location, network, LanguageVersion.ToDisplayString());
        }
        if (MissingMemoryTypes.Count > 0)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.NoSpan, location, network, string.Join(", ", MissingMemoryTypes));
        }
    }

    /// <summary>
    /// What the compatible shapes the compilation asks for cost, reported on each network's name as information (nothing
    /// is refused for it): below C# 11, the kernels are internal classes instead of file-local ones (MLPG024); below
    /// .NET 9, an exponential and multiply-adds of the kernels' own, or scalar kernels only (MLPG025).
    /// </summary>
    public IEnumerable<DiagnosticInfo> Compromises(string network, LocationInfo? location)
    {
        if (!Target.FileLocalTypes)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.LanguageVersionBelow11, location, network, LanguageVersion.ToDisplayString());
        }
        if (Framework == FrameworkApis.Net8)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.FrameworkBelowNet9, location, network,
                $"it lacks {string.Join(", ", MissingFrameworkApis)} (.NET 9): the SIMD kernels keep their Vector256 and Vector128 paths and declare "
                + "an exponential of their own (a polynomial within 1 ulp of the exact value for float, 2 ulp for double) and multiply-adds through System.Runtime.Intrinsics.X86.Fma "
                + "or Arm.AdvSimd, at about the speed of the .NET 9 code");
        }
        else if (Framework == FrameworkApis.NetStandard20)
        {
            yield return DiagnosticInfo.At(DiagnosticDescriptors.FrameworkBelowNet9, location, network,
                "it has no cross-platform vectors (netstandard2.0, .NET Framework, Mono, Unity, .NET 5 to 7): the kernels are scalar loops only, "
                + "with Math in place of MathF, several times slower than the SIMD kernels of .NET 8 and later (on the .NET 10 JIT, 6 to 7.5 times to infer and 15 to 18 times to train)");
        }
    }

    /// <summary>The kernels' framework APIs that came with .NET 9 (Vector256/Vector128 Exp, FusedMultiplyAdd, MultiplyAddEstimate) and the compilation lacks.</summary>
    private static IEnumerable<string> MissingApis(Compilation compilation) =>
        from vector in new[] { "Vector256", "Vector128" }
        from method in new[] { "Exp", "FusedMultiplyAdd", "MultiplyAddEstimate" }
        where !HasMember(compilation, "System.Runtime.Intrinsics." + vector, method)
        select vector + "." + method;

    private static bool HasMember(Compilation compilation, string type, string member) =>
        compilation.GetTypesByMetadataName(type).Any(t => t.GetMembers(member).Any(m => m.DeclaredAccessibility == Accessibility.Public));
}
