using System.Collections.Generic;
using System.Globalization;
using System.Text;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Model;

/// <summary>
/// The figures of the opt-in info diagnostic MLPG033: the same as the runtime's <c>MlpGen.ModelSummary</c> (each
/// layer's shape, activation, weights and biases; parameters and their bytes; FLOPs per sample, 2 per
/// multiply-add, by <c>MlpGen.FlopCount</c>, the file the runtime and MlpGen.Benchmarks compile too), so that a
/// user sees a network's size and cost at compile time.
/// </summary>
internal static class ModelSummaryText
{
    /// <summary>The mini-batch of the training figure: SgdOptions' default.</summary>
    public const int MiniBatch = 10;

    /// <summary>
    /// E.g. <c>784-30-10, quadratic cost: layer 1 784 → 30 sigmoid (23,520 weights, 30 biases); layer 2 30 → 10 sigmoid (300 weights, 10 biases);
    /// 23,860 parameters (95,440 bytes of float); 47,640 FLOPs per sample to infer, 100,644 to train at mini-batch 10</c>.
    /// </summary>
    public static string Describe(IReadOnlyList<int> sizes, IReadOnlyList<ActivationFunction> activations, CostFunction cost, ElementKind element)
    {
        var text = new StringBuilder(ParameterLayout.Topology(sizes));
        text.Append(", ").Append(NetworkRules.Name(cost)).Append(" cost: ");
        var layout = new ParameterLayout(sizes);
        for (int l = 1; l <= layout.Layers; l++)
        {
            text.Append(Invariant($"layer {l} {sizes[l - 1]} → {sizes[l]} {NetworkRules.Name(activations[l - 1])} ({layout.WeightCount(l):N0} weights, {sizes[l]:N0} biases); "));
        }
        long parameters = layout.Count;
        text.Append(Invariant($"{parameters:N0} parameters ({parameters * element.Size():N0} bytes of {element.Keyword()}); "));
        text.Append(Invariant($"{FlopCount.InferencePerSample(sizes):N0} FLOPs per sample to infer, {FlopCount.TrainingPerSample(sizes, MiniBatch):N0} to train at mini-batch {MiniBatch}"));
        return text.ToString();
    }

    private static string Invariant(System.FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
