using System;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using Xunit;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// new Net(seed): one N(0, 1) draw per parameter in layout order (network.py's Box–Muller on new Random(seed)),
/// scaled per weight layer l by the scheme of f_l, the activation of hidden layer l (l &lt; L), else of hidden
/// layer L − 1, else the output's: sigmoid → standard normal, tanh/softmax/identity → Glorot, ReLU/leaky → He.
/// </summary>
public class InitializationTests
{
    /// <summary>The rule written out independently of the generator: the expected parameters, bit for bit.</summary>
    private static T[] Expected<T>(int[] sizes, ActivationFunction[] activations, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int L = sizes.Length - 1;
        var random = new Random(seed);
        var p = new System.Collections.Generic.List<T>();
        for (int l = 1; l <= L; l++)
        {
            ActivationFunction f = l < L ? activations[l - 1] : L > 1 ? activations[L - 2] : activations[L - 1];
            (double weightScale, double biasScale) = f switch
            {
                ActivationFunction.Sigmoid => (1.0, 1.0),
                ActivationFunction.ReLU or ActivationFunction.LeakyReLU => (Math.Sqrt(2.0 / sizes[l - 1]), 0.0),
                _ => (Math.Sqrt(2.0 / (sizes[l - 1] + sizes[l])), 0.0),
            };
            for (int i = 0; i < sizes[l] * sizes[l - 1] + sizes[l]; i++)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                double scale = i < sizes[l] * sizes[l - 1] ? weightScale : biasScale;
                p.Add(scale == 0 ? T.Zero : T.CreateTruncating(z * scale));   // a zero scale gives +0
            }
        }
        return p.ToArray();
    }

    [Theory]
    [InlineData("784-16-16-10")]          // sigmoid: network.py's bits, as before
    [InlineData("3-5-7-2-4 ce")]
    [InlineData("784-100-10 relu")]       // He, He (the output layer follows the ReLU hidden layer)
    [InlineData("5-37-29-3 mixed")]       // He, Glorot, Glorot
    [InlineData("37-19-5 leaky identity")]
    [InlineData("3-5-7-2-4 tanh softmax quadratic")]
    public void SeededConstructor_IsTheDocumentedRule_BitForBit_Float(string topology)
    {
        INetwork<float> network = TestNetworks.Single[topology](42);
        float[] expected = Expected<float>(network.LayerSizes.ToArray(), network.Activations.ToArray(), 42);
        Assert.True(MemoryMarshal.Cast<float, uint>(expected).SequenceEqual(MemoryMarshal.Cast<float, uint>(network.Parameters)), topology);
    }

    [Theory]
    [InlineData("784-16-16-10")]
    [InlineData("37-19-5 relu softmax")]
    [InlineData("1-1 identity")]          // no hidden layer: the output's own activation (identity: Glorot, √(2/2) = 1)
    [InlineData("3-5-7-2-4 leaky ce")]
    public void SeededConstructor_IsTheDocumentedRule_BitForBit_Double(string topology)
    {
        INetwork<double> network = TestNetworks.Double[topology](42);
        double[] expected = Expected<double>(network.LayerSizes.ToArray(), network.Activations.ToArray(), 42);
        Assert.True(MemoryMarshal.Cast<double, ulong>(expected).SequenceEqual(MemoryMarshal.Cast<double, ulong>(network.Parameters)), topology);
    }

    private static (double Mean, double Std) Moments(ReadOnlySpan<float> values)
    {
        double sum = 0, square = 0;
        foreach (float v in values) { sum += v; square += (double)v * v; }
        double mean = sum / values.Length;
        return (mean, Math.Sqrt(square / values.Length - mean * mean));
    }

    [Fact]
    public void He_784x100x10ReLU_WeightsHaveStdSqrt2OverNIn_BiasesAreZero()
    {
        var network = new Net784x100x10ReLU(seed: 1);
        Span<float> p = network.Parameters;
        (double mean1, double std1) = Moments(p.Slice(0, 78_400));
        Assert.InRange(std1 / Math.Sqrt(2.0 / 784), 0.98, 1.02);      // 78,400 draws: standard error 0.25 %
        Assert.InRange(mean1, -0.001, 0.001);
        Assert.All(p.Slice(78_400, 100).ToArray(), b => Assert.Equal(0f, b));
        (_, double std2) = Moments(p.Slice(78_500, 1_000));
        Assert.InRange(std2 / Math.Sqrt(2.0 / 100), 0.92, 1.08);      // layer 2 follows the ReLU hidden layer: He, 1,000 draws
        Assert.All(p.Slice(79_500, 10).ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Glorot_37x19x5Tanh_WeightsHaveStdSqrt2OverNInPlusNOut()
    {
        var network = new Net37x19x5Tanh(seed: 1);
        (_, double std1) = Moments(network.Parameters.Slice(0, 37 * 19));
        Assert.InRange(std1 / Math.Sqrt(2.0 / (37 + 19)), 0.9, 1.1);
        (_, double std2) = Moments(network.Parameters.Slice(37 * 19 + 19, 19 * 5));
        Assert.InRange(std2 / Math.Sqrt(2.0 / (19 + 5)), 0.75, 1.25);  // 95 draws
    }
}
