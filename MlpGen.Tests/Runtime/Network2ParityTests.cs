using System;
using System.IO;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// One epoch of network2.py's SGD (cross-entropy, L2 with λ = 5, η = 0.5, mini-batch 10, N(0, 1/n_in)
/// initialisation) against the runtime's, in double, from the same initial parameters and mini-batch order.
/// The reference comes from Fixtures/network2_parity.py (numpy), committed as its outputs.
/// </summary>
public class Network2ParityTests(ITestOutputHelper output)
{
    private const int N = 1000, Stride = 7919;

    private static double[] Fixture(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Repository.Root, "MlpGen.Tests", "Fixtures", name));
        var values = new double[bytes.Length / sizeof(double)];
        for (int i = 0; i < values.Length; i++) values[i] = BitConverter.ToDouble(bytes, i * sizeof(double));   // little-endian, as written
        return values;
    }

    [Fact]
    public void OneEpoch_CrossEntropyL2_MatchesNetwork2Py()
    {
        double[] initial = Fixture("network2_784x10x10_initial.bin"), expected = Fixture("network2_784x10x10_final.bin");
        var network = new Net784x10x10CED(1);
        Assert.Equal(Net784x10x10CED.ParameterCount, initial.Length);
        initial.CopyTo(network.Parameters);
        Dataset<double> train = TestData.TrainDouble.Slice(0, N);
        int[] order = Enumerable.Range(0, N).Select(i => (int)((long)i * Stride % N)).ToArray();

        Sgd.Train(network, train, new SgdOptions
        {
            Epochs = 1, MiniBatchSize = 10, Eta = 0.5,
            Regularization = Regularization.L2(5.0),
            EpochOrder = _ => order,
        });

        // Relative differences are taken against max(|p|, 0.01): a weight that is nearly 0 after the epoch (some are
        // 1e-4) carries the rounding of the O(1) terms it was computed from.
        double worstAbsolute = 0, worstRelative = 0, largestChange = 0;
        int identical = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(network.Parameters[i] - expected[i]);
            if (difference == 0) identical++;
            worstAbsolute = Math.Max(worstAbsolute, difference);
            worstRelative = Math.Max(worstRelative, difference / Math.Max(Math.Abs(expected[i]), 0.01));
            largestChange = Math.Max(largestChange, Math.Abs(expected[i] - initial[i]));
        }
        const int steps = N / 10;
        output.WriteLine($"{expected.Length} parameters after {steps} steps: {identical} bit-identical; worst absolute difference {worstAbsolute:E2}, " +
            $"worst relative {worstRelative:E2} ({worstRelative / steps:E2} per step); largest change in the epoch {largestChange:F3}");
        Assert.True(largestChange > 0.1, "the epoch should move the parameters");
        // Measured: 7.9e-16 per step (relative) on the AVX2 path, 1.1e-15 on the scalar path; absolute 1.0e-15 and 1.1e-15 after all 100.
        Assert.True(worstRelative / steps < 2e-15, $"worst relative difference {worstRelative:E2} over {steps} steps");
        Assert.True(worstAbsolute < 1e-14, $"worst absolute difference {worstAbsolute:E2} after {steps} steps");
    }
}
