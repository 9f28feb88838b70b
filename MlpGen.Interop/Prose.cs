using System.Collections.Generic;
using System.Linq;

namespace MlpGen.Interop;

/// <summary>Lists in the words of a message.</summary>
internal static class Prose
{
    /// <summary><c>a</c>, <c>a or b</c>, <c>a, b or c</c>.</summary>
    public static string Or(IEnumerable<string> items) => Join(items.ToList(), "or");

    /// <summary><c>a</c>, <c>a and b</c>, <c>a, b and c</c>.</summary>
    public static string And(IEnumerable<string> items) => Join(items.ToList(), "and");

    private static string Join(IReadOnlyList<string> items, string conjunction) => items.Count <= 1
        ? string.Concat(items)
        : $"{string.Join(", ", items.Take(items.Count - 1))} {conjunction} {items[^1]}";
}
