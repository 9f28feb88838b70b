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

    public static float[] ToSingle(double[] values) => Array.ConvertAll(values, v => (float)v);
}
