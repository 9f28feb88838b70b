using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// The generated backpropagation against numerical derivatives of the cost: the five-point central
/// difference (f(−2h) − 8f(−h) + 8f(h) − f(2h)) / 12h, whose truncation error is O(h⁴).
/// </summary>
public class GradientCheckTests
{
    private const int SampleCount = 3;

    /// <summary>The relative error |g − n| / max(|g| + |n|, floor); the floor keeps near-zero derivatives from dividing by noise.</summary>
    private static double RelativeError(double analytic, double numeric, double floor) =>
        Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), floor);

    private static double Cost<T>(INetwork<T> network, T[] inputs, T[] targets) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var output = new T[network.OutputSize];
        double cost = 0;
        for (int s = 0; s < inputs.Length / network.InputSize; s++)
        {
            network.Predict(inputs.AsSpan(s * network.InputSize, network.InputSize), output);
            for (int j = 0; j < output.Length; j++)
            {
                double diff = double.CreateChecked(output[j]) - double.CreateChecked(targets[s * network.OutputSize + j]);
                cost += 0.5 * diff * diff;
            }
        }
        return cost;
    }

    private static double NumericDerivative<T>(INetwork<T> network, int index, double h, T[] inputs, T[] targets)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Span<T> p = network.Parameters;
        T original = p[index];
        double At(double offset)
        {
            network.Parameters[index] = original + T.CreateChecked(offset);
            return Cost(network, inputs, targets);
        }
        // The steps actually taken, as represented in T.
        double step = double.CreateChecked(original + T.CreateChecked(h)) - double.CreateChecked(original);
        double derivative = (At(-2 * h) - 8 * At(-h) + 8 * At(h) - At(2 * h)) / (12 * step);
        network.Parameters[index] = original;
        return derivative;
    }

    private static IEnumerable<int> AllParameters(int count) => Enumerable.Range(0, count);

    /// <summary>A sample of parameters from every layer of a wide network: each layer's first and last weights and biases, plus random ones.</summary>
    private static IEnumerable<int> SampleParameters(int[] sizes, int perLayer, int seed)
    {
        var random = new Random(seed);
        var chosen = new SortedSet<int>();
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int weights = sizes[l] * sizes[l - 1];
            chosen.Add(offset); chosen.Add(offset + weights - 1); chosen.Add(offset + weights); chosen.Add(offset + weights + sizes[l] - 1);
            for (int i = 0; i < perLayer; i++) chosen.Add(offset + random.Next(weights + sizes[l]));
            offset += weights + sizes[l];
        }
        return chosen;
    }

    [Theory]
    [InlineData("2-2-1")]
    [InlineData("1-1")]
    [InlineData("3-5-7-2-4")]
    [InlineData("37-19-5")]
    [InlineData("5-37-29-3")]
    public void DoubleNetworks_EveryParameter_MatchesFiniteDifferences(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](7);
        (double[] inputs, double[] targets) = Samples.For(network.InputSize, network.OutputSize, SampleCount, seed: 11);
        var gradient = new double[network.ParameterCount];
        network.Backpropagate(inputs, targets, gradient);

        double worst = 0;
        foreach (int i in AllParameters(network.ParameterCount))
        {
            double numeric = NumericDerivative(network, i, 1e-3, inputs, targets);
            worst = Math.Max(worst, RelativeError(gradient[i], numeric, floor: 1e-6));
        }
        Assert.True(worst < 1e-6, $"{topology}: worst relative error {worst:E2}");
    }

    [Fact]
    public void Double784x16x16x10_SampledParameters_MatchFiniteDifferences()
    {
        var network = new Net784x16x16x10D(seed: 3);
        (double[] inputs, double[] targets) = Samples.For(784, 10, SampleCount, seed: 5);
        var gradient = new double[network.Parameters.Length];
        network.Backpropagate(inputs, targets, gradient);

        double worst = 0;
        int[] indices = SampleParameters(new[] { 784, 16, 16, 10 }, perLayer: 60, seed: 1).ToArray();
        Assert.True(indices.Length > 150);
        foreach (int i in indices)
        {
            double numeric = NumericDerivative(network, i, 1e-3, inputs, targets);
            worst = Math.Max(worst, RelativeError(gradient[i], numeric, floor: 1e-6));
        }
        Assert.True(worst < 1e-6, $"worst relative error {worst:E2}");
    }

    /// <summary>
    /// Float networks: the float gradient against finite differences taken in double, on the same
    /// parameters widened to double (float cost evaluations would bury the differences in rounding).
    /// </summary>
    [Theory]
    [InlineData("2-2-1")]
    [InlineData("1-1")]
    [InlineData("3-5-7-2-4")]
    [InlineData("37-19-5")]
    [InlineData("5-37-29-3")]
    [InlineData("16-32-16")]
    public void FloatNetworks_EveryParameter_MatchesFiniteDifferencesTakenInDouble(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](7);
        (double[] inputs, double[] targets) = Samples.For(network.InputSize, network.OutputSize, SampleCount, seed: 11);
        float[] x = Samples.ToSingle(inputs), y = Samples.ToSingle(targets);
        var gradient = new float[network.ParameterCount];
        network.Backpropagate(x, y, gradient);

        var widened = new Net(network.LayerSizes.ToArray(), Array.ConvertAll(network.Parameters.ToArray(), v => (double)v));
        double[] xd = Array.ConvertAll(x, v => (double)v), yd = Array.ConvertAll(y, v => (double)v);
        double worst = 0;
        foreach (int i in AllParameters(network.ParameterCount))
        {
            double numeric = NumericDerivative(widened, i, 1e-3, xd, yd);
            worst = Math.Max(worst, RelativeError(gradient[i], numeric, floor: 1e-6));
        }
        Assert.True(worst < 1e-3, $"{topology}: worst relative error {worst:E2}");
    }

    /// <summary>The reference network behind the <see cref="INetwork{T}"/> calls the finite differences need.</summary>
    private sealed class Net(int[] sizes, double[] parameters) : INetwork<double>
    {
        private readonly ReferenceNetwork _reference = new(sizes, parameters);
        public ReadOnlySpan<int> LayerSizes => sizes;
        public int InputSize => sizes[0];
        public int OutputSize => sizes[^1];
        public int ParameterCount => parameters.Length;
        public Span<double> Parameters => _reference.Parameters;
        public void Predict(ReadOnlySpan<double> input, Span<double> output) => _reference.FeedForward(input)[^1].CopyTo(output);
        public int Classify(ReadOnlySpan<double> input) => throw new NotSupportedException();
        public double Backpropagate(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, Span<double> gradient) => throw new NotSupportedException();
        public void TrainMiniBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, double eta) => throw new NotSupportedException();
    }
}
