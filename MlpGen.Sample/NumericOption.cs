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
    /// <summary>A whole-number option of at least <paramref name="minimum"/>.</summary>
    public static Option<int> WholeNumber(string name, string alias, string description, int defaultValue, int minimum = int.MinValue)
    {
        string expected = minimum == int.MinValue ? "a whole number" : $"a whole number of {minimum} or more";
        return new Option<int>(name, alias)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string token = Token(result);
                if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= minimum) return value;
                result.AddError($"{name}: expected {expected}, found '{token}'.");
                return default;
            },
        };
    }

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

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
}
