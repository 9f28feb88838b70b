using System;
using System.Collections.Generic;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// network.py transcribed into plain C# loops with runtime sizes, computing in double: the yardstick
/// the generated code is measured against. Parameters use the generated layout (W_l row-major, b_l).
/// </summary>
internal sealed class ReferenceNetwork
{
    private readonly int[] _sizes;
    private readonly bool _crossEntropy;

    /// <param name="crossEntropy">Train on the cross-entropy cost (network2.py) instead of the quadratic cost.</param>
    public ReferenceNetwork(int[] sizes, ReadOnlySpan<double> parameters, bool crossEntropy = false)
    {
        _sizes = sizes;
        _crossEntropy = crossEntropy;
        Parameters = parameters.ToArray();
    }

    public double[] Parameters { get; }

    private int WeightOffset(int layer)
    {
        int offset = 0;
        for (int l = 1; l < layer; l++) offset += _sizes[l] * (_sizes[l - 1] + 1);
        return offset;
    }

    private double W(int layer, int j, int k) => Parameters[WeightOffset(layer) + j * _sizes[layer - 1] + k];

    private double B(int layer, int j) => Parameters[WeightOffset(layer) + _sizes[layer] * _sizes[layer - 1] + j];

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    /// <summary>The activations of every layer, input first.</summary>
    public List<double[]> FeedForward(ReadOnlySpan<double> input)
    {
        var activations = new List<double[]> { input.ToArray() };
        for (int l = 1; l < _sizes.Length; l++)
        {
            var a = new double[_sizes[l]];
            for (int j = 0; j < a.Length; j++)
            {
                double z = B(l, j);
                for (int k = 0; k < _sizes[l - 1]; k++) z += W(l, j, k) * activations[l - 1][k];
                a[j] = Sigmoid(z);
            }
            activations.Add(a);
        }
        return activations;
    }

    /// <summary>Adds the gradient of the cost (½‖a − y‖², or −Σ [y ln a + (1 − y) ln(1 − a)]) for one sample to <paramref name="gradient"/>; returns the cost.</summary>
    public double Backprop(ReadOnlySpan<double> input, ReadOnlySpan<double> target, double[] gradient)
    {
        List<double[]> a = FeedForward(input);
        int L = _sizes.Length - 1;
        double cost = 0;
        var delta = new double[_sizes[L]];
        for (int j = 0; j < delta.Length; j++)
        {
            double diff = a[L][j] - target[j];
            if (_crossEntropy)
            {
                cost -= target[j] * Math.Log(a[L][j]) + (1 - target[j]) * Math.Log(1 - a[L][j]);
                delta[j] = diff;
            }
            else
            {
                cost += 0.5 * diff * diff;
                delta[j] = diff * a[L][j] * (1 - a[L][j]);
            }
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
                previous[k] = sum * a[l - 1][k] * (1 - a[l - 1][k]);
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
