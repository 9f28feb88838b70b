using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace MlpGen.Tests.Infrastructure;

/// <summary>
/// Baseline files for generated source, one per generated file, in MlpGen.Tests/Snapshots, named
/// <c>{test}.{hint name}.txt</c>, plus <c>{test}.diagnostics.txt</c> when there are diagnostics. A missing, extra or changed file
/// fails the test with a readable diff and leaves a <c>.received.txt</c> beside the baseline; with
/// MLPGEN_UPDATE_SNAPSHOTS=1 the baselines are rewritten instead.
/// </summary>
internal static class Snapshot
{
    public static string Directory => Path.Combine(Repository.Root, "MlpGen.Tests", "Snapshots");

    private static bool Updating => Environment.GetEnvironmentVariable("MLPGEN_UPDATE_SNAPSHOTS") == "1";

    public static void Verify(string test, IReadOnlyDictionary<string, string> files)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var problems = new StringBuilder();
        var expectedNames = files.Keys.Select(k => $"{test}.{k}.txt").ToHashSet();
        foreach (string existing in System.IO.Directory.GetFiles(Directory, test + ".*.txt"))
        {
            string name = Path.GetFileName(existing);
            if (name.EndsWith(".received.txt", StringComparison.Ordinal) || expectedNames.Contains(name)) continue;
            if (Updating) File.Delete(existing);
            else problems.AppendLine($"Extra baseline {name}: the generator no longer produces it.");
        }
        foreach ((string key, string actualText) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            string path = Path.Combine(Directory, $"{test}.{key}.txt");
            string received = Path.ChangeExtension(path, ".received.txt");
            string actual = Normalize(actualText);
            if (Updating)
            {
                File.WriteAllText(path, actual);
                File.Delete(received);
                continue;
            }
            if (!File.Exists(path))
            {
                File.WriteAllText(received, actual);
                problems.AppendLine($"Missing baseline {Path.GetFileName(path)} (the output is in {Path.GetFileName(received)}).");
                continue;
            }
            string expected = Normalize(File.ReadAllText(path));
            if (expected == actual)
            {
                File.Delete(received);
                continue;
            }
            File.WriteAllText(received, actual);
            problems.AppendLine($"{Path.GetFileName(path)} differs (- baseline, + generated):");
            problems.AppendLine(Diff(expected, actual));
        }
        if (problems.Length > 0)
        {
            Assert.Fail(problems + "Run the tests with MLPGEN_UPDATE_SNAPSHOTS=1 to accept the new output.");
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    /// <summary>A line diff (longest common subsequence), showing changed lines with two lines of context, at most 60 lines.</summary>
    internal static string Diff(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--) lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        }

        var lines = new List<(char Kind, int Line, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { lines.Add((' ', x + 1, a[x])); x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) { lines.Add(('-', x + 1, a[x])); x++; }
            else { lines.Add(('+', y + 1, b[y])); y++; }
        }
        var output = new StringBuilder();
        int shown = 0, last = -1;
        for (int i = 0; i < lines.Count && shown < 60; i++)
        {
            bool near = false;
            for (int k = Math.Max(0, i - 2); k <= Math.Min(lines.Count - 1, i + 2); k++) near |= lines[k].Kind != ' ';
            if (!near) continue;
            if (last >= 0 && i > last + 1) output.AppendLine("  ...");
            output.AppendLine($"{lines[i].Kind} {lines[i].Line,5}: {lines[i].Text}");
            (shown, last) = (shown + 1, i);
        }
        return output.ToString();
    }
}
