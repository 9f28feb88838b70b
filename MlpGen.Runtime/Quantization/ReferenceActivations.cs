using System;

namespace MlpGen.Quantization;

/// <summary>
/// Each activation applied in place to a layer's z, in float32, plainly (one element at a time, the textbook formula):
/// the activations of the reference forward passes, float (<see cref="Quantizer"/>) and int8
/// (<see cref="QuantizedNetwork"/>), which run a network without a generated class.
/// </summary>
internal static class ReferenceActivations
{
    public static void Apply(ActivationFunction activation, Span<float> z)
    {
        switch (activation)
        {
            case ActivationFunction.Sigmoid:
                for (int i = 0; i < z.Length; i++) z[i] = 1f / (1f + MathF.Exp(-z[i]));        // σ(z) = 1 / (1 + e^−z)
                break;
            case ActivationFunction.Tanh:
                for (int i = 0; i < z.Length; i++) z[i] = MathF.Tanh(z[i]);
                break;
            case ActivationFunction.ReLU:
                for (int i = 0; i < z.Length; i++) z[i] = z[i] > 0 ? z[i] : 0;                   // max(0, z)
                break;
            case ActivationFunction.LeakyReLU:
                for (int i = 0; i < z.Length; i++) z[i] = z[i] > 0 ? z[i] : (float)NetworkRules.LeakyReLUSlope * z[i];
                break;
            case ActivationFunction.GELU:
                for (int i = 0; i < z.Length; i++) z[i] = (float)(z[i] * StandardNormal.Cdf(z[i]));   // z·Φ(z)
                break;
            case ActivationFunction.SiLU:
                for (int i = 0; i < z.Length; i++) z[i] = z[i] / (1f + MathF.Exp(-z[i]));       // z·σ(z)
                break;
            case ActivationFunction.Softmax:
                Softmax(z, log: false);
                break;
            case ActivationFunction.LogSoftmax:
                Softmax(z, log: true);
                break;
            case ActivationFunction.Identity:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "not an activation of MlpGen");
        }
    }

    /// <summary>softmax(z)_j = e^(z_j − max z) / Σ_k e^(z_k − max z), or its logarithm z_j − max z − log Σ_k e^(z_k − max z).</summary>
    private static void Softmax(Span<float> z, bool log)
    {
        float max = float.NegativeInfinity;
        foreach (float value in z) max = MathF.Max(max, value);
        float sum = 0;
        foreach (float value in z) sum += MathF.Exp(value - max);
        float logSum = MathF.Log(sum);
        for (int i = 0; i < z.Length; i++) z[i] = log ? z[i] - max - logSum : MathF.Exp(z[i] - max) / sum;
    }
}
