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

    /// <summary>A weights file for the blocks that bake one in (<c>Weights = "digits.mlpw"</c>): the inference sample's 784-16-16-10.</summary>
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

        var weights = new InMemoryAdditionalText(DigitsWeights, File.ReadAllText(DigitsWeights));
        GeneratorHarness.Driver(parseOptions, weights)
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

/// <summary>A fenced code block: its info string (<c>csharp</c>, <c>csharp excerpt</c>, <c>bash</c>, …), its text, and the line of its opening fence.</summary>
internal sealed record CodeBlock(string Info, string Text, int Line);

/// <summary>A link or image outside code: its target as written, and its line.</summary>
internal sealed record Link(string Target, int Line);

/// <summary>
/// The little of Markdown the documentation tests need: fenced code blocks, inline links and images outside code,
/// and the anchors of the headings as GitHub makes them (lower case, punctuation dropped, spaces as hyphens, a
/// suffix -1, -2, … on repeats), plus explicit <c>id</c>/<c>name</c> attributes.
/// </summary>
internal sealed class Markdown
{
    private static readonly Regex Fence = new(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})\s*(?<info>[^`]*?)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex InlineCode = new(@"(`+)(.+?)(?<!`)\1(?!`)", RegexOptions.CultureInvariant);
    private static readonly Regex LinkPattern = new(@"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\((?<target><[^>]*>|[^()\s]+)(?:\s+""[^""]*"")?\)", RegexOptions.CultureInvariant);
    private static readonly Regex Heading = new(@"^ {0,3}#{1,6}\s+(?<text>.*?)(?:\s+#+)?\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex ExplicitAnchor = new(@"\b(?:id|name)\s*=\s*""(?<anchor>[^""]+)""", RegexOptions.CultureInvariant);
    private static readonly Regex LinkInHeading = new(@"!?\[(?<text>[^\]]*)\]\([^)]*\)", RegexOptions.CultureInvariant);
    private static readonly Regex NotInAnchor = new(@"[^\p{L}\p{M}\p{Nd}\p{Pc}\- ]", RegexOptions.CultureInvariant);

    private Markdown(List<CodeBlock> blocks, List<Link> links, HashSet<string> anchors) => (Blocks, Links, Anchors) = (blocks, links, anchors);

    public IReadOnlyList<CodeBlock> Blocks { get; }

    public IReadOnlyList<Link> Links { get; }

    public IReadOnlyCollection<string> Anchors { get; }

    /// <summary>True for a target with a scheme (https:, mailto:, …) or a protocol-relative one: not a file of the repository.</summary>
    public static bool IsExternal(string target) => Regex.IsMatch(target, "^([A-Za-z][A-Za-z0-9+.-]*:|//)", RegexOptions.CultureInvariant);

    public static Markdown Parse(string text)
    {
        var blocks = new List<CodeBlock>();
        var links = new List<Link>();
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var slugCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');

        for (int i = 0; i < lines.Length; i++)
        {
            Match open = Fence.Match(lines[i]);
            if (open.Success)
            {
                string fence = open.Groups["fence"].Value;
                int indent = open.Groups["indent"].Length;
                var body = new StringBuilder();
                int j = i + 1;
                for (; j < lines.Length; j++)
                {
                    string trimmed = lines[j].TrimStart(' ');
                    if (trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.TrimEnd().Trim(fence[0]).Length == 0) break;
                    body.Append(lines[j].Length >= indent && lines[j][..indent].Trim().Length == 0 ? lines[j][indent..] : lines[j].TrimStart(' ')).Append('\n');
                }
                blocks.Add(new CodeBlock(open.Groups["info"].Value, body.ToString(), i + 1));
                i = j;
                continue;
            }

            string line = InlineCode.Replace(lines[i], m => new string(' ', m.Length));
            foreach (Match link in LinkPattern.Matches(line))
            {
                links.Add(new Link(link.Groups["target"].Value.Trim('<', '>'), i + 1));
            }
            foreach (Match id in ExplicitAnchor.Matches(line)) anchors.Add(id.Groups["anchor"].Value);

            Match heading = Heading.Match(lines[i]);
            if (heading.Success)
            {
                string slug = Slug(heading.Groups["text"].Value);
                int seen = slugCounts.GetValueOrDefault(slug);
                slugCounts[slug] = seen + 1;
                anchors.Add(seen == 0 ? slug : $"{slug}-{seen}");
            }
        }
        return new Markdown(blocks, links, anchors);
    }

    /// <summary>GitHub's anchor of a heading: its text without markup, lower case, punctuation dropped, each space a hyphen.</summary>
    public static string Slug(string heading)
    {
        string text = LinkInHeading.Replace(heading, m => m.Groups["text"].Value);
        text = InlineCode.Replace(text, m => m.Groups[2].Value);
        text = text.Replace("*", "", StringComparison.Ordinal).ToLowerInvariant();
        return NotInAnchor.Replace(text, "").Replace(' ', '-');
    }
}
