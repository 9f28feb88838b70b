using System.Linq;
using MlpGen.Generator.Model;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>The decisions the emitters read, checked without emitting code: kernel shapes, offsets, chunk size.</summary>
public class NetworkPlanTests
{
    private static NetworkPlan Plan(ElementKind element, CodeShape shape, params int[] sizes) => NetworkPlan.For(new NetworkModel(
        "Demo", EquatableArray<ContainingTypeModel>.Empty, "class", "Net", "Demo.Net.g.cs", new EquatableArray<int>(sizes),
        element, CostKind.Quadratic, shape, ImplementsRuntimeInterface: false, SkipLocalsInit: false));

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
}
