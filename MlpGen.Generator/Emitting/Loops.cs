using System.Globalization;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// A constant bound of a loop: its value, for deciding how often the loop runs, and its text, as the emitted code says
/// it: by the name of a size (<c>N0</c>), derived from names (<c>N0 - N0 % 8</c>), or <c>0</c>; never a bare number
/// beside a name.
/// </summary>
internal readonly struct Bound
{
    private Bound(int value, string text)
    {
        Value = value;
        Text = text;
    }

    public int Value { get; }

    public string Text { get; }

    public static Bound Zero { get; } = new(0, "0");

    /// <summary>A whole size, by its name.</summary>
    public static Bound Size(int size, string name) => new(size, name);

    /// <summary>
    /// The end of the whole steps of <paramref name="step"/> in a size: the size itself when the steps fill it (<c>N0</c>),
    /// <c>0</c> when there is not one step, else <c>N0 - N0 % 8</c>.
    /// </summary>
    public static Bound WholeSteps(int size, string name, int step)
    {
        int value = size - size % step;
        return value == size ? new(size, name) : value == 0 ? Zero : new(value, $"{name} - {name} % {step}");
    }

    /// <summary>A number, for loops over counts that have no name (a group's samples are named <c>Group</c>).</summary>
    public static Bound Number(int value) => new(value, value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// The index of a loop as the body writes it: the loop's variable (<c>j</c>), or, where the loop runs once and is folded
/// into a block, the one value it takes (<c>0</c>), so that the body reads <c>o0 = b + …</c> instead of
/// <c>Unsafe.Add(ref o0, j) = Unsafe.Add(ref b, j) + …</c>.
/// </summary>
internal readonly struct LoopIndex
{
    private readonly string? _variable;
    private readonly int _value;

    private LoopIndex(string? variable, int value)
    {
        _variable = variable;
        _value = value;
    }

    public static LoopIndex Variable(string name) => new(name, 0);

    public static LoopIndex Constant(int value) => new(null, value);

    /// <summary>The index plus <paramref name="offset"/>: <c>j</c>, <c>j + 1</c>; or the number.</summary>
    public string Plus(int offset = 0) =>
        _variable is null ? Number(_value + offset) : offset == 0 ? _variable : $"{_variable} + {offset}";

    /// <summary>(index + <paramref name="offset"/>) · <paramref name="size"/>: <c>j * N0</c>, <c>(j + 1) * N0</c>; <c>0</c>, <c>N0</c>, <c>3 * N0</c>.</summary>
    public string Times(string size, int offset = 0) =>
        _variable is null ? Vocabulary.Times(_value + offset, size) : offset == 0 ? $"{_variable} * {size}" : $"({_variable} + {offset}) * {size}";

    /// <summary>
    /// The index plus <paramref name="offset"/> as the element offset of a vector load or store, which takes a
    /// <c>nuint</c>: <c>(uint)k</c>, <c>(uint)(k + 8)</c>, or the number (a constant converts by itself). The cast is to
    /// <c>uint</c>, a keyword; <c>nuint</c> is a contextual keyword, which a user's type named <c>nuint</c> would take over.
    /// </summary>
    public string Offset(int offset = 0) =>
        _variable is null ? Number(_value + offset) : offset == 0 ? $"(uint){_variable}" : $"(uint)({_variable} + {offset})";

    public override string ToString() => Plus();

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
