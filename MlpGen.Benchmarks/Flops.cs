using System;

namespace MlpGen.Benchmarks;

// BCL only: MlpGen.Tests compiles this file too, to check that MlpGen.ModelSummary counts the same FLOPs.

/// <summary>FLOPs per sample of the network computations, counting 2 per multiply-add (codegen-evidence.md counts the same way).</summary>
public static class Flops
{
    /// <summary>Feedforward: Σ_l n_l·n_(l−1) multiply-adds.</summary>
    public static double Forward(ReadOnlySpan<int> sizes)
    {
        double macs = 0;
        for (int l = 1; l < sizes.Length; l++) macs += (double)sizes[l] * sizes[l - 1];
        return 2 * macs;
    }

    /// <summary>Training per sample with mini-batch m: feedforward, Wᵀδ for layers 2..L, δ·aᵀ for every layer, and the update of each weight once per mini-batch.</summary>
    public static double TrainPerSample(ReadOnlySpan<int> sizes, int miniBatch)
    {
        double transposed = 0, weights = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            weights += (double)sizes[l] * sizes[l - 1];
            if (l > 1) transposed += (double)sizes[l] * sizes[l - 1];
        }
        return 2 * (weights + transposed + weights) + 2 * weights / miniBatch;
    }
}
