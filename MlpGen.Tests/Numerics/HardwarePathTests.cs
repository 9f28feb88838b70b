using System;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// Which kernel path this run exercises. The generated kernels take plain scalar loops where Vector256
/// is not hardware accelerated; .ci/run runs the tests a second time with DOTNET_EnableAVX2=0 and
/// MLPGEN_EXPECT_SCALAR_PATH=1, and this test makes sure that second run really took the scalar path.
/// </summary>
public class HardwarePathTests(ITestOutputHelper output)
{
    [Fact]
    public void TheExpectedKernelPathIsTheOneRunning()
    {
        bool expectScalar = Environment.GetEnvironmentVariable("MLPGEN_EXPECT_SCALAR_PATH") == "1";
        output.WriteLine($"Vector256 accelerated: {Vector256.IsHardwareAccelerated}; expecting the {(expectScalar ? "scalar" : "hardware's")} path");
        if (expectScalar) Assert.False(Vector256.IsHardwareAccelerated, "MLPGEN_EXPECT_SCALAR_PATH=1, but Vector256 is accelerated: the scalar kernels are not being tested");

        // Either way the network computes: a forward pass agrees with the reference.
        var network = new Net37x19x5(3);
        var reference = new ReferenceNetwork(Net37x19x5.LayerSizes.ToArray(), Array.ConvertAll(network.Parameters.ToArray(), v => (double)v));
        (double[] inputs, _) = Samples.For(37, 5, 1, seed: 2);
        var actual = new float[5];
        network.Predict(Samples.ToSingle(inputs), actual);
        double[] expected = reference.FeedForward(inputs)[^1];
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }
}
