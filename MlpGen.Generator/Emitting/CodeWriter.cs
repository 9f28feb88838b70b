using System;
using System.Text;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// A small indenting text writer for emitted C#. Braces come only from <see cref="Block"/>, whose scope
/// closes them (<c>using (w.Block("for (...)")) { ... }</c>), so an emitter cannot leave one open.
/// </summary>
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

    /// <summary>
    /// Writes <paramref name="header"/> (unless empty), an opening brace, and indents; disposing the result
    /// writes <paramref name="closing"/> (a brace, or e.g. <c>};</c> after an initializer).
    /// </summary>
    public Scope Block(string header, string closing = "}")
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _indent++;
        return new Scope(this, closing);
    }

    public override string ToString() => _text.ToString();

    /// <summary>The open block of <see cref="Block"/>; disposing it writes the closing brace.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly CodeWriter _writer;
        private readonly string _closing;

        internal Scope(CodeWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line(_closing);
        }
    }
}
