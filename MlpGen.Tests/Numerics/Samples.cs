using System;
using MlpGen.Tests.Infrastructure;

namespace MlpGen.Tests.Numerics;

/// <summary>Inputs and targets for the math tests: real digits for 784-wide networks, seeded random values otherwise.</summary>
internal static class Samples
{
    public static (double[] Inputs, double[] Targets) For(int inputSize, int outputSize, int count, int seed)
    {
        var inputs = new double[count * inputSize];
        var targets = new double[count * outputSize];
        var random = new Random(seed);
        if (inputSize == 784 && outputSize == 10)
        {
            var digits = TestData.TrainDouble;
            for (int s = 0; s < count; s++)
            {
                int index = random.Next(digits.Count);
                digits.Input(index).CopyTo(inputs.AsSpan(s * inputSize));
                digits.Target(index).CopyTo(targets.AsSpan(s * outputSize));
            }
            return (inputs, targets);
        }
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextDouble();
        for (int i = 0; i < targets.Length; i++) targets[i] = random.NextDouble();
        return (inputs, targets);
    }

    /// <summary>
    /// Samples for a network: for a log-likelihood network the random targets of each sample are scaled to sum
    /// to 1 (a distribution, as the cost's δ = a − y assumes; digit targets are one-hot already).
    /// </summary>
    public static (double[] Inputs, double[] Targets) For<T>(INetwork<T> network, int count, int seed) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        (double[] inputs, double[] targets) = For(network.InputSize, network.OutputSize, count, seed);
        if (network.CostFunction == CostFunction.LogLikelihood)
        {
            int m = network.OutputSize;
            for (int s = 0; s < count; s++)
            {
                Span<double> y = targets.AsSpan(s * m, m);
                double sum = 0;
                foreach (double v in y) sum += v;
                for (int j = 0; j < m; j++) y[j] /= sum;
            }
        }
        return (inputs, targets);
    }

    public static float[] ToSingle(double[] values) => Array.ConvertAll(values, v => (float)v);
}
