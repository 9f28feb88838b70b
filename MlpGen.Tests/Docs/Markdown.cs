using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace MlpGen.Tests.Docs;

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
