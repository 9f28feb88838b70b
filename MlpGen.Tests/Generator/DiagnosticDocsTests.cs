using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using MlpGen.Generator;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// Every diagnostic links to its own heading in docs/diagnostics.md, and that heading says what triggers
/// it, shows an example and gives the fix; IDs are unique and a retired ID is never given out again.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class DiagnosticDocsTests
{
    /// <summary>IDs that were skipped or retired: never to be used again.</summary>
    private static readonly string[] Retired = { "MLPG034" };

    private const string Page = "docs/diagnostics.md";

    private static readonly DiagnosticDescriptor[] Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    private static readonly string Text = File.ReadAllText(Path.Combine(Repository.Root, Page));

    /// <summary>The page's second-level headings, each with its anchor as GitHub makes it and the text up to the next heading.</summary>
    private static readonly (string Heading, string Anchor, string Body)[] Sections = Regex.Matches(Text, @"^## (?<heading>.+)\r?\n(?<body>(?:(?!^## ).*\r?\n?)*)", RegexOptions.Multiline)
        .Select(m => (m.Groups["heading"].Value.Trim(), Anchor(m.Groups["heading"].Value.Trim()), m.Groups["body"].Value))
        .ToArray();

    /// <summary>GitHub's anchor of a heading: lower case, punctuation other than '-' and '_' dropped, spaces as '-'.</summary>
    private static string Anchor(string heading) =>
        new string(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-');

    [Fact]
    public void TheDescriptorsAreFound_AndTheirIdsAreUnique_AndNoneIsRetired()
    {
        Assert.True(Descriptors.Length >= 37, $"found only {Descriptors.Length} descriptors");
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(Descriptors, d => Assert.Matches("^MLPG[0-9]{3}$", d.Id));
        Assert.Empty(Descriptors.Select(d => d.Id).Intersect(Retired));
    }

    [Fact]
    public void EveryDescriptor_LinksToItsOwnHeading_OnThePageInTheRepository()
    {
        Assert.EndsWith("/" + Page, DiagnosticDescriptors.HelpLinkBase);
        Assert.StartsWith("https://", DiagnosticDescriptors.HelpLinkBase);
        var anchors = Sections.Select(s => s.Anchor).ToHashSet();
        Assert.All(Descriptors, d =>
        {
            Assert.Equal($"{DiagnosticDescriptors.HelpLinkBase}#{d.Id.ToLowerInvariant()}", d.HelpLinkUri);
            string anchor = d.HelpLinkUri.Substring(d.HelpLinkUri.IndexOf('#') + 1);
            Assert.True(anchors.Contains(anchor), $"{d.Id}: no heading of {Page} has the anchor #{anchor}");
        });
    }

    [Fact]
    public void EveryIdHasOneHeading_ThatSaysWhenWithAnExampleAndTheFix_AndNoHeadingIsOfAnUnknownId()
    {
        string[] headings = Sections.Select(s => s.Heading).Where(h => h.StartsWith("MLPG", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Descriptors.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal), headings.OrderBy(h => h, StringComparer.Ordinal));
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            string body = Sections.Single(s => s.Heading == descriptor.Id).Body;
            Assert.True(body.Contains($"**{descriptor.Title}**", StringComparison.Ordinal), $"{descriptor.Id}: the heading does not give the title '{descriptor.Title}'");
            string severity = descriptor.DefaultSeverity == DiagnosticSeverity.Error ? "(error" : "(info";
            Assert.True(body.Contains(severity, StringComparison.Ordinal), $"{descriptor.Id}: the heading does not give the severity {severity})");
            foreach (string part in new[] { "**When:**", "**Example:**", "**Fix:**" })
            {
                Assert.True(body.Contains(part, StringComparison.Ordinal), $"{descriptor.Id}: no {part}");
            }
        }
    }

    /// <summary>
    /// IDs whose example is not C# the generator can be run on: MLPG018 is the generator's own failure (no
    /// declaration causes it); MLPG024, MLPG025, MLPG040 and MLPG041 are caused by the project (its C# version, its
    /// framework, its packages), so their examples are project files.
    /// </summary>
    private static readonly string[] ExamplesNotInCSharp = { "MLPG018", "MLPG024", "MLPG025", "MLPG040", "MLPG041" };

    /// <summary>
    /// Every C# example (<c>```csharp diagnostic</c>) reports the diagnostic of its heading when compiled with
    /// <c>using MlpGen;</c> and the generator, beside the weights files its comment describes.
    /// </summary>
    [Fact]
    public void EveryExample_ReportsTheDiagnosticOfItsHeading()
    {
        var failures = new List<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            string[] examples = Docs.Markdown.Parse(Sections.Single(s => s.Heading == descriptor.Id).Body).Blocks
                .Where(b => b.Info == "csharp diagnostic").Select(b => b.Text).ToArray();
            if (ExamplesNotInCSharp.Contains(descriptor.Id))
            {
                Assert.True(examples.Length == 0, $"{descriptor.Id} has a C# example now: take it off the list of those without one");
                continue;
            }
            if (examples.Length == 0) failures.Add($"{descriptor.Id}: no ```csharp diagnostic example");
            foreach (string example in examples)
            {
                // MLPG033 is off by default: the example turns it on, as the page says a project does.
                Compilation compilation = GeneratorHarness.Compile("using MlpGen;\n" + example);
                compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
                    new Dictionary<string, ReportDiagnostic> { ["MLPG033"] = ReportDiagnostic.Info }));
                (GeneratorRunResult result, Compilation _) = GeneratorHarness.Run(compilation, WeightsFilesFor(descriptor.Id));
                string[] ids = result.Diagnostics.Select(d => d.Id).Distinct().ToArray();
                if (!ids.Contains(descriptor.Id)) failures.Add($"{descriptor.Id}: its example reports {(ids.Length == 0 ? "nothing" : string.Join(", ", ids))}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The weights files the examples' comments describe ("digits.mlpw was saved from a 784-30-10 float network", …).</summary>
    private static AdditionalText[] WeightsFilesFor(string id)
    {
        static string Saved(int[] sizes, ActivationFunction[] activations) =>
            WeightsText(new Persistence.NetworkWeights(sizes, activations, null, Persistence.WeightsElement.Float32, new double[ParameterLayout.CountOf(sizes)]));
        string digits = Saved(new[] { 784, 30, 10 }, new[] { ActivationFunction.Sigmoid, ActivationFunction.Sigmoid });
        return id switch
        {
            "MLPG012" => new AdditionalText[] { new InMemoryAdditionalText("digits.mlpw", digits) },
            "MLPG013" => new AdditionalText[] { new InMemoryAdditionalText("digits.mlpw", digits[..(digits.Length / 2)]) },
            "MLPG014" => new AdditionalText[] { new InMemoryAdditionalText("digits.mlpw", "MLPW 3" + digits[digits.IndexOf('\n')..]) },
            "MLPG015" => new AdditionalText[] { new InMemoryAdditionalText("models/a/digits.mlpw", digits), new InMemoryAdditionalText("models/b/digits.mlpw", digits) },
            "MLPG035" => new AdditionalText[] { new InMemoryAdditionalText("digits.mlpw", digits) },
            "MLPG039" => new AdditionalText[] { new InMemoryAdditionalText("digits.mlpw", Saved(new[] { 784, 100, 10 }, new[] { ActivationFunction.Sigmoid, ActivationFunction.Sigmoid })) },
            _ => Array.Empty<AdditionalText>(),
        };
    }

    private static string WeightsText(Persistence.NetworkWeights weights)
    {
        string path = Path.GetTempFileName();
        try
        {
            Persistence.WeightsFile.Write(path, weights);
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The table at the top links every ID to its heading, with its title.</summary>
    [Fact]
    public void TheTableListsEveryId_WithItsTitle()
    {
        var rows = Regex.Matches(Text, @"^\| \[(?<id>MLPG[0-9]{3})\]\(#(?<anchor>[a-z0-9-]+)\) \| [^|]+ \| (?<title>[^|]+) \|$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["id"].Value, m => (Anchor: m.Groups["anchor"].Value, Title: m.Groups["title"].Value.Trim()));
        Assert.Equal(Descriptors.Length, rows.Count);
        Assert.All(Descriptors, d => Assert.Equal((d.Id.ToLowerInvariant(), d.Title.ToString()), rows[d.Id]));
    }

    /// <summary>Every ID is in the analyzer release notes (the build checks the format; this, that nothing is left out).</summary>
    [Fact]
    public void EveryIdIsInTheReleaseNotes()
    {
        string notes = string.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "MlpGen.Generator"), "AnalyzerReleases.*.md").Select(File.ReadAllText));
        Assert.All(Descriptors, d => Assert.Matches($@"(?m)^{d.Id} \| MlpGen \|", notes));
    }

    /// <summary>MLPG004's message states the limits as the constants set them.</summary>
    [Fact]
    public void TheTooLargeMessage_StatesTheLimitConstants()
    {
        string message = DiagnosticDescriptors.TooLarge.MessageFormat.ToString();
        foreach (long limit in new[] { DiagnosticDescriptors.MaxInputs, DiagnosticDescriptors.MaxNeurons, DiagnosticDescriptors.MaxParameters })
        {
            Assert.Contains(limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), message);
        }
    }
}
