using System;
using System.Collections.Generic;
using System.Text;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// A small indenting text writer for emitted C#. Braces come only from <see cref="Block"/>, whose scope
/// closes them (<c>using (w.Block("for (...)")) { ... }</c>), so an emitter cannot leave one open. Loops with constant
/// bounds come from <see cref="For"/>, which writes a loop only where it runs at least twice; comments and long sums
/// are wrapped to <see cref="Width"/>.
/// </summary>
internal sealed class CodeWriter
{
    /// <summary>The width, indentation included, that comments and sums are wrapped to.</summary>
    public const int Width = 120;

    /// <summary>The width, indentation included, beyond which a signature is wrapped; no line of code should be longer.</summary>
    public const int CodeWidth = 150;

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

    /// <summary>
    /// A method (or constructor) and its body: <c>head(parameters)</c> on one line where it fits in <see cref="CodeWidth"/>,
    /// else the parameters on the lines after <c>head(</c>, one level in, wrapped to <see cref="Width"/>.
    /// </summary>
    public Scope Method(string head, params string[] parameters)
    {
        string single = $"{head}({string.Join(", ", parameters)})";
        if (Indentation(0) + single.Length <= CodeWidth) return Block(single);
        Line(head + "(");
        _indent++;
        var line = new StringBuilder();
        for (int i = 0; i < parameters.Length; i++)
        {
            string item = parameters[i] + (i == parameters.Length - 1 ? ")" : ",");
            if (line.Length > 0 && Indentation(0) + line.Length + 1 + item.Length > Width)
            {
                Line(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(item);
        }
        Line(line.ToString());
        _indent--;
        return Block("");
    }

    /// <summary>
    /// A loop of <paramref name="variable"/> from <paramref name="from"/> up to <paramref name="to"/> in steps of
    /// <paramref name="step"/>, constant bounds: a <c>for</c> loop where it runs at least twice; where it runs once, a block
    /// with the index folded in, after a comment naming the one <paramref name="what"/> and its index (<c>// One block of
    /// 8 rows: j = 0.</c>); nothing where it never runs. <paramref name="body"/> writes the statements for an index.
    /// </summary>
    public void For(string variable, Bound from, Bound to, int step, string what, Action<LoopIndex> body)
    {
        switch (Trips(from, to, step))
        {
            case 0:
                return;
            case 1:
                Line($"// One {what}: {variable} = {from.Value}.");
                using (Block("")) body(LoopIndex.Constant(from.Value));
                return;
            default:
                using (Block(ForHeader(variable, from, to, step))) body(LoopIndex.Variable(variable));
                return;
        }
    }

    /// <summary>
    /// <see cref="For"/> with a body of one statement, on the loop's line: <c>for (int i = 1; i &lt; N2; i++) statement</c>;
    /// where it runs once, the statement alone, with the index folded in.
    /// </summary>
    public void ForLine(string variable, Bound from, Bound to, int step, Func<LoopIndex, string> statement)
    {
        switch (Trips(from, to, step))
        {
            case 0:
                return;
            case 1:
                Line(statement(LoopIndex.Constant(from.Value)));
                return;
            default:
                Loop(ForHeader(variable, from, to, step), statement(LoopIndex.Variable(variable)));
                return;
        }
    }

    /// <summary>A loop of one statement: on the loop's line where that fits in <see cref="CodeWidth"/>, else in a block.</summary>
    public void Loop(string header, string statement)
    {
        if (Indentation(0) + header.Length + 1 + statement.Length <= CodeWidth)
        {
            Line($"{header} {statement}");
            return;
        }
        using (Block(header)) Line(statement);
    }

    private static int Trips(Bound from, Bound to, int step) => to.Value <= from.Value ? 0 : (to.Value - from.Value + step - 1) / step;

    private static string ForHeader(string variable, Bound from, Bound to, int step) =>
        $"for (int {variable} = {from.Text}; {variable} < {to.Text}; {variable}{(step == 1 ? "++" : $" += {step}")})";

    /// <summary>
    /// <c>left = right;</c> on one line where it fits in <see cref="CodeWidth"/>, else broken after the <c>=</c>, the
    /// right-hand side on the next line one level in.
    /// </summary>
    public void Assign(string left, string right)
    {
        string single = $"{left} = {right};";
        if (Indentation(0) + single.Length <= CodeWidth)
        {
            Line(single);
            return;
        }
        Line(left + " =");
        _indent++;
        Line(right + ";");
        _indent--;
    }

    /// <summary>
    /// One declaration of several variables of <paramref name="type"/>: <c>type a = x, b = y;</c>, as many declarators on
    /// a line as fit in <see cref="Width"/>, continued one level in.
    /// </summary>
    public void Declare(string type, IReadOnlyList<string> declarators)
    {
        string line = type;
        for (int i = 0; i < declarators.Count; i++)
        {
            string item = declarators[i] + (i == declarators.Count - 1 ? ";" : ",");
            if (i > 0 && Indentation(0) + line.Length + 1 + item.Length > Width)
            {
                Line(line);
                line = "   ";
            }
            line += " " + item;
        }
        Line(line);
    }

    /// <summary>
    /// A statement <paramref name="head"/> followed by <paramref name="terms"/> joined by <c> + </c> (the first after a
    /// space when the head ends in <c>=</c>), as many on a line as fit in <see cref="CodeWidth"/>, at most
    /// <paramref name="perLine"/>, continued on lines one level in that start with <c>+</c> (the first term on a line of
    /// its own when it does not fit after an assignment's <c>=</c>), ended by a semicolon. Only the layout changes: the
    /// terms are added left to right, in the order given.
    /// </summary>
    public void Sum(string head, IReadOnlyList<string> terms, int perLine = int.MaxValue)
    {
        bool assignment = head.EndsWith("=", StringComparison.Ordinal);
        string line = head;
        int onLine = 0;
        for (int i = 0; i < terms.Count; i++)
        {
            string joined = line + (i == 0 && assignment ? " " : " + ") + terms[i];
            int end = i == terms.Count - 1 ? 1 : 0;   // the last term carries the semicolon
            if (onLine == perLine || Indentation(0) + joined.Length + end > CodeWidth)
            {
                Line(line);
                line = (i == 0 && assignment ? "    " : "    + ") + terms[i];
                onLine = 1;
                continue;
            }
            line = joined;
            onLine++;
        }
        Line(line + ";");
    }

    /// <summary>An XML documentation summary: on one line where it fits in <see cref="Width"/>, else wrapped between the tags.</summary>
    public void Summary(string text)
    {
        string single = $"/// <summary>{text}</summary>";
        if (Indentation(0) + single.Length <= Width)
        {
            Line(single);
            return;
        }
        Line("/// <summary>");
        Comment("/// ", text);
        Line("/// </summary>");
    }

    /// <summary>
    /// <paramref name="text"/> as comment lines starting with <paramref name="prefix"/> (<c>// </c> or <c>/// </c>), wrapped
    /// at spaces to <see cref="Width"/>; never inside an XML tag, nor next to an operator of a formula (<c>1 / (1 + e^−z)</c>
    /// stays on one line).
    /// </summary>
    public void Comment(string prefix, string text)
    {
        var line = new StringBuilder();
        string previous = "";
        foreach (string word in Words(text))
        {
            bool breakable = !IsOperator(previous) && !IsOperator(word);
            if (line.Length > 0 && breakable && Indentation(0) + prefix.Length + line.Length + 1 + word.Length > Width)
            {
                Line(prefix + line);
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
            previous = word;
        }
        if (line.Length > 0) Line(prefix + line);
    }

    private static bool IsOperator(string word) => word is "=" or "+" or "−" or "-" or "/" or "·" or "⊙" or "×" or "+=" or "←";

    /// <summary>The words of a text, split at spaces outside XML tags (a <c>&lt;see cref="x"/&gt;</c> stays whole).</summary>
    private static IEnumerable<string> Words(string text)
    {
        int start = 0, depth = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '<')
            {
                depth++;
            }
            else if (i < text.Length && text[i] == '>')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (i == text.Length || (text[i] == ' ' && depth == 0))
            {
                if (i > start) yield return text.Substring(start, i - start);
                start = i + 1;
            }
        }
    }

    private int Indentation(int extra) => (_indent + extra) * 4;

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
