using System;
using System.Numerics;

namespace MlpGen.Training;

/// <summary>
/// Draws a network's initial parameters from a seed. Every parameter consumes one N(0, 1) draw, in the
/// layout order (<see cref="ParameterLayout"/>: for each layer l, W_l row-major [out, in], then b_l), by Box–Muller on
/// <c>new Random(seed)</c> exactly as the generated constructor draws, then is scaled in double
/// (<see cref="NetworkRules.NormalScales"/>) and rounded once to the element type; biases of scale 0 still consume
/// their draw (and are +0). The seed decides every bit.
/// </summary>
public static class Initialization
{
    /// <summary>
    /// Overwrites every parameter of <paramref name="network"/> with draws of <paramref name="initializer"/>;
    /// <see cref="Initializer.Default"/> is the generated constructor's scheme per layer (<see cref="NetworkRules.DefaultInitializer"/>).
    /// </summary>
    public static void Apply<T>(INetwork<T> network, Initializer initializer, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!Enum.IsDefined(initializer)) throw new ArgumentOutOfRangeException(nameof(initializer), initializer, "Unknown initializer.");
        var layout = new ParameterLayout(network.LayerSizes.ToArray());
        ActivationFunction[] activations = network.Activations.ToArray();
        Span<T> p = network.Parameters;
        var random = new Random(seed);
        foreach (ParameterSegment segment in layout.Segments())
        {
            int fanIn = layout.Size(segment.Layer - 1), fanOut = layout.Size(segment.Layer);
            Span<T> values = p.Slice((int)segment.Offset, (int)segment.Length);
            Initializer scheme = initializer == Initializer.Default ? NetworkRules.DefaultInitializer(activations, segment.Layer) : initializer;
            if (scheme == Initializer.PyTorchUniform)
            {
                // U(−1/√n_in, 1/√n_in) for weights and biases alike: one uniform draw u each, (2u − 1)/√n_in.
                double bound = 1.0 / Math.Sqrt(fanIn);
                foreach (ref T value in values) value = T.CreateChecked((2.0 * random.NextDouble() - 1.0) * bound);
                continue;
            }
            (double weightScale, double biasScale) = NetworkRules.NormalScales(scheme, fanIn, fanOut);
            double scale = segment.IsWeights ? weightScale : biasScale;
            foreach (ref T value in values)
            {
                double z = StandardNormal(random);   // drawn even when the scale is 0, so that later layers get the same draws
                value = scale == 0 ? T.Zero : T.CreateChecked(z * scale);   // +0, not −0 for a negative draw
            }
        }
    }

    /// <summary>One N(0, 1) draw, Box–Muller as the generated constructor: u1 in (0, 1] keeps the logarithm finite.</summary>
    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
