using System;
using System.Linq;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Generator;

/// <summary>
/// The generated source, file by file, against committed baselines in Snapshots/: the attribute sources (the same in
/// every compilation) once, in <see cref="AttributeSources"/>; for each network its own file and the diagnostics.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class SnapshotTests
{
    /// <summary>The files every compilation gets, whatever it declares: the [Network] attribute and its enums, and EmbeddedAttribute.</summary>
    private static readonly string[] AttributeHintNames = { "MlpGen.NetworkAttribute.g.cs", "Microsoft.CodeAnalysis.EmbeddedAttribute.cs" };

    private static void Verify(string test, string source, bool expectNetwork = true, params Microsoft.CodeAnalysis.AdditionalText[] additionalFiles) =>
        Verify(test, source, null, expectNetwork, additionalFiles);

    private static void Verify(string test, string source, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider? options, bool expectNetwork,
        params Microsoft.CodeAnalysis.AdditionalText[] additionalFiles)
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile(source), options, additionalFiles);
        Assert.Null(result.Exception);
        Assert.All(AttributeHintNames, name => Assert.Contains(result.GeneratedSources, s => s.HintName == name)); // snapshotted in AttributeSources
        var files = result.GeneratedSources.Where(s => !AttributeHintNames.Contains(s.HintName)).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.Equal(expectNetwork ? 1 : 0, files.Count);
        // A network without diagnostics has no diagnostics file: its absence is the baseline (an extra file fails the test).
        if (!result.Diagnostics.IsEmpty) files["diagnostics"] = string.Join("\n", result.Diagnostics.Select(d => d.ToString())) + "\n";
        Snapshot.Verify(test, files);
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void AttributeSources()
    {
        (var result, var output) = GeneratorHarness.Run(GeneratorHarness.Compile("namespace Demo; public class NoNetwork { }"));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Snapshot.Verify(nameof(AttributeSources), result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString()));
        Assert.Equal(AttributeHintNames.OrderBy(n => n, StringComparer.Ordinal), result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Xor_2_2_1() => Verify(nameof(Xor_2_2_1), """
        using MlpGen;

        namespace Demo;

        [Network(2, 2, 1)]
        public partial class Xor { }
        """);

    [Fact]
    public void Digits_784_16_16_10() => Verify(nameof(Digits_784_16_16_10), """
        using MlpGen;

        namespace Digits
        {
            [Network(784, 16, 16, 10)]
            public sealed partial class DigitNet { }
        }
        """);

    [Fact]
    public void NestedNamespaceAndClass_Double() => Verify(nameof(NestedNamespaceAndClass_Double), """
        namespace Company.Product.Models
        {
            namespace Vision
            {
                public partial class Host<T>
                {
                    [MlpGen.Network(3, 4, 2, ElementType = typeof(double))]
                    internal sealed partial class Net { }
                }
            }
        }
        """);

    [Fact]
    public void CrossEntropy_3_4_2() => Verify(nameof(CrossEntropy_3_4_2), """
        using MlpGen;

        namespace Demo;

        [Network(3, 4, 2, Cost = NetworkCost.CrossEntropy)]
        internal partial class Classifier { }
        """);

    /// <summary>ReLU hidden layer, softmax output (the log-likelihood cost by default); 12 inputs and 10 outputs: SIMD with leftovers, a vectorised softmax with a tail.</summary>
    [Fact]
    public void ReLUSoftmax_12_9_10() => Verify(nameof(ReLUSoftmax_12_9_10), """
        using MlpGen;

        namespace Demo;

        [Network(12, 9, 10, Hidden = NetworkActivation.ReLU, Output = NetworkOutput.Softmax)]
        public partial class Digits { }
        """);

    /// <summary>Tanh hidden layers, a linear (identity) output, in double: regression.</summary>
    [Fact]
    public void TanhIdentity_3_5_4_2_Double() => Verify(nameof(TanhIdentity_3_5_4_2_Double), """
        using MlpGen;

        namespace Demo;

        [Network(3, 5, 4, 2, Hidden = NetworkActivation.Tanh, Output = NetworkOutput.Identity, ElementType = typeof(double))]
        public partial class Regressor { }
        """);

    /// <summary>Per-layer activations (leaky ReLU, then tanh), a softmax output on the quadratic cost (with its info diagnostic, MLPG031).</summary>
    [Fact]
    public void MixedSoftmaxQuadratic_4_8_6_3() => Verify(nameof(MixedSoftmaxQuadratic_4_8_6_3), """
        using MlpGen;

        namespace Demo;

        [Network(4, 8, 6, 3, HiddenLayers = new[] { NetworkActivation.LeakyReLU, NetworkActivation.Tanh }, Output = NetworkOutput.Softmax, Cost = NetworkCost.Quadratic)]
        public partial class Mixed { }
        """);

    /// <summary>GELU then SiLU hidden layers and a log-softmax output (log-likelihood, its only cost): Φ's kernels and the z kept for the backward pass.</summary>
    [Fact]
    public void GeluSiluLogSoftmax_5_37_29_3() => Verify(nameof(GeluSiluLogSoftmax_5_37_29_3), """
        using MlpGen;

        namespace Demo;

        [Network(5, 37, 29, 3, HiddenLayers = new[] { NetworkActivation.GELU, NetworkActivation.SiLU }, Output = NetworkOutput.LogSoftmax)]
        public partial class Smooth { }
        """);

    [Fact]
    public void GlobalNamespace_1_1() => Verify(nameof(GlobalNamespace_1_1), """
        [MlpGen.Network(1, 1)]
        partial class Tiny { }
        """);

    [Fact]
    public void BakedWeights_2_2_1()
    {
        // XOR weights of the kind training finds, saved by the runtime and baked in.
        var trained = new MlpGen.Tests.Numerics.Net2x2x1(1);
        new float[] { 6.1f, -4.3f, 5.9f, -4.6f, -2.4f, 1.8f, 8.4f, -9.1f, -3.7f }.AsSpan().CopyTo(trained.Parameters);
        using var directory = new TemporaryDirectory();
        string path = directory.File("xor.mlpw");
        MlpGen.Persistence.WeightsFile.Save(path, trained);
        Verify(nameof(BakedWeights_2_2_1), """
            namespace Demo;

            [MlpGen.Network(2, 2, 1, Weights = "xor.mlpw")]
            public partial class Xor { }
            """, expectNetwork: true, new InMemoryAdditionalText("/src/app/xor.mlpw", System.IO.File.ReadAllText(path)));
    }

    [Fact]
    public void BakedWeightsAsResource_2_2_1()
    {
        // The same network, built with MlpGen.Generator's targets: the file's bytes are the resource the metadata names.
        var trained = new MlpGen.Tests.Numerics.Net2x2x1(1);
        new float[] { 6.1f, -4.3f, 5.9f, -4.6f, -2.4f, 1.8f, 8.4f, -9.1f, -3.7f }.AsSpan().CopyTo(trained.Parameters);
        using var directory = new TemporaryDirectory();
        string path = directory.File("xor.mlpw");
        MlpGen.Persistence.WeightsFile.Save(path, trained);
        var metadata = new AdditionalFileMetadata(new System.Collections.Generic.Dictionary<string, string> { ["/src/app/xor.mlpw"] = "MlpGen.Weights/xor.mlpw" });
        Verify(nameof(BakedWeightsAsResource_2_2_1), """
            namespace Demo;

            [MlpGen.Network(2, 2, 1, Weights = "xor.mlpw")]
            public partial class Xor { }
            """, metadata, expectNetwork: true, new InMemoryAdditionalText("/src/app/xor.mlpw", System.IO.File.ReadAllText(path)));
    }

    [Fact]
    public void Int8_40_6_3()
    {
        // A quantized ReLU/softmax network, baked as literals: the int8 kernels (AVX2, Vector128, scalar), the fused ReLU coding, the byte data.
        var random = new Random(20);
        double[] parameters = Enumerable.Range(0, 40 * 6 + 6 + 6 * 3 + 3).Select(_ => random.NextDouble() - 0.5).ToArray();
        var weights = new MlpGen.Persistence.NetworkWeights([40, 6, 3], [MlpGen.ActivationFunction.ReLU, MlpGen.ActivationFunction.Softmax], MlpGen.CostFunction.LogLikelihood,
            MlpGen.Persistence.WeightsElement.Float32, parameters);
        float[] calibration = Enumerable.Range(0, 40 * 8).Select(_ => (float)random.NextDouble()).ToArray();
        using var directory = new TemporaryDirectory();
        string path = directory.File("q.mlpw");
        MlpGen.Persistence.WeightsFile.Write(path, MlpGen.Quantization.Quantizer.Quantize(weights, calibration));
        Verify(nameof(Int8_40_6_3), """
            namespace Demo;

            [MlpGen.Network(40, 6, 3, Hidden = MlpGen.NetworkActivation.ReLU, Output = MlpGen.NetworkOutput.Softmax, Cost = MlpGen.NetworkCost.LogLikelihood, Weights = "q.mlpw")]
            public partial class Tiny8 { }
            """, expectNetwork: true, new InMemoryAdditionalText("/src/app/q.mlpw", System.IO.File.ReadAllText(path)));
    }

    [Fact]
    public void Diagnostics_NotPartial() => Verify(nameof(Diagnostics_NotPartial), """
        [MlpGen.Network(2, 1)]
        public class NotPartial { }
        """, expectNetwork: false);
}

/// <summary>The snapshot diff is readable: changed lines with line numbers and a little context.</summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public class SnapshotDiffTests
{
    [Fact]
    public void Diff_ShowsRemovedAndAddedLinesWithNumbers()
    {
        string diff = Snapshot.Diff("one\ntwo\nthree\nfour\nfive\nsix\nseven\neight", "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine");
        Assert.Equal(
            """
                  1: one
                  2: two
            -     3: three
            +     3: THREE
                  4: four
                  5: five
              ...
                  7: seven
                  8: eight
            +     9: nine

            """.Replace("\r\n", "\n"),
            diff.Replace("\r\n", "\n"));
    }
}
