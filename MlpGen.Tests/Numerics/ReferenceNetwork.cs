using System;
using System.Collections.Generic;
using System.Linq;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// network.py transcribed into plain C# loops with runtime sizes, computing in double, extended to the
/// activations and costs MlpGen offers: the yardstick the generated code is measured against.
/// Parameters use the generated layout (W_l row-major, b_l).
/// </summary>
internal sealed class ReferenceNetwork
{
    /// <summary>Leaky ReLU's slope for z ≤ 0, as the generated kernels' LeakyReLUSlope.</summary>
    public const double LeakySlope = 0.01;

    private readonly int[] _sizes;
    private readonly ActivationFunction[] _activations;
    private readonly CostFunction _cost;

    /// <param name="crossEntropy">Train on the cross-entropy cost (network2.py) instead of the quadratic cost.</param>
    public ReferenceNetwork(int[] sizes, ReadOnlySpan<double> parameters, bool crossEntropy = false)
        : this(sizes, parameters, Enumerable.Repeat(ActivationFunction.Sigmoid, sizes.Length - 1).ToArray(), crossEntropy ? CostFunction.CrossEntropy : CostFunction.Quadratic)
    {
    }

    /// <param name="activations">The activation of each layer 1..L, the output's last.</param>
    public ReferenceNetwork(int[] sizes, ReadOnlySpan<double> parameters, ActivationFunction[] activations, CostFunction cost)
    {
        if (activations.Length != sizes.Length - 1) throw new ArgumentException("one activation per layer 1..L", nameof(activations));
        _sizes = sizes;
        _activations = activations;
        _cost = cost;
        Parameters = parameters.ToArray();
    }

    /// <summary>The reference of a generated network: its sizes, its parameters in double, the activations and cost it reports.</summary>
    public static ReferenceNetwork Of(INetwork<double> network) =>
        new(network.LayerSizes.ToArray(), network.Parameters, network.Activations.ToArray(), network.CostFunction);

    /// <inheritdoc cref="Of(INetwork{double})"/>
    public static ReferenceNetwork Of(INetwork<float> network) =>
        new(network.LayerSizes.ToArray(), Array.ConvertAll(network.Parameters.ToArray(), v => (double)v), network.Activations.ToArray(), network.CostFunction);

    public double[] Parameters { get; }

    public int[] Sizes => _sizes;

    public ActivationFunction[] Activations => _activations;

    public CostFunction Cost => _cost;

    private int WeightOffset(int layer)
    {
        int offset = 0;
        for (int l = 1; l < layer; l++) offset += _sizes[l] * (_sizes[l - 1] + 1);
        return offset;
    }

    private double W(int layer, int j, int k) => Parameters[WeightOffset(layer) + j * _sizes[layer - 1] + k];

    private double B(int layer, int j) => Parameters[WeightOffset(layer) + _sizes[layer] * _sizes[layer - 1] + j];

    /// <summary>a = f(z) for a whole layer (softmax and log-softmax need all of z).</summary>
    private static double[] Activate(ActivationFunction f, double[] z)
    {
        var a = new double[z.Length];
        if (f == ActivationFunction.Softmax)
        {
            double max = z.Max(), sum = 0;
            for (int j = 0; j < z.Length; j++) sum += a[j] = Math.Exp(z[j] - max);
            for (int j = 0; j < z.Length; j++) a[j] /= sum;
            return a;
        }
        if (f == ActivationFunction.LogSoftmax)
        {
            double max = z.Max(), sum = 0;
            for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - max);
            for (int j = 0; j < z.Length; j++) a[j] = z[j] - max - Math.Log(sum);
            return a;
        }
        for (int j = 0; j < z.Length; j++)
        {
            a[j] = f switch
            {
                ActivationFunction.Sigmoid => 1.0 / (1.0 + Math.Exp(-z[j])),
                ActivationFunction.Tanh => Math.Tanh(z[j]),
                ActivationFunction.ReLU => Math.Max(0, z[j]),
                ActivationFunction.LeakyReLU => z[j] > 0 ? z[j] : LeakySlope * z[j],
                ActivationFunction.Identity => z[j],
                ActivationFunction.GELU => z[j] * NormalDistribution.Cdf(z[j]),
                ActivationFunction.SiLU => z[j] / (1.0 + Math.Exp(-z[j])),
                _ => throw new ArgumentOutOfRangeException(nameof(f)),
            };
        }
        return a;
    }

    /// <summary>f'(z) of a hidden layer's activation, from z or its activation a = f(z) (ReLU'(0) and LeakyReLU'(0) as the kernels take them).</summary>
    private static double Derivative(ActivationFunction f, double z, double a) => f switch
    {
        ActivationFunction.GELU => NormalDistribution.Cdf(z) + z * NormalDistribution.Density(z),
        ActivationFunction.SiLU => 1.0 / (1.0 + Math.Exp(-z)) * (1 + z * (1 - 1.0 / (1.0 + Math.Exp(-z)))),
        ActivationFunction.Sigmoid => a * (1 - a),
        ActivationFunction.Tanh => 1 - a * a,
        ActivationFunction.ReLU => a > 0 ? 1 : 0,
        ActivationFunction.LeakyReLU => a > 0 ? 1 : LeakySlope,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "not a hidden activation"),
    };

    /// <summary>The cost of one sample's output activations a against targets y; on log-softmax outputs (a = ln p) the log-likelihood is −Σ y a.</summary>
    public static double CostOf(ActivationFunction output, CostFunction cost, ReadOnlySpan<double> a, ReadOnlySpan<double> y)
    {
        double c = 0;
        for (int j = 0; j < a.Length; j++)
        {
            c += cost switch
            {
                CostFunction.Quadratic => 0.5 * (a[j] - y[j]) * (a[j] - y[j]),
                CostFunction.CrossEntropy => -(y[j] * Math.Log(a[j]) + (1 - y[j]) * Math.Log(1 - a[j])),
                _ when output == ActivationFunction.LogSoftmax => -y[j] * a[j],
                _ => y[j] == 0 ? 0 : -y[j] * Math.Log(a[j]),
            };
        }
        return c;
    }

    /// <summary>The activations of every layer, input first.</summary>
    public List<double[]> FeedForward(ReadOnlySpan<double> input) => FeedForward(input, out _);

    /// <summary>The activations of every layer, input first, and the weighted inputs z of every layer (<paramref name="zs"/>[0] is empty).</summary>
    private List<double[]> FeedForward(ReadOnlySpan<double> input, out List<double[]> zs)
    {
        var activations = new List<double[]> { input.ToArray() };
        zs = new List<double[]> { Array.Empty<double>() };
        for (int l = 1; l < _sizes.Length; l++)
        {
            var z = new double[_sizes[l]];
            for (int j = 0; j < z.Length; j++)
            {
                z[j] = B(l, j);
                for (int k = 0; k < _sizes[l - 1]; k++) z[j] += W(l, j, k) * activations[l - 1][k];
            }
            zs.Add(z);
            activations.Add(Activate(_activations[l - 1], z));
        }
        return activations;
    }

    /// <summary>Adds the gradient of the cost for one sample to <paramref name="gradient"/>; returns the cost.</summary>
    public double Backprop(ReadOnlySpan<double> input, ReadOnlySpan<double> target, double[] gradient)
    {
        List<double[]> a = FeedForward(input, out List<double[]> zs);
        int L = _sizes.Length - 1;
        double[] aL = a[L];
        double cost = CostOf(_activations[L - 1], _cost, aL, target);
        var delta = new double[_sizes[L]];
        switch (_activations[L - 1], _cost)
        {
            case (ActivationFunction.Sigmoid, CostFunction.Quadratic):
                for (int j = 0; j < delta.Length; j++) delta[j] = (aL[j] - target[j]) * aL[j] * (1 - aL[j]);
                break;
            case (ActivationFunction.Softmax, CostFunction.Quadratic):
                // ∂C/∂z_j = Σ_k (a_k − y_k)·a_k(δ_jk − a_j), the Jacobian written out.
                for (int j = 0; j < delta.Length; j++)
                {
                    for (int k = 0; k < delta.Length; k++) delta[j] += (aL[k] - target[k]) * aL[k] * ((j == k ? 1 : 0) - aL[j]);
                }
                break;
            case (ActivationFunction.LogSoftmax, CostFunction.LogLikelihood):   // a = ln p: δ = p − y for targets summing to 1
                for (int j = 0; j < delta.Length; j++) delta[j] = Math.Exp(aL[j]) - target[j];
                break;
            case (ActivationFunction.Sigmoid, CostFunction.CrossEntropy):
            case (ActivationFunction.Softmax, CostFunction.LogLikelihood):   // for targets summing to 1
            case (ActivationFunction.Identity, CostFunction.Quadratic):
                for (int j = 0; j < delta.Length; j++) delta[j] = aL[j] - target[j];
                break;
            default:
                throw new NotSupportedException($"{_activations[L - 1]} output with the {_cost} cost");
        }
        for (int l = L; l >= 1; l--)
        {
            int w = WeightOffset(l), b = w + _sizes[l] * _sizes[l - 1];
            for (int j = 0; j < _sizes[l]; j++)
            {
                gradient[b + j] += delta[j];
                for (int k = 0; k < _sizes[l - 1]; k++) gradient[w + j * _sizes[l - 1] + k] += delta[j] * a[l - 1][k];
            }
            if (l == 1) break;
            var previous = new double[_sizes[l - 1]];
            for (int k = 0; k < previous.Length; k++)
            {
                double sum = 0;
                for (int j = 0; j < _sizes[l]; j++) sum += W(l, j, k) * delta[j];
                previous[k] = sum * Derivative(_activations[l - 2], zs[l - 1][k], a[l - 1][k]);
            }
            delta = previous;
        }
        return cost;
    }

    /// <summary>network.py's update_mini_batch: w ← w − (η/m)·Σ∇w.</summary>
    public void UpdateMiniBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, double eta)
    {
        int n0 = _sizes[0], nL = _sizes[^1], m = inputs.Length / n0;
        var gradient = new double[Parameters.Length];
        for (int s = 0; s < m; s++) Backprop(inputs.Slice(s * n0, n0), targets.Slice(s * nL, nL), gradient);
        for (int i = 0; i < Parameters.Length; i++) Parameters[i] -= eta / m * gradient[i];
    }
}
