using System;
using System.Linq;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>What the gradient and equivalence checks cannot see: softmax at huge logits, the ReLU family at exactly z = 0.</summary>
public class ActivationTests
{
    /// <summary>Sets the output layer's weights to 0 and its biases to <paramref name="biases"/>, so that z_L = biases for any input.</summary>
    private static void SetOutputLogits<T>(INetwork<T> network, T[] biases) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int[] sizes = network.LayerSizes.ToArray();
        int L = sizes.Length - 1, nIn = sizes[L - 1], nOut = sizes[L];
        int weights = network.ParameterCount - nOut - nOut * nIn;
        network.Parameters.Slice(weights, nOut * nIn).Clear();
        biases.AsSpan().CopyTo(network.Parameters.Slice(weights + nOut * nIn));
    }

    private static double[] Logits(int count) => Enumerable.Range(0, count).Select(j => (j % 3) switch { 0 => 1000.0, 1 => -1000.0, _ => 999.0 }).ToArray();

    /// <summary>softmax(z) for the logits ±1000, 999 in double: e^(z − 1000) of 1, 0 and e^−1 over their sum.</summary>
    private static double[] Expected(double[] z)
    {
        double[] e = z.Select(v => Math.Exp(v - 1000)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Theory]
    [InlineData("37-19-5 relu softmax")]       // 5 outputs: narrower than a vector
    [InlineData("16-32-16 relu softmax")]      // two whole vectors
    [InlineData("784-30-10 relu softmax")]     // a vector and a tail of 2
    [InlineData("5-37-29-3 mixed")]
    public void Softmax_AtLogitsOfPlusMinus1000_IsFiniteAndSumsToOne_Float(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](1);
        double[] z = Logits(network.OutputSize);
        SetOutputLogits(network, Samples.ToSingle(z));
        (double[] inputs, _) = Samples.For(network.InputSize, network.OutputSize, 5, seed: 1);
        float[] x = Samples.ToSingle(inputs);
        var batch = new float[5 * network.OutputSize];
        network.PredictBatch(x, batch);
        var output = new float[network.OutputSize];
        network.Predict(x.AsSpan(0, network.InputSize), output);
        double[] expected = Expected(z);
        for (int s = 0; s < 5; s++)
        {
            float[] a = batch.AsSpan(s * network.OutputSize, network.OutputSize).ToArray();
            Assert.All(a, v => Assert.True(float.IsFinite(v), $"{topology}: {string.Join(", ", a)}"));
            Assert.Equal(1.0, a.Sum(v => (double)v), 1e-6);
            for (int j = 0; j < a.Length; j++) Assert.Equal(expected[j], a[j], 1e-6);
        }
        Assert.Equal(batch.AsSpan(0, network.OutputSize).ToArray(), output);
    }

    [Theory]
    [InlineData("37-19-5 relu softmax")]
    [InlineData("784-30-10 relu softmax")]
    [InlineData("3-5-7-2-4 tanh softmax quadratic")]
    public void Softmax_AtLogitsOfPlusMinus1000_IsFiniteAndSumsToOne_AndTrainsFinitely_Double(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](1);
        double[] z = Logits(network.OutputSize);
        SetOutputLogits(network, z);
        (double[] inputs, _) = Samples.For(network.InputSize, network.OutputSize, 3, seed: 1);
        var output = new double[network.OutputSize];
        network.Predict(inputs.AsSpan(0, network.InputSize), output);
        Assert.All(output, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(1.0, output.Sum(), 1e-12);
        double[] expected = Expected(z);
        for (int j = 0; j < output.Length; j++) Assert.Equal(expected[j], output[j], 1e-12);

        // The target on an output that is 1000 above others: a finite cost and gradient.
        var targets = new double[3 * network.OutputSize];
        for (int s = 0; s < 3; s++) targets[s * network.OutputSize] = 1;
        var gradient = new double[network.ParameterCount];
        double cost = network.Backpropagate(inputs, targets, gradient);
        Assert.True(double.IsFinite(cost));
        Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
    }

    /// <summary>
    /// ReLU'(0) is taken as 0 (a unit exactly at z = 0 does not learn from this sample, as in PyTorch), leaky ReLU'(0)
    /// as the slope 0.01: hidden unit 0 is held at z = 0 exactly (zero weights and bias) and its bias's gradient is
    /// compared with (W2ᵀδ2)_0 times that derivative, which the reference computes in plain loops.
    /// </summary>
    [Theory]
    [InlineData("37-19-5 relu softmax", 0.0)]
    [InlineData("37-19-5 leaky identity", 0.01)]
    [InlineData("3-5-7-2-4 relu identity", 0.0)]
    public void ReLUFamily_DerivativeAtExactlyZero_IsTheDocumentedOne(string topology, double derivativeAtZero)
    {
        INetwork<double> network = TestNetworks.Double[topology](3);
        int n0 = network.LayerSizes[0], n1 = network.LayerSizes[1];
        network.Parameters.Slice(0, n0).Clear();           // W1 row 0
        network.Parameters[n1 * n0] = 0;                   // b1[0]
        (double[] inputs, double[] targets) = Samples.For(network, 1, seed: 6);
        var gradient = new double[network.ParameterCount];
        network.Backpropagate(inputs, targets, gradient);

        var reference = ReferenceNetwork.Of(network);
        Assert.Equal(0.0, reference.FeedForward(inputs)[1][0]);   // a1[0] = f(0) = 0
        var expected = new double[network.ParameterCount];
        reference.Backprop(inputs, targets, expected);
        Assert.Equal(expected[n1 * n0], gradient[n1 * n0], 1e-12);
        if (derivativeAtZero == 0) Assert.Equal(0.0, gradient[n1 * n0]);
        else Assert.NotEqual(0.0, gradient[n1 * n0]);
    }
}
