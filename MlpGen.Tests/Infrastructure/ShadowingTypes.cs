using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using MlpGen.Generator.Emitting;

namespace MlpGen.Tests.Infrastructure;

/// <summary>
/// Types a user may declare in <c>MlpGen.Generated</c>, the kernels' namespace, with the names of every framework type
/// the generated code spells: generated code must compile beside them (issue 16.5). The names are read from the
/// snapshots, every <c>Alias::Name</c> the generator writes (with the aliases <see cref="Vocabulary.Aliases"/>
/// declares), so a name a new kernel starts to use is covered without editing a list.
/// </summary>
internal static class ShadowingTypes
{
    /// <summary>Every identifier after an alias in the snapshots: <c>System::IO.Stream</c> gives IO and Stream.</summary>
    public static IReadOnlyList<string> FrameworkNames { get; } = ReadNames();

    /// <summary>
    /// A <c>namespace MlpGen.Generated</c> block that declares, for each of <see cref="FrameworkNames"/>, a class of that
    /// name, a generic struct of it and a class of it with "Attribute" appended; then <paramref name="more"/>.
    /// </summary>
    public static string InMlpGenGenerated(params string[] more)
    {
        var declarations = new List<string>();
        foreach (string name in FrameworkNames)
        {
            declarations.Add($"internal class {name} {{ }}");
            declarations.Add($"internal struct {name}<T> {{ }}");
            if (!name.EndsWith("Attribute", System.StringComparison.Ordinal) && !FrameworkNames.Contains(name + "Attribute"))
                declarations.Add($"internal class {name}Attribute : global::System.Attribute {{ }}");
        }
        declarations.AddRange(more);
        var text = new StringBuilder("namespace MlpGen.Generated\n{\n");
        foreach (string declaration in declarations) text.Append("    ").Append(declaration).Append('\n');
        return text.Append("}\n").ToString();
    }

    private static List<string> ReadNames()
    {
        string aliases = string.Join("|", Vocabulary.Aliases.Select(a => Regex.Escape(a.Alias)));
        var qualified = new Regex($@"\b(?:{aliases})::([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)");
        var names = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(Snapshot.Directory, "*.g.cs.txt"))
        {
            foreach (Match match in qualified.Matches(File.ReadAllText(file)))
            {
                foreach (string segment in match.Groups[1].Value.Split('.')) names.Add(segment);
            }
        }
        Xunit.Assert.True(names.Count >= 10, $"only {names.Count} framework names found in the snapshots");
        return names.ToList();
    }
}
