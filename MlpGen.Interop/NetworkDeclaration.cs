using System.Linq;
using MlpGen.Persistence;

namespace MlpGen.Interop;

/// <summary>The C# declaration of a network class that computes what a <see cref="NetworkWeights"/> computes.</summary>
public static class NetworkDeclaration
{
    /// <summary>
    /// The <c>[Network(…)]</c> attribute (namespace <c>MlpGen</c> imported) of a class with the network's topology,
    /// activations, cost and element type that bakes <paramref name="weightsFile"/>, e.g.
    /// <c>[Network(784, 24, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Identity, Weights = "digits.mlpw")]</c>.
    /// </summary>
    /// <remarks>
    /// For weights of unknown activations (a version 1 file) the attribute names none: the class gets the attribute's
    /// defaults (sigmoid), and whoever declares it adds <c>Hidden</c>/<c>Output</c> as the network was trained.
    /// </remarks>
    public static string Attribute(NetworkWeights network, string weightsFile)
    {
        var arguments = network.LayerSizes.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (network.Activations is { } activations)
        {
            // Only what differs from the attribute's defaults: sigmoid neurons, and the cost that follows the output.
            ActivationFunction[] hidden = activations.Take(activations.Count - 1).ToArray();
            ActivationFunction output = activations[^1];
            if (hidden.Distinct().Count() > 1)
                arguments.Add($"HiddenLayers = new[] {{ {string.Join(", ", hidden.Select(a => "NetworkActivation." + a))} }}");
            else if (hidden.Length > 0 && hidden[0] != NetworkRules.DefaultHiddenActivation)
                arguments.Add($"Hidden = NetworkActivation.{hidden[0]}");
            if (output != NetworkRules.DefaultOutputActivation) arguments.Add($"Output = NetworkOutput.{output}");
            // The cost only matters for further training.
            if (network.Cost is { } cost && cost != NetworkRules.DefaultCost(output)) arguments.Add($"Cost = NetworkCost.{cost}");
        }
        if (network.Element == WeightsElement.Float64) arguments.Add("ElementType = typeof(double)");
        arguments.Add($"Weights = {StringLiteral(weightsFile)}");
        return $"[Network({string.Join(", ", arguments)})]";
    }

    /// <summary>
    /// <paramref name="text"/> as a C# string literal that compiles whatever the file name holds: quotes, backslashes
    /// and control characters escaped (<c>a"b\c</c> → <c>"a\"b\\c"</c>).
    /// </summary>
    private static string StringLiteral(string text)
    {
        var literal = new System.Text.StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            _ = c switch
            {
                '"' => literal.Append("\\\""),
                '\\' => literal.Append("\\\\"),
                _ when char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u0085' =>
                    literal.Append(System.FormattableString.Invariant($"\\u{(int)c:X4}")),
                _ => literal.Append(c),
            };
        }
        return literal.Append('"').ToString();
    }
}
