using System;
using System.Numerics;

namespace MlpGen.Training;

/// <summary>
/// Draws a network's initial parameters from a seed. Every parameter consumes one N(0, 1) draw, in the
/// layout order (for each layer l: W_l row-major [out, in], then b_l), by Box–Muller on
/// <c>new Random(seed)</c> exactly as the generated constructor draws, then is scaled in double and
/// rounded once to the element type; biases of scale 0 still consume their draw (and are +0). The seed decides every bit.
/// </summary>
public static class Initialization
{
    /// <summary>Overwrites every parameter of <paramref name="network"/> with draws of <paramref name="initializer"/>.</summary>
    public static void Apply<T>(INetwork<T> network, Initializer initializer, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Enum.IsDefined(initializer)) throw new ArgumentOutOfRangeException(nameof(initializer), initializer, "Unknown initializer.");
        ReadOnlySpan<int> sizes = network.LayerSizes;
        ReadOnlySpan<ActivationFunction> activations = network.Activations;
        Span<T> p = network.Parameters;
        var random = new Random(seed);
        int offset = 0;
        int layers = sizes.Length - 1;
        for (int l = 1; l <= layers; l++)
        {
            int fanIn = sizes[l - 1], fanOut = sizes[l];
            if (initializer == Initializer.PyTorchUniform)
            {
                double bound = 1.0 / Math.Sqrt(fanIn);
                for (int i = 0; i < fanIn * fanOut + fanOut; i++) p[offset++] = T.CreateChecked((2.0 * random.NextDouble() - 1.0) * bound);
                continue;
            }
            (double weightScale, double biasScale) = Scales(Resolve(initializer, activations, l, layers), fanIn, fanOut);
            for (int i = 0; i < fanIn * fanOut; i++) p[offset++] = T.CreateChecked(StandardNormal(random) * weightScale);
            for (int j = 0; j < fanOut; j++)
            {
                double z = StandardNormal(random);   // drawn even when the scale is 0, so that later layers get the same draws
                p[offset++] = biasScale == 0 ? T.Zero : T.CreateChecked(z * biasScale);   // +0, not −0 for a negative draw
            }
        }
    }

    /// <summary>The initializer <see cref="Initializer.Default"/> means for weight layer <paramref name="layer"/> (1..L) of a network with these activations.</summary>
    public static Initializer DefaultFor(ReadOnlySpan<ActivationFunction> activations, int layer)
    {
        int layers = activations.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(layer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layer, layers);
        // activations[l − 1] is layer l's; the output layer's weights follow the last hidden layer.
        ActivationFunction f = layer < layers ? activations[layer - 1] : layers > 1 ? activations[layers - 2] : activations[layers - 1];
        return f switch
        {
            ActivationFunction.Sigmoid => Initializer.StandardNormal,
            ActivationFunction.ReLU or ActivationFunction.LeakyReLU => Initializer.He,
            _ => Initializer.Glorot,   // tanh, softmax, identity
        };
    }

    private static Initializer Resolve(Initializer initializer, ReadOnlySpan<ActivationFunction> activations, int layer, int layers) =>
        initializer == Initializer.Default ? DefaultFor(activations[..layers], layer) : initializer;

    private static (double Weights, double Biases) Scales(Initializer initializer, int fanIn, int fanOut) => initializer switch
    {
        Initializer.StandardNormal => (1.0, 1.0),
        Initializer.ScaledNormal => (1.0 / Math.Sqrt(fanIn), 1.0),
        Initializer.Glorot => (Math.Sqrt(2.0 / (fanIn + fanOut)), 0.0),
        Initializer.He => (Math.Sqrt(2.0 / fanIn), 0.0),
        _ => throw new ArgumentOutOfRangeException(nameof(initializer)),
    };

    /// <summary>One N(0, 1) draw, Box–Muller as the generated constructor: u1 in (0, 1] keeps the logarithm finite.</summary>
    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
