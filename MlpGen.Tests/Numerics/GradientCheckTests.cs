using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// The generated backpropagation against numerical derivatives of the cost: the five-point central
/// difference (f(−2h) − 8f(−h) + 8f(h) − f(2h)) / 12h, whose truncation error is O(h⁴).
/// </summary>
public class GradientCheckTests
{
    private const int SampleCount = 3;
    private const double Step = 1e-3;

    /// <summary>
    /// The relative error |g − n| / max(|g| + |n|, floor); the floor keeps derivatives that are zero in exact arithmetic
    /// from dividing noise by noise: 1e-6 for double gradients, <see cref="FloatFloor"/> for float ones.
    /// </summary>
    private static double RelativeError(double analytic, double numeric, double floor) =>
        Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), floor);

    /// <summary>
    /// The floor for float gradients. A float gradient is a sum of products of values of order 0.1–1, each rounded to
    /// about 6e-8 of its size, so derivatives below about 1e-5 are mostly rounding: on the Vector128 path without FMA
    /// (DOTNET_EnableAVX=0) a bias derivative of 2.14e-6 of 5-37-29-3 came out 5.4e-9 off, 1.3e-3 relative, while
    /// every derivative of ordinary size agreed to well under 1e-3; and a first-layer weight derivative of 6.0e-6 of
    /// 16-32-16 silu log-softmax (a δ that is a sum of 16 products cancelling to a small value) came out 1.7e-8 off,
    /// 1.4e-3 relative. With the floor at 3e-5, derivatives below about 1.5e-5 are held to 3e-8 absolute.
    /// </summary>
    private const double FloatFloor = 3e-5;

    /// <summary>The network's cost summed over the samples in double, by the reference's formula (Σ ½‖a − y‖², cross-entropy or log-likelihood).</summary>
    private static double Cost(INetwork<double> network, double[] inputs, double[] targets)
    {
        var output = new double[network.OutputSize];
        double cost = 0;
        for (int s = 0; s < inputs.Length / network.InputSize; s++)
        {
            network.Predict(inputs.AsSpan(s * network.InputSize, network.InputSize), output);
            cost += ReferenceNetwork.CostOf(network.Activations[^1], network.CostFunction, output, targets.AsSpan(s * network.OutputSize, network.OutputSize));
        }
        return cost;
    }

    /// <summary>∂C/∂p_index by the five-point central difference on a double network.</summary>
    private static double NumericDerivative(INetwork<double> network, int index, double[] inputs, double[] targets)
    {
        double original = network.Parameters[index];
        double At(double offset)
        {
            network.Parameters[index] = original + offset;
            return Cost(network, inputs, targets);
        }
        double derivative = (At(-2 * Step) - 8 * At(-Step) + 8 * At(Step) - At(2 * Step)) / (12 * Step);
        network.Parameters[index] = original;
        return derivative;
    }

    /// <summary>The worst relative error between <paramref name="gradient"/> and the numerical derivatives of <paramref name="costNetwork"/> over <paramref name="indices"/>.</summary>
    private static double WorstError<T>(ReadOnlySpan<T> gradient, INetwork<double> costNetwork, IEnumerable<int> indices, double[] inputs, double[] targets)
        where T : unmanaged, IFloatingPointIeee754<T> => Worst(gradient, costNetwork, indices, inputs, targets).Error;

    /// <summary>The parameter of the worst relative error, with both derivatives, for a failure message.</summary>
    private static (double Error, int Index, double Analytic, double Numeric) Worst<T>(ReadOnlySpan<T> gradient, INetwork<double> costNetwork, IEnumerable<int> indices, double[] inputs, double[] targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (double Error, int Index, double Analytic, double Numeric) worst = (0, -1, 0, 0);
        foreach (int i in indices)
        {
            double analytic = double.CreateChecked(gradient[i]), numeric = NumericDerivative(costNetwork, i, inputs, targets);
            double error = RelativeError(analytic, numeric, typeof(T) == typeof(float) ? FloatFloor : 1e-6);
            if (error > worst.Error) worst = (error, i, analytic, numeric);
        }
        return worst;
    }

    /// <summary>A sample of parameters from every layer of a wide network: each layer's first and last weight and bias, plus random ones.</summary>
    private static IEnumerable<int> SampleParameters(int[] sizes, int perLayer, int seed)
    {
        var random = new Random(seed);
        var chosen = new SortedSet<int>();
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int weights = sizes[l] * sizes[l - 1];
            chosen.UnionWith(new[] { offset, offset + weights - 1, offset + weights, offset + weights + sizes[l] - 1 });
            for (int i = 0; i < perLayer; i++) chosen.Add(offset + random.Next(weights + sizes[l]));
            offset += weights + sizes[l];
        }
        return chosen;
    }

    /// <summary>Small topologies whose every parameter is checked: straight-line and SIMD layers, leftover rows, vectors and scalar columns.</summary>
    public static TheoryData<string> SmallTopologies => new() { "2-2-1", "1-1", "3-5-7-2-4", "37-19-5", "5-37-29-3", "3-5-7-2-4 ce" };

    /// <summary>The forced code shapes, every parameter checked (double).</summary>
    public static TheoryData<string> ShapeTopologiesDouble => new() { "2-2-1 simd", "37-19-5 simd", "2-2-1 unrolled", "37-19-5 unrolled", "600-3-2 unrolled" };

    /// <summary>The forced code shapes, every parameter checked (float).</summary>
    public static TheoryData<string> ShapeTopologiesSingle => new() { "3-5-7-2-4 simd", "16-32-16 unrolled", "600-3-2 unrolled" };

    /// <summary>
    /// Every hidden activation (tanh, ReLU, leaky ReLU, ReLU then tanh) and output/cost combination (softmax with
    /// log-likelihood and with the quadratic cost, identity, sigmoid with cross-entropy), on SIMD and straight-line layers.
    /// </summary>
    public static TheoryData<string> ActivationTopologiesDouble => new()
    {
        "37-19-5 tanh", "37-19-5 relu softmax", "37-19-5 leaky identity", "3-5-7-2-4 tanh softmax quadratic", "3-5-7-2-4 relu identity",
        "3-5-7-2-4 leaky ce", "5-37-29-3 mixed", "1-1 identity",
        "37-19-5 gelu log-softmax", "3-5-7-2-4 silu identity", "5-37-29-3 gelu silu",
    };

    /// <summary>The same in float, with 16-32-16's softmax over two whole vectors.</summary>
    public static TheoryData<string> ActivationTopologiesSingle => new()
    {
        "37-19-5 tanh", "37-19-5 relu softmax", "37-19-5 leaky identity", "3-5-7-2-4 tanh softmax quadratic", "3-5-7-2-4 relu identity",
        "5-37-29-3 mixed", "16-32-16 relu softmax",
        "37-19-5 gelu log-softmax", "3-5-7-2-4 silu identity", "5-37-29-3 gelu silu", "16-32-16 silu log-softmax",
    };

    [Theory]
    [MemberData(nameof(SmallTopologies))]
    [MemberData(nameof(ShapeTopologiesDouble))]
    [MemberData(nameof(ActivationTopologiesDouble))]
    [InlineData("37-19-5 ce")]
    public void DoubleNetworks_EveryParameter_MatchesFiniteDifferences(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](7);
        (double[] inputs, double[] targets) = Samples.For(network, SampleCount, seed: 11);
        var gradient = new double[network.ParameterCount];
        network.Backpropagate(inputs, targets, gradient);

        double worst = WorstError<double>(gradient, network, Enumerable.Range(0, network.ParameterCount), inputs, targets);
        Assert.True(worst < 1e-6, $"{topology}: worst relative error {worst:E2}");
    }

    [Theory]
    [InlineData("784-16-16-10")]
    [InlineData("784-30-10 relu softmax")]
    [InlineData("784-30-10 gelu log-softmax")]
    public void Double784_SampledParameters_MatchFiniteDifferences(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](3);
        (double[] inputs, double[] targets) = Samples.For(784, 10, SampleCount, seed: 5);
        var gradient = new double[network.ParameterCount];
        network.Backpropagate(inputs, targets, gradient);

        int[] indices = SampleParameters(network.LayerSizes.ToArray(), perLayer: 60, seed: 1).ToArray();
        Assert.True(indices.Length > 40 * (network.LayerSizes.Length - 1));
        double worst = WorstError<double>(gradient, network, indices, inputs, targets);
        Assert.True(worst < 1e-6, $"worst relative error {worst:E2}");
    }

    /// <summary>
    /// Float networks: the float gradient against finite differences taken in double, on the same
    /// parameters widened to double (float cost evaluations would bury the differences in rounding).
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallTopologies))]
    [MemberData(nameof(ShapeTopologiesSingle))]
    [MemberData(nameof(ActivationTopologiesSingle))]
    [InlineData("16-32-16")]
    public void FloatNetworks_EveryParameter_MatchesFiniteDifferencesTakenInDouble(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](7);
        (double[] inputs, double[] targets) = Samples.For(network, SampleCount, seed: 11);
        float[] x = Samples.ToSingle(inputs), y = Samples.ToSingle(targets);
        var gradient = new float[network.ParameterCount];
        network.Backpropagate(x, y, gradient);

        var widened = new Widened(ReferenceNetwork.Of(network));
        double[] xd = Array.ConvertAll(x, v => (double)v), yd = Array.ConvertAll(y, v => (double)v);
        var worst = Worst<float>(gradient, widened, Enumerable.Range(0, network.ParameterCount), xd, yd);
        Assert.True(worst.Error < 1e-3, $"{topology}: worst relative error {worst.Error:E2}, at parameter {worst.Index}: {worst.Analytic:E6} against {worst.Numeric:E6}");
    }

    /// <summary>A float network's parameters in double, evaluated by the reference, for the finite differences.</summary>
    private sealed class Widened(ReferenceNetwork reference) : INetwork<double>
    {
        private readonly ReferenceNetwork _reference = reference;
        private readonly int[] _sizes = reference.Sizes;
        public ReadOnlySpan<int> LayerSizes => _sizes;
        public int InputSize => _sizes[0];
        public int OutputSize => _sizes[^1];
        public int ParameterCount => _reference.Parameters.Length;
        public ReadOnlySpan<ActivationFunction> Activations => _reference.Activations;
        public CostFunction CostFunction => _reference.Cost;
        public double Cost(ReadOnlySpan<double> outputs, ReadOnlySpan<double> targets) => throw new NotSupportedException();
        public Span<double> Parameters => _reference.Parameters;
        public void Predict(ReadOnlySpan<double> input, Span<double> output) => _reference.FeedForward(input)[^1].CopyTo(output);
        public void PredictBatch(ReadOnlySpan<double> inputs, Span<double> outputs) => throw new NotSupportedException();
        public INetwork<double> Replicate() => throw new NotSupportedException();
        public int Classify(ReadOnlySpan<double> input) => throw new NotSupportedException();
        public double Backpropagate(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, Span<double> gradient) => throw new NotSupportedException();
        public void TrainMiniBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, double eta) => throw new NotSupportedException();
    }
}
