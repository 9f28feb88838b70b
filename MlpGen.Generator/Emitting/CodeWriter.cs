using System.Text;

namespace MlpGen.Generator.Emitting;

/// <summary>A small indenting text writer for emitted C#.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until <see cref="Close"/>.</summary>
    public CodeWriter Open(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string closing = "}")
    {
        _indent--;
        Line(closing);
        return this;
    }

    public override string ToString() => _text.ToString();
}
