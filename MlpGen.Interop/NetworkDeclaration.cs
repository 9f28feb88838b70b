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
        if (network.Activations is not { } activations)
        {
            if (network.Element == WeightsElement.Float64) arguments.Add("ElementType = typeof(double)");
            arguments.Add($"Weights = \"{weightsFile}\"");
            return $"[Network({string.Join(", ", arguments)})]";
        }
        ActivationFunction[] hidden = activations.Take(activations.Count - 1).ToArray();
        if (hidden.Distinct().Count() > 1)
            arguments.Add($"HiddenLayers = new[] {{ {string.Join(", ", hidden.Select(a => "NetworkActivation." + a))} }}");
        else if (hidden.Length > 0 && hidden[0] != ActivationFunction.Sigmoid)
            arguments.Add($"Hidden = NetworkActivation.{hidden[0]}");
        if (activations[^1] != ActivationFunction.Sigmoid) arguments.Add($"Output = NetworkOutput.{activations[^1]}");
        // The cost only matters for further training; the attribute's default follows the output (quadratic; log-likelihood for softmax).
        if (network.Cost is CostFunction.CrossEntropy) arguments.Add("Cost = NetworkCost.CrossEntropy");
        if (network.Cost is CostFunction.Quadratic && activations[^1] == ActivationFunction.Softmax) arguments.Add("Cost = NetworkCost.Quadratic");
        if (network.Element == WeightsElement.Float64) arguments.Add("ElementType = typeof(double)");
        arguments.Add($"Weights = \"{weightsFile}\"");
        return $"[Network({string.Join(", ", arguments)})]";
    }
}
