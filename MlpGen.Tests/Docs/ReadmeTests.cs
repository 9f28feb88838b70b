using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Docs;

/// <summary>
/// The documentation as a reader meets it: README.md, the package README (docs/package-readme.md) and the manual
/// (docs/**/*.md). Every <c>```csharp</c> block compiles as written, as a file of its own, with the generator
/// running and the runtime and MlpGen.Interop referenced, without an error or a warning (a block fenced
/// <c>```csharp excerpt</c> is a piece of generated code or a fragment, and is not compiled). Every relative link
/// and image points to a file of the repository that exists, and to a heading of it when it names one.
/// </summary>
[Trait("Category", "NoKernels")]
public class ReadmeTests(ITestOutputHelper output)
{
    /// <summary>The package README, which the NuGet packages carry as their README.md.</summary>
    private const string PackageReadme = "docs/package-readme.md";

    /// <summary>A weights file for the blocks that bake one in (<c>Weights = "digits.mlpw"</c>, or Unity's <c>"digits.MlpGen.Generator.additionalfile"</c>): the inference sample's 784-16-16-10.</summary>
    private static readonly string DigitsWeights = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw");

    /// <summary>Every page: README.md and the Markdown files under docs/, as paths relative to the repository, with '/'.</summary>
    public static TheoryData<string> Pages
    {
        get
        {
            var pages = new TheoryData<string> { "README.md" };
            foreach (string path in Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                pages.Add(Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'));
            }
            return pages;
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void CSharpBlocks_CompileAsWritten_WithoutErrorsOrWarnings(string page)
    {
        CodeBlock[] blocks = Markdown.Parse(Read(page)).Blocks.Where(b => b.Info == "csharp").ToArray();
        if (page is "README.md" or PackageReadme)
        {
            Assert.True(blocks.Length > 0, $"{page} has no ```csharp block: its example must be one, so that this test compiles it.");
        }

        var failures = new List<string>();
        foreach (CodeBlock block in blocks)
        {
            Diagnostic[] problems = Compile(block.Text);
            output.WriteLine($"{page}:{block.Line}: {(problems.Length == 0 ? "compiles" : $"{problems.Length} problems")}");
            failures.AddRange(problems.Select(d => $"{page}, the block at line {block.Line}: {Describe(d)}"));
        }
        Assert.True(failures.Count == 0, "The documentation's C# does not compile as written:\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void RelativeLinks_PointToFilesAndHeadingsThatExist(string page)
    {
        var failures = new List<string>();
        foreach (Link link in Markdown.Parse(Read(page)).Links)
        {
            if (Markdown.IsExternal(link.Target)) continue;
            if (page == PackageReadme)
            {
                failures.Add($"{page}:{link.Line}: '{link.Target}' is relative, but nuget.org shows this README without the repository beside it: link with a full URL");
                continue;
            }
            string? problem = Resolve(page, link.Target);
            if (problem is not null) failures.Add($"{page}:{link.Line}: '{link.Target}' {problem}");
        }
        Assert.True(failures.Count == 0, "Broken links:\n" + string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Pages_NameNoPathsOfTheMachineTheyWereWrittenOn(string page)
    {
        string[] lines = Read(page).Split('\n');
        var found = lines
            .Select((line, i) => (line, number: i + 1))
            .Where(l => MachinePath.IsMatch(l.line))
            .Select(l => $"{page}:{l.number}: {l.line.Trim()}")
            .ToArray();
        Assert.True(found.Length == 0, "Paths of one machine (write path/to/…, or a path relative to the repository):\n" + string.Join("\n", found));
    }

    /// <summary>Home directories and the like: places that exist on one machine only.</summary>
    private static readonly Regex MachinePath = new(@"(?<![\w.])(/work/|/home/|/root/|/Users/|/tmp/|[A-Za-z]:\\Users\\)", RegexOptions.CultureInvariant);

    private static string Read(string page) => File.ReadAllText(Path.Combine(Repository.Root, page)).Replace("\r\n", "\n");

    /// <summary>Compiles one block as a file of its own (a program when it has top-level statements) with the generator; returns its errors and warnings.</summary>
    private static Diagnostic[] Compile(string source)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, parseOptions, path: "Program.cs", encoding: Encoding.UTF8);
        bool program = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        IEnumerable<MetadataReference> references = Net100.References.All
            .Append(MetadataReference.CreateFromFile(typeof(INetwork<>).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(MlpGen.Interop.ModelFile).Assembly.Location));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            new[] { tree },
            references,
            new CSharpCompilationOptions(
                program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release,
                warningLevel: 9999));

        // The same weights under Unity's name for an additional file too (docs/hosts.md, Unity).
        string text = File.ReadAllText(DigitsWeights);
        var weights = new InMemoryAdditionalText(DigitsWeights, text);
        var unityWeights = new InMemoryAdditionalText("/project/Assets/Models/digits.MlpGen.Generator.additionalfile", text);
        // And their int8 form, for the blocks that bake an int8 network (docs/quantization.md).
        string int8Path = Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits-int8.mlpw");
        var int8Weights = new InMemoryAdditionalText(int8Path, File.ReadAllText(int8Path));
        GeneratorHarness.Driver(parseOptions, weights, unityWeights, int8Weights)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation generated, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return generatorDiagnostics.Concat(generated.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToArray();
    }

    private static string Describe(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        string where = diagnostic.Location.IsInSource ? $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): " : "";
        return $"{where}{diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage()}";
    }

    /// <summary>Null when a relative link from <paramref name="page"/> resolves to a file or folder of the repository (and to a heading of it when it names one); else what is wrong.</summary>
    private static string? Resolve(string page, string target)
    {
        int hash = target.IndexOf('#');
        string path = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        string? anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);

        string pageDirectory = Path.GetDirectoryName(Path.Combine(Repository.Root, page))!;
        string full = path.Length == 0 ? Path.Combine(Repository.Root, page) : Path.GetFullPath(Path.Combine(pageDirectory, path));
        string root = Path.TrimEndingDirectorySeparator(Repository.Root) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal) && full != Path.TrimEndingDirectorySeparator(Repository.Root))
            return "points outside the repository";
        if (!File.Exists(full) && !Directory.Exists(full)) return $"points to {Path.GetRelativePath(Repository.Root, full)}, which does not exist";
        if (anchor is null) return null;
        if (!full.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(full)) return "names a heading in a file that is not Markdown";
        IReadOnlyCollection<string> anchors = Markdown.Parse(File.ReadAllText(full).Replace("\r\n", "\n")).Anchors;
        return anchors.Contains(anchor)
            ? null
            : $"names the heading #{anchor}, which {Path.GetRelativePath(Repository.Root, full)} does not have (it has: {string.Join(", ", anchors.Select(a => "#" + a))})";
    }
}
