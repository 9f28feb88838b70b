using System.CommandLine;

namespace MlpGen.Sample;

/// <summary>
/// An option that takes one of a few words. A word outside the list is one parse error naming the option,
/// the choices and the word as typed (<c>--hidden: expected sigmoid, tanh, relu or leaky-relu, found 'x'.</c>),
/// where AcceptOnlyFromAmong prints one line per choice.
/// </summary>
internal static class ChoiceOption
{
    /// <summary>An option with <paramref name="choices"/>; <paramref name="defaultValue"/> null means "not given" (its description says the default).</summary>
    public static Option<string?> Create(string name, string? alias, string description, string? defaultValue, params string[] choices)
    {
        string expected = choices.Length == 1 ? choices[0] : string.Join(", ", choices[..^1]) + " or " + choices[^1];
        var option = new Option<string?>(name, alias is null ? [] : [alias])
        {
            Description = description,
            HelpName = string.Join("|", choices),
            CustomParser = result =>
            {
                string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (System.Array.IndexOf(choices, token) >= 0) return token;
                result.AddError($"{name}: expected {expected}, found '{token}'.");
                return null;
            },
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        return option;
    }
}
