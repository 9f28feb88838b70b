using System;

namespace MlpGen.Benchmarks;

/// <summary>
/// The baseline: Nielsen's network.py transcribed into plain C# loops over arrays, with the layer
/// sizes known only at run time, the way a .NET developer would write it without MlpGen. Scratch
/// buffers are allocated once (network.py allocates per call; that is not what we measure).
/// </summary>
public sealed class PlainNetwork
{
    private readonly int[] _sizes;
    private readonly float[][] _weights;   // _weights[l][j * n_in + k]: layer l+1, row j, column k
    private readonly float[][] _biases;
    private readonly float[][] _nablaW, _nablaB;
    private readonly float[][] _activations, _deltas;

    public PlainNetwork(int[] sizes, int seed)
    {
        _sizes = sizes;
        int layers = sizes.Length - 1;
        var random = new Random(seed);
        float Gaussian() => (float)(Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble()));
        _weights = new float[layers][];
        _biases = new float[layers][];
        _nablaW = new float[layers][];
        _nablaB = new float[layers][];
        _activations = new float[layers + 1][];
        _deltas = new float[layers][];
        _activations[0] = new float[sizes[0]];
        for (int l = 0; l < layers; l++)
        {
            _weights[l] = new float[sizes[l + 1] * sizes[l]];
            for (int i = 0; i < _weights[l].Length; i++) _weights[l][i] = Gaussian();
            _biases[l] = new float[sizes[l + 1]];
            for (int i = 0; i < _biases[l].Length; i++) _biases[l][i] = Gaussian();
            _nablaW[l] = new float[_weights[l].Length];
            _nablaB[l] = new float[_biases[l].Length];
            _activations[l + 1] = new float[sizes[l + 1]];
            _deltas[l] = new float[sizes[l + 1]];
        }
    }

    private static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    /// <summary>feedforward(a): a = σ(w·a + b) layer by layer; the output is left in the last activation array.</summary>
    public float[] FeedForward(ReadOnlySpan<float> input)
    {
        input.CopyTo(_activations[0]);
        for (int l = 0; l < _weights.Length; l++)
        {
            int nIn = _sizes[l], nOut = _sizes[l + 1];
            float[] w = _weights[l], a = _activations[l], z = _activations[l + 1];
            for (int j = 0; j < nOut; j++)
            {
                float sum = _biases[l][j];
                for (int k = 0; k < nIn; k++) sum += w[j * nIn + k] * a[k];
                z[j] = Sigmoid(sum);
            }
        }
        return _activations[^1];
    }

    /// <summary>update_mini_batch: backprop each sample, sum the gradients, w -= (eta/m)·nabla_w.</summary>
    public void UpdateMiniBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float eta)
    {
        int nInput = _sizes[0], nOutput = _sizes[^1], count = inputs.Length / nInput;
        foreach (float[] n in _nablaW) Array.Clear(n);
        foreach (float[] n in _nablaB) Array.Clear(n);
        for (int s = 0; s < count; s++) Backprop(inputs.Slice(s * nInput, nInput), targets.Slice(s * nOutput, nOutput));
        float rate = eta / count;
        for (int l = 0; l < _weights.Length; l++)
        {
            for (int i = 0; i < _weights[l].Length; i++) _weights[l][i] -= rate * _nablaW[l][i];
            for (int i = 0; i < _biases[l].Length; i++) _biases[l][i] -= rate * _nablaB[l][i];
        }
    }

    /// <summary>backprop(x, y): feedforward keeping activations, δL = (aL − y) ⊙ σ'(zL), then δl = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ'(zl).</summary>
    private void Backprop(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        FeedForward(x);
        int L = _weights.Length;
        float[] aL = _activations[L];
        for (int j = 0; j < aL.Length; j++) _deltas[L - 1][j] = (aL[j] - y[j]) * aL[j] * (1 - aL[j]);
        for (int l = L - 1; l >= 0; l--)
        {
            int nIn = _sizes[l], nOut = _sizes[l + 1];
            float[] delta = _deltas[l], a = _activations[l], nw = _nablaW[l];
            for (int j = 0; j < nOut; j++)
            {
                _nablaB[l][j] += delta[j];
                for (int k = 0; k < nIn; k++) nw[j * nIn + k] += delta[j] * a[k];
            }
            if (l == 0) break;
            float[] w = _weights[l], previous = _deltas[l - 1];
            for (int k = 0; k < nIn; k++)
            {
                float sum = 0;
                for (int j = 0; j < nOut; j++) sum += w[j * nIn + k] * delta[j];
                previous[k] = sum * a[k] * (1 - a[k]);
            }
        }
    }
}
