using System.Linq;
using Xunit;

namespace MlpGen.Tests.Rules;

/// <summary>Text from a file is quoted in an error as a short excerpt on one line, whatever it holds.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class FileTextTests
{
    [Theory]
    [InlineData("/fc1/Gemm", "/fc1/Gemm")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("cr\r\nlf", "cr\\r\\nlf")]
    [InlineData("tab\there", "tab\\there")]
    [InlineData("bell\u0007nul\0del\u007F", "bell\\u0007nul\\u0000del\\u007F")]
    [InlineData("next\u0085line\u2028para\u2029", "next\\u0085line\\u2028para\\u2029")]   // NEL and the Unicode line and paragraph separators
    [InlineData("bidi\u202Eoverride\u200Bzero-width", "bidi\\u202Eoverride\\u200Bzero-width")]   // format characters: invisible, or reorder the line
    [InlineData("emoji 😀 and é", "emoji 😀 and é")]   // a surrogate pair and a letter with its accent stay as they are
    [InlineData("tag \U000E0041", "tag \\U000E0041")]   // a format character outside the BMP
    [InlineData("back\\slash", "back\\slash")]          // shown as it is
    public void Excerpt_EscapesWhatIsNotVisibleOnOneLine(string text, string expected) =>
        Assert.Equal(expected, FileText.Excerpt(text));

    [Fact]
    public void Excerpt_EscapesAnUnpairedSurrogate()   // not in InlineData: the test runner's serialisation would replace it
    {
        Assert.Equal("lone \\uD800 high", FileText.Excerpt("lone \uD800 high"));
        Assert.Equal("lone \\uDC00 low", FileText.Excerpt("lone \uDC00 low"));
        Assert.Equal("reversed \\uDE00\\uD83D pair", FileText.Excerpt("reversed \uDE00\uD83D pair"));
    }

    [Fact]
    public void Excerpt_IsAtMostMaxLengthCharacters_ThenAnEllipsis()
    {
        Assert.Equal(new string('a', FileText.MaxLength), FileText.Excerpt(new string('a', FileText.MaxLength)));
        Assert.Equal(new string('a', FileText.MaxLength) + "…", FileText.Excerpt(new string('a', FileText.MaxLength + 1)));
        Assert.Equal(new string('a', FileText.MaxLength) + "…", FileText.Excerpt(new string('a', 1_000_000)));
        // An escape that would cross the limit is left out whole, not cut in half; so is a surrogate pair.
        Assert.Equal(new string('a', FileText.MaxLength - 1) + "…", FileText.Excerpt(new string('a', FileText.MaxLength - 1) + "\n"));
        Assert.Equal(new string('a', FileText.MaxLength - 1) + "…", FileText.Excerpt(new string('a', FileText.MaxLength - 1) + "😀"));
    }

    [Fact]
    public void Quoted_PutsTheExcerptInSingleQuotes() =>
        Assert.Equal("'a\\nb'", FileText.Quoted("a\nb"));

    [Fact]
    public void List_NamesTheFirstFew_AndCountsTheRest()
    {
        Assert.Equal("'x'", FileText.List(new[] { "'x'" }));
        Assert.Equal("'a' and 'b'", FileText.List(new[] { "'a'", "'b'" }, " and "));
        string[] many = Enumerable.Range(1, 9).Select(i => $"'{i}'").ToArray();
        Assert.Equal("'1', '2', '3', '4', … (9 in all)", FileText.List(many));
    }
}
