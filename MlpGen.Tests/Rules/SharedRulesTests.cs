using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using MlpGen.Tests.Infrastructure;
using MlpGen.Training;
using Xunit;
using GeneratorRules = MlpGen.Generator.Rules;

namespace MlpGen.Tests.Rules;

/// <summary>
/// The rules of MlpGen.Shared, as both sides see them: the generator compiles the same files into MlpGen.Generator.Rules,
/// the runtime into MlpGen, and the [Network] attribute's enums (generated source) must mean the same values.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class SharedRulesTests
{
    [Theory]
    [InlineData(typeof(ActivationFunction), typeof(GeneratorRules.ActivationFunction))]
    [InlineData(typeof(CostFunction), typeof(GeneratorRules.CostFunction))]
    [InlineData(typeof(Initializer), typeof(GeneratorRules.Initializer))]
    public void Generator_and_runtime_enums_agree_by_name_and_value(Type runtime, Type generator)
    {
        Assert.NotEqual(runtime.Assembly, generator.Assembly);
        Assert.Equal(Members(runtime), Members(generator));
    }

    [Fact]
    public void The_attribute_enums_name_the_shared_lists_in_order()
    {
        Compilation output = GeneratorHarness.Run(GeneratorHarness.Compile("namespace N; [MlpGen.Network(2, 2, 1)] public partial class Net { }")).Output;
        (string, int)[] Declared(string name) => output.GetTypeByMetadataName("MlpGen." + name)!.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.HasConstantValue).Select(f => (f.Name, (int)f.ConstantValue!)).ToArray();

        Assert.Equal(NetworkRules.HiddenActivations.Select((a, i) => (a.ToString(), i)), Declared("NetworkActivation"));
        Assert.Equal(NetworkRules.OutputActivations.Select((a, i) => (a.ToString(), i)), Declared("NetworkOutput"));
        Assert.Equal(NetworkRules.Costs.Select(c => (c.ToString(), (int)c)), Declared("NetworkCost"));
        Assert.Equal(All<CostFunction>(), NetworkRules.Costs);
    }

    [Fact]
    public void Names_round_trip_and_are_unique()
    {
        foreach (ActivationFunction a in All<ActivationFunction>())
        {
            Assert.True(NetworkRules.TryParseActivation(NetworkRules.Name(a), out ActivationFunction back));
            Assert.Equal(a, back);
        }
        foreach (CostFunction c in All<CostFunction>())
        {
            Assert.True(NetworkRules.TryParseCost(NetworkRules.Name(c), out CostFunction back));
            Assert.Equal(c, back);
        }
        Assert.Equal(9, All<ActivationFunction>().Select(NetworkRules.Name).Distinct().Count());
        Assert.False(NetworkRules.TryParseActivation("ReLU", out _));   // names are lower-case, as files and the command line write them
    }

    [Fact]
    public void Every_activation_has_a_place_and_every_cost_an_output()
    {
        Assert.All(All<ActivationFunction>(), a => Assert.True(NetworkRules.IsHidden(a) || NetworkRules.IsOutput(a)));
        Assert.False(NetworkRules.IsHidden(ActivationFunction.Softmax));
        Assert.False(NetworkRules.IsOutput(ActivationFunction.ReLU));
        foreach (ActivationFunction output in NetworkRules.OutputActivations)
        {
            Assert.True(NetworkRules.Fits(NetworkRules.DefaultCost(output), output));
        }
        Assert.False(NetworkRules.Fits(CostFunction.CrossEntropy, ActivationFunction.Softmax));
        Assert.False(NetworkRules.Fits(CostFunction.LogLikelihood, ActivationFunction.Sigmoid));
    }

    /// <summary>
    /// Issue 22 appended GELU, SiLU and log-softmax: the values before them are those of existing weights files,
    /// snapshots and the generated enums, and stay; the new ones follow them, in both enums.
    /// </summary>
    [Fact]
    public void The_values_of_issue_22_are_appended_and_their_rules_decided()
    {
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, new[]
        {
            ActivationFunction.Sigmoid, ActivationFunction.Tanh, ActivationFunction.ReLU, ActivationFunction.LeakyReLU, ActivationFunction.Softmax,
            ActivationFunction.Identity, ActivationFunction.GELU, ActivationFunction.SiLU, ActivationFunction.LogSoftmax,
        }.Select(a => (int)a));
        Assert.Equal(new[] { "gelu", "silu", "log-softmax" }, new[] { ActivationFunction.GELU, ActivationFunction.SiLU, ActivationFunction.LogSoftmax }.Select(NetworkRules.Name));
        Assert.Equal(new[] { ActivationFunction.GELU, ActivationFunction.SiLU }, NetworkRules.HiddenActivations.Skip(4));
        Assert.Equal(ActivationFunction.LogSoftmax, NetworkRules.OutputActivations[^1]);
        Assert.Equal(CostFunction.LogLikelihood, NetworkRules.DefaultCost(ActivationFunction.LogSoftmax));
        Assert.Equal(new[] { CostFunction.LogLikelihood }, NetworkRules.Costs.Where(c => NetworkRules.Fits(c, ActivationFunction.LogSoftmax)));
        Assert.Equal(Initializer.He, NetworkRules.InitializerFor(ActivationFunction.GELU));
        Assert.Equal(Initializer.He, NetworkRules.InitializerFor(ActivationFunction.SiLU));
        Assert.Equal(Initializer.Glorot, NetworkRules.InitializerFor(ActivationFunction.LogSoftmax));
        Assert.Equal(new[] { ActivationFunction.GELU, ActivationFunction.SiLU }, All<ActivationFunction>().Where(NetworkRules.DerivativeNeedsZ));
    }

    [Fact]
    public void The_output_layer_is_initialised_for_the_last_hidden_layer()
    {
        ActivationFunction[] activations = { ActivationFunction.ReLU, ActivationFunction.Tanh, ActivationFunction.Softmax };
        Assert.Equal(new[] { Initializer.He, Initializer.Glorot, Initializer.Glorot },
            Enumerable.Range(1, 3).Select(l => NetworkRules.DefaultInitializer(activations, l)));
        Assert.Equal(Initializer.StandardNormal, NetworkRules.DefaultInitializer(new[] { ActivationFunction.Sigmoid }, 1));
    }

    [Fact]
    public void The_layout_puts_each_layers_weights_then_biases()
    {
        var layout = new ParameterLayout(new[] { 3, 4, 2 });
        Assert.Equal(3 * 4 + 4 + 4 * 2 + 2, layout.Count);
        Assert.Equal(ParameterLayout.CountOf(new[] { 3, 4, 2 }), layout.Count);
        Assert.Equal(new (int, bool, long, long)[] { (1, true, 0, 12), (1, false, 12, 4), (2, true, 16, 8), (2, false, 24, 2) },
            layout.Segments().Select(s => (s.Layer, s.IsWeights, s.Offset, s.Length)));
        Assert.Throws<ArgumentException>(() => new ParameterLayout(new[] { 3, 0, 2 }));
    }

    private static (string, int)[] Members(Type e) => Enum.GetNames(e).Select(n => (n, Convert.ToInt32(Enum.Parse(e, n), null))).ToArray();

    private static T[] All<T>() where T : struct, Enum => Enum.GetValues<T>();
}
