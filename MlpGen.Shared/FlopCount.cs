using System;
using System.Collections.Generic;
#if MLPGEN_GENERATOR
using MlpGen.Generator.Rules;
#endif

namespace MlpGen;

/// <summary>
/// The floating-point operations of a network of layer sizes n_0..n_L, counting 2 per multiply-add (as
/// docs/design/codegen-evidence.md does). This one file is compiled into MlpGen.Runtime (<c>ModelSummary</c>), the
/// netstandard2.0 source generator (the info diagnostic MLPG033) and MlpGen.Benchmarks (GFLOP/s), so the three
/// count the same by construction; it therefore uses only what netstandard2.0 offers.
/// <list type="bullet">
/// <item>inference (feedforward) per sample: 2·W, W = Σ_l n_l·n_(l−1), the number of weights;</item>
/// <item>training per sample with mini-batch m: the feedforward 2·W, δ·aᵀ for every layer 2·W, Wᵀδ for the
/// layers 2..L 2·(W − n_1·n_0) (the input has no δ), and the update of each weight once per mini-batch 2·W/m.</item>
/// </list>
/// Activations, costs and biases are left out: they are O(Σ n_l), against O(W) for the products.
/// </summary>
internal static class FlopCount
{
    /// <summary>W = Σ_l n_l·n_(l−1), the number of weights (<see cref="ParameterLayout.WeightCount"/>; one multiply-add each in a feedforward pass).</summary>
    public static long Weights(IReadOnlyList<int> sizes)
    {
        var layout = new ParameterLayout(sizes);
        long weights = 0;
        for (int l = 1; l <= layout.Layers; l++) weights += layout.WeightCount(l);
        return weights;
    }

    /// <summary>FLOPs of one feedforward pass: 2·W.</summary>
    public static long InferencePerSample(IReadOnlyList<int> sizes) => 2 * Weights(sizes);

    /// <summary>FLOPs of training per sample with mini-batch <paramref name="miniBatch"/>: 2·(W + W + (W − n_1·n_0)) + 2·W/m.</summary>
    public static double TrainingPerSample(IReadOnlyList<int> sizes, int miniBatch)
    {
        if (miniBatch <= 0) throw new ArgumentOutOfRangeException(nameof(miniBatch), miniBatch, "The mini-batch must be positive.");
        var layout = new ParameterLayout(sizes);
        long weights = Weights(sizes);
        long transposed = weights - layout.WeightCount(1);   // Wᵀδ is not needed for the first layer
        return 2.0 * (weights + transposed + weights) + 2.0 * weights / miniBatch;
    }
}
