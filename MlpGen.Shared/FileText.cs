// Shared source (MlpGen.Shared.projitems): compiled into MlpGen.Runtime (which MlpGen.Interop sees it through) and into
// the netstandard2.0 generator, where it lives in MlpGen.Generator.Rules. Only netstandard2.0 APIs.
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
#if MLPGEN_GENERATOR
namespace MlpGen.Generator.Rules;
#else
namespace MlpGen;
#endif

/// <summary>
/// How an error message shows text that came from a file (a line of a weights file, an ONNX node's or tensor's name, a
/// JSON value, what a parser found in the bytes): a short excerpt on one line. Whatever the file holds, a line break,
/// a control character or a megabyte-long name, the message stays one line: the weights reader's, the converters'
/// and the generator's diagnostics alike.
/// </summary>
internal static class FileText
{
    /// <summary>The most characters of file text a message quotes (escapes count as what they print); more ends in "…".</summary>
    public const int MaxLength = 60;

    /// <summary>The most names a message lists; more end in "… (N in all)".</summary>
    public const int MaxItems = 4;

    /// <summary>
    /// <paramref name="text"/> as one short line: at most <paramref name="maxLength"/> characters, cut with "…", and
    /// every character that is not visible text on one line escaped: \n, \r, \t, and \uXXXX for other control and
    /// format characters, line and paragraph separators and unpaired surrogates. An excerpt for a person to read,
    /// not a literal to parse back (a backslash in the text is shown as it is).
    /// </summary>
    public static string Excerpt(string text, int maxLength = MaxLength)
    {
        var excerpt = new StringBuilder(System.Math.Min(text.Length, maxLength) + 1);
        for (int i = 0; i < text.Length; i++)
        {
            int width = char.IsSurrogatePair(text, i) ? 2 : 1;
            string shown = IsVisibleOnOneLine(text, i) ? text.Substring(i, width) : Escape(text, i);
            if (excerpt.Length + shown.Length > maxLength) return excerpt.Append('…').ToString();
            excerpt.Append(shown);
            i += width - 1;
        }
        return excerpt.ToString();
    }

    /// <summary>The <see cref="Excerpt"/> of <paramref name="text"/> in single quotes, as messages name things: <c>'/fc1/Gemm'</c>.</summary>
    public static string Quoted(string text) => $"'{Excerpt(text)}'";

    /// <summary>
    /// The first <see cref="MaxItems"/> of <paramref name="items"/> (each already an excerpt, e.g. <see cref="Quoted"/>),
    /// joined by <paramref name="separator"/>; more are counted, not listed: <c>'a', 'b', 'c', 'd', … (9 in all)</c>.
    /// </summary>
    public static string List(IReadOnlyList<string> items, string separator = ", ")
    {
        string listed = string.Join(separator, items.Take(MaxItems));
        return items.Count > MaxItems ? $"{listed}, … ({items.Count} in all)" : listed;
    }

    private static bool IsVisibleOnOneLine(string text, int index)
    {
        if (char.IsSurrogatePair(text, index)) return CharUnicodeInfo.GetUnicodeCategory(text, index) != UnicodeCategory.Format;
        return CharUnicodeInfo.GetUnicodeCategory(text[index]) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate);
    }

    private static string Escape(string text, int index) => text[index] switch
    {
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ when char.IsSurrogatePair(text, index) => $"\\U{char.ConvertToUtf32(text, index):X8}",
        char c => $"\\u{(int)c:X4}",
    };
}
