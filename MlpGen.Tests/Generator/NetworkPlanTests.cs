using System.Linq;
using MlpGen.Generator.Model;
using GeneratorRules = MlpGen.Generator.Rules;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>The decisions the emitters read, checked without emitting code: kernel shapes, offsets, chunk size.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class NetworkPlanTests
{
    private static NetworkPlan Plan(ElementKind element, CodeShape shape, params int[] sizes) =>
        Plan(element, shape, sizes, Enumerable.Repeat(GeneratorRules.ActivationFunction.Sigmoid, sizes.Length - 1).ToArray());

    private static NetworkPlan Plan(ElementKind element, CodeShape shape, int[] sizes, GeneratorRules.ActivationFunction[] activations) => NetworkPlan.For(new NetworkModel(
        "Demo", EquatableArray<ContainingTypeModel>.Empty, "class", "Net", "Demo.Net.g.cs", "Demo_Net", new EquatableArray<int>(sizes),
        element, GeneratorRules.CostFunction.Quadratic, new EquatableArray<GeneratorRules.ActivationFunction>(activations), shape, ImplementsRuntimeInterface: false, SkipLocalsInit: false, CodeTarget.Latest));

    private static LayerKernel[] Kernels(NetworkPlan plan) => plan.Layers.Select(l => l.Kernel).ToArray();

    [Theory]
    // Auto: SIMD where the layer's input fills a vector (8 floats, 4 doubles), straight-line code below that.
    [InlineData(false, new[] { 784, 16, 16, 10 }, "Simd Simd Simd")]
    [InlineData(false, new[] { 2, 2, 1 }, "StraightLine StraightLine")]
    [InlineData(false, new[] { 784, 7, 8, 10 }, "Simd StraightLine Simd")]
    [InlineData(true, new[] { 3, 4, 2 }, "StraightLine Simd")]
    [InlineData(false, new[] { 4, 8, 3 }, "StraightLine Simd")]
    public void Auto_ChoosesSimdExactlyWhereTheInputFillsAVector(bool isDouble, int[] sizes, string expected)
    {
        Assert.Equal(expected, string.Join(" ", Kernels(Plan(isDouble ? ElementKind.Double : ElementKind.Single, CodeShape.Auto, sizes))));
    }

    [Fact]
    public void ForcedShapes_ApplyToEveryLayer()
    {
        Assert.All(Kernels(Plan(ElementKind.Single, CodeShape.Simd, 2, 2, 1)), k => Assert.Equal(LayerKernel.Simd, k));
        Assert.All(Kernels(Plan(ElementKind.Single, CodeShape.UnrolledScalar, 784, 16, 16, 10)), k => Assert.Equal(LayerKernel.StraightLine, k));
    }

    [Fact]
    public void Layers_CarrySizesAndTheOffsetsOfTheParameterLayout()
    {
        NetworkPlan plan = Plan(ElementKind.Single, CodeShape.Auto, 784, 16, 16, 10);
        Assert.Equal(3, plan.L);
        Assert.Equal(new[] { (784, 16, 0L, 12544L), (16, 16, 12560L, 12816L), (16, 10, 12832L, 12992L) },
            plan.Layers.Select(l => (l.InputSize, l.OutputSize, l.WeightOffset, l.BiasOffset)).ToArray());
        Assert.Equal(13002, plan.Output.BiasOffset + plan.Output.OutputSize);
        Assert.Equal(("N1", "N2", "W2", "B2"), (plan.Layers[1].In, plan.Layers[1].Out, plan.Layers[1].W, plan.Layers[1].B));
    }

    [Theory]
    [InlineData(false, new[] { 784, 16, 16, 10 }, 16)]     // 336 bytes a sample: the cap of 16
    [InlineData(false, new[] { 784, 1000, 10 }, 8)]        // 64 KB / (2 × 1,010 × 4 bytes)
    [InlineData(true, new[] { 784, 1000, 10 }, 4)]
    [InlineData(false, new[] { 8192, 8192 }, 1)]           // more than the budget: still one sample
    public void Chunk_IsWhatFitsTheStackBudget(bool isDouble, int[] sizes, int chunk)
    {
        Assert.Equal(chunk, Plan(isDouble ? ElementKind.Double : ElementKind.Single, CodeShape.Auto, sizes).Chunk);
    }

    [Theory]
    [InlineData(false, new[] { 784, 100, 10 }, 32)]           // 400 bytes a sample: the cap of 32
    [InlineData(false, new[] { 784, 512, 512, 10 }, 32)]      // 128 KB / (1,024 × 4 bytes)
    [InlineData(true, new[] { 784, 512, 512, 10 }, 16)]       // 128 KB / (1,024 × 8 bytes)
    [InlineData(false, new[] { 784, 1500, 1500, 10 }, 8)]     // 128 KB / 12,000 bytes = 10, cut to whole groups of 4
    [InlineData(false, new[] { 784, 8192, 8192, 10 }, 4)]     // more than the budget: still one group
    public void Tile_IsTheWholeGroupsThatFitTheStackBudget(bool isDouble, int[] sizes, int tile)
    {
        Assert.Equal(tile, Plan(isDouble ? ElementKind.Double : ElementKind.Single, CodeShape.Auto, sizes).Tile);
    }

    [Fact]
    public void Layers_CarryTheirActivations_AndTheHelpersAreThoseTheNetworkUses()
    {
        NetworkPlan plan = Plan(ElementKind.Single, CodeShape.Auto, new[] { 5, 37, 29, 3 }, new[] { GeneratorRules.ActivationFunction.ReLU, GeneratorRules.ActivationFunction.Tanh, GeneratorRules.ActivationFunction.Softmax });
        Assert.Equal(new[] { GeneratorRules.ActivationFunction.ReLU, GeneratorRules.ActivationFunction.Tanh, GeneratorRules.ActivationFunction.Softmax }, plan.Layers.Select(l => l.Activation).ToArray());
        Assert.Equal(new[] { GeneratorRules.ActivationFunction.Tanh, GeneratorRules.ActivationFunction.ReLU, GeneratorRules.ActivationFunction.Softmax }, plan.ActivationKernels.ToArray());
        Assert.Equal(new[] { GeneratorRules.ActivationFunction.Tanh, GeneratorRules.ActivationFunction.ReLU }, plan.DerivativeKernels.ToArray());

        NetworkPlan identity = Plan(ElementKind.Double, CodeShape.Auto, new[] { 3, 4, 2 }, new[] { GeneratorRules.ActivationFunction.LeakyReLU, GeneratorRules.ActivationFunction.Identity });
        Assert.Equal(new[] { GeneratorRules.ActivationFunction.LeakyReLU }, identity.ActivationKernels.ToArray());   // identity: no kernel
        Assert.True(identity.UsesLeakyReLU);
        Assert.Empty(Plan(ElementKind.Single, CodeShape.Auto, 1, 1).DerivativeKernels);             // no hidden layer: no derivative
    }

    [Fact]
    public void Initialisation_FollowsTheActivation_OutputLayerByTheLastHiddenLayer()
    {
        // 784-100-30-10 with ReLU, tanh hidden layers and a softmax output: He for W1 (ReLU), Glorot for W2 (tanh),
        // and W3 follows the last hidden layer (tanh), not the softmax.
        NetworkPlan plan = Plan(ElementKind.Single, CodeShape.Auto, new[] { 784, 100, 30, 10 }, new[] { GeneratorRules.ActivationFunction.ReLU, GeneratorRules.ActivationFunction.Tanh, GeneratorRules.ActivationFunction.Softmax });
        Assert.Equal(new[] { GeneratorRules.Initializer.He, GeneratorRules.Initializer.Glorot, GeneratorRules.Initializer.Glorot }, plan.Layers.Select(l => l.Init).ToArray());
        Assert.Equal(new[] { 1, 2, 2 }, plan.Layers.Select(l => l.InitFrom).ToArray());
        Assert.Equal(System.Math.Sqrt(2.0 / 784), plan.Layers[0].WeightScale);
        Assert.Equal(System.Math.Sqrt(2.0 / (100 + 30)), plan.Layers[1].WeightScale);
        Assert.Equal(System.Math.Sqrt(2.0 / (30 + 10)), plan.Layers[2].WeightScale);
        Assert.All(plan.Layers, l => Assert.Equal(0.0, l.BiasScale));
        Assert.False(plan.StandardNormalEverywhere);

        // Sigmoid hidden layers: standard normal everywhere, whatever the output (network.py's bits).
        NetworkPlan sigmoid = Plan(ElementKind.Single, CodeShape.Auto, new[] { 784, 30, 10 }, new[] { GeneratorRules.ActivationFunction.Sigmoid, GeneratorRules.ActivationFunction.Softmax });
        Assert.True(sigmoid.StandardNormalEverywhere);
        Assert.All(sigmoid.Layers, l => Assert.Equal((1.0, 1.0), (l.WeightScale, l.BiasScale)));

        // No hidden layer: the output's own activation decides (identity: Glorot, √(2/(1 + 1)) = 1).
        NetworkPlan linear = Plan(ElementKind.Double, CodeShape.Auto, new[] { 1, 1 }, new[] { GeneratorRules.ActivationFunction.Identity });
        Assert.Equal((GeneratorRules.Initializer.Glorot, 1.0, 0.0), (linear.Output.Init, linear.Output.WeightScale, linear.Output.BiasScale));
    }
}
