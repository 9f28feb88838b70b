using System;
using System.Linq;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>The initialisers: the default rule, and the same draws as the generated constructor.</summary>
public class InitializationTests
{
    [Theory]
    [MemberData(nameof(TestNetworks.DoubleTopologies), MemberType = typeof(TestNetworks))]
    public void DefaultAndStandardNormal_EqualTheGeneratedConstructor_BitForBit_Double(string name)
    {
        foreach (Initializer initializer in InitializersOfTheConstructor(TestNetworks.Double[name](1).Activations))
        {
            INetwork<double> network = TestNetworks.Double[name](1), fresh = TestNetworks.Double[name](7);
            Initialization.Apply(fresh, initializer, seed: 1);
            Assert.True(network.Parameters.SequenceEqual(fresh.Parameters), $"{name}, {initializer}");
        }
    }

    [Theory]
    [MemberData(nameof(TestNetworks.SingleTopologies), MemberType = typeof(TestNetworks))]
    public void DefaultAndStandardNormal_EqualTheGeneratedConstructor_BitForBit_Single(string name)
    {
        foreach (Initializer initializer in InitializersOfTheConstructor(TestNetworks.Single[name](42).Activations))
        {
            INetwork<float> network = TestNetworks.Single[name](42), fresh = TestNetworks.Single[name](7);
            Initialization.Apply(fresh, initializer, seed: 42);
            Assert.True(network.Parameters.SequenceEqual(fresh.Parameters), $"{name}, {initializer}");
        }
    }

    /// <summary>What <c>new Net(seed)</c> must equal: Default always, and StandardNormal too where Default is StandardNormal in every layer (sigmoid networks, network.py).</summary>
    private static Initializer[] InitializersOfTheConstructor(ReadOnlySpan<ActivationFunction> activations)
    {
        bool standardNormal = true;
        for (int l = 1; l <= activations.Length; l++) standardNormal &= NetworkRules.DefaultInitializer(activations.ToArray(), l) == Initializer.StandardNormal;
        return standardNormal ? new[] { Initializer.Default, Initializer.StandardNormal } : new[] { Initializer.Default };
    }

    [Theory]
    [InlineData(Initializer.ScaledNormal)]
    [InlineData(Initializer.Glorot)]
    [InlineData(Initializer.He)]
    public void ScaledInitializers_ScaleTheSameDraws(Initializer initializer)
    {
        // A double network's N(0, 1) parameters are the draws z themselves: each initializer is z times its scale.
        var draws = new Net5x37x29x3D(3);
        var network = new Net5x37x29x3D(9);
        Initialization.Apply(network, initializer, seed: 3);
        int[] sizes = Net5x37x29x3D.LayerSizes.ToArray();
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int fanIn = sizes[l - 1], fanOut = sizes[l];
            double weightScale = initializer switch
            {
                Initializer.ScaledNormal => 1.0 / Math.Sqrt(fanIn),
                Initializer.Glorot => Math.Sqrt(2.0 / (fanIn + fanOut)),
                _ => Math.Sqrt(2.0 / fanIn),
            };
            for (int i = 0; i < fanIn * fanOut; i++, offset++) Assert.Equal(draws.Parameters[offset] * weightScale, network.Parameters[offset]);
            for (int j = 0; j < fanOut; j++, offset++)
            {
                double expected = initializer == Initializer.ScaledNormal ? draws.Parameters[offset] : 0.0;
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(network.Parameters[offset]));   // +0, never −0
            }
        }
    }

    [Theory]
    [InlineData(new[] { ActivationFunction.Sigmoid, ActivationFunction.Sigmoid }, new[] { Initializer.StandardNormal, Initializer.StandardNormal })]
    [InlineData(new[] { ActivationFunction.ReLU, ActivationFunction.Softmax }, new[] { Initializer.He, Initializer.He })]
    [InlineData(new[] { ActivationFunction.Tanh, ActivationFunction.LeakyReLU, ActivationFunction.Identity }, new[] { Initializer.Glorot, Initializer.He, Initializer.He })]
    [InlineData(new[] { ActivationFunction.Sigmoid, ActivationFunction.Softmax }, new[] { Initializer.StandardNormal, Initializer.StandardNormal })]
    [InlineData(new[] { ActivationFunction.Softmax }, new[] { Initializer.Glorot })]
    [InlineData(new[] { ActivationFunction.Identity }, new[] { Initializer.Glorot })]
    [InlineData(new[] { ActivationFunction.Sigmoid }, new[] { Initializer.StandardNormal })]
    public void DefaultRule_FollowsTheActivationEachLayerFeeds(ActivationFunction[] activations, Initializer[] expected)
    {
        for (int l = 1; l <= activations.Length; l++) Assert.Equal(expected[l - 1], NetworkRules.DefaultInitializer(activations, l));
    }

    [Fact]
    public void SameSeed_SameBits_OtherSeed_OtherBits()
    {
        var a = new Net784x30x10(1);
        var b = new Net784x30x10(2);
        Initialization.Apply(a, Initializer.He, 5);
        Initialization.Apply(b, Initializer.He, 5);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Initialization.Apply(b, Initializer.He, 6);
        Assert.False(a.Parameters.SequenceEqual(b.Parameters));
    }

    [Fact]
    public void PyTorchUniform_IsUniformWithinOneOverRootFanIn_WeightsAndBiases_AndSeeded()
    {
        var network = new Net5x37x29x3D(1);
        Initialization.Apply(network, Initializer.PyTorchUniform, seed: 5);
        var random = new Random(5);
        int[] sizes = Net5x37x29x3D.LayerSizes.ToArray();
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            double bound = 1.0 / Math.Sqrt(sizes[l - 1]);
            for (int i = 0; i < sizes[l] * (sizes[l - 1] + 1); i++, offset++)
            {
                Assert.Equal((2.0 * random.NextDouble() - 1.0) * bound, network.Parameters[offset]);
                Assert.InRange(Math.Abs(network.Parameters[offset]), 0, bound);
            }
        }
        Assert.Equal(Net5x37x29x3D.ParameterCount, offset);
    }
}
