using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MlpGen.Training;

namespace MlpGen.Sample;

/// <summary>
/// The sample's numeric options. Each parses and checks its value in one place, its parser: a value that
/// is not a number, or is out of range, becomes a parse error naming the option and the value as typed
/// (<c>--epochs: expected a whole number of 0 or more, found 'x'.</c>). Nothing reads an option's value
/// before it has parsed (validators that did so threw InvalidOperationException and aborted the process).
/// </summary>
internal static class NumericOption
{
    /// <summary>A whole-number option from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Option<int> WholeNumber(string name, string? alias, string description, int defaultValue, int minimum = int.MinValue, int maximum = int.MaxValue) =>
        new(name, alias is null ? [] : [alias])
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseWholeNumber(result, name, minimum, maximum) ?? default,
        };

    /// <summary>A whole-number option of at least <paramref name="minimum"/> that is off (null) unless given.</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int minimum) => new(name)
    {
        Description = description,
        CustomParser = result => ParseWholeNumber(result, name, minimum, int.MaxValue),
    };

    /// <summary>The one rule of the whole-number options: the value, or a parse error naming the option, the range and the token.</summary>
    private static int? ParseWholeNumber(ArgumentResult result, string name, int minimum, int maximum)
    {
        string token = Token(result);
        if (IsWholeNumber(token, minimum, maximum, out int value)) return value;
        string expected = (minimum, maximum) switch
        {
            (int.MinValue, int.MaxValue) => "a whole number",
            (_, int.MaxValue) => $"a whole number of {minimum} or more",
            _ => $"a whole number from {minimum} to {maximum}",
        };
        result.AddError($"{name}: expected {expected}, found '{token}'.");
        return null;
    }

    private static bool IsWholeNumber(string token, int minimum, int maximum, out int value) =>
        int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= minimum && value <= maximum;

    /// <summary>The learning rate of a <see cref="float"/> network, checked by the runtime's own rule (<see cref="LearningRate"/>); null when not given.</summary>
    public static Option<double?> LearningRateOf32BitNetwork(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string token = Token(result);
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && LearningRate.IsValid<float>(value)) return value;
            result.AddError($"{name}: {LearningRate.Problem($"'{token}'")}");
            return null;
        },
    };

    /// <summary>A real number of 0 or more, finite (λ); null when not given.</summary>
    public static Option<double?> NonNegativeReal(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string token = Token(result);
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0) return value;
            result.AddError($"{name}: expected a finite number of 0 or more, found '{token}'.");
            return null;
        },
    };

    /// <summary>A coefficient in [0, 1) (momentum μ); null when not given.</summary>
    public static Option<double?> Coefficient(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            string token = Token(result);
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value < 1) return value;
            result.AddError($"{name}: expected a number in [0, 1), found '{token}'.");
            return null;
        },
    };

    /// <summary>
    /// A learning-rate schedule: <c>constant</c>, <c>step:K:F</c> (η·F every K epochs, K ≥ 1, 0 &lt; F ≤ 1)
    /// or <c>plateau:K:N</c> (halve η after K epochs without validation improvement, stop at the N-th plateau; K, N ≥ 1).
    /// </summary>
    public static Option<LearningRateSchedule> Schedule(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "constant|step:K:F|plateau:K:N",
        DefaultValueFactory = _ => LearningRateSchedule.Constant,
        CustomParser = result =>
        {
            string token = Token(result);
            string[] parts = token.Split(':');
            if (parts is ["constant"]) return LearningRateSchedule.Constant;
            if (parts is ["step", var k, var f] && IsPositiveInt(k, out int every)
                && double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) && factor > 0 && factor <= 1)
            {
                return LearningRateSchedule.StepDecay(every, factor);
            }
            if (parts is ["plateau", var p, var n] && IsPositiveInt(p, out int patience) && IsPositiveInt(n, out int halvings))
            {
                return LearningRateSchedule.HalveOnPlateau(patience, halvings);
            }
            result.AddError($"{name}: expected constant, step:K:F (K ≥ 1 epochs, factor 0 < F ≤ 1) or plateau:K:N (K, N ≥ 1), found '{token}'.");
            return LearningRateSchedule.Constant;
        },
    };

    private static bool IsPositiveInt(string token, out int value) => IsWholeNumber(token, 1, int.MaxValue, out value);

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
}
