using System;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Numerics;

/// <summary>
/// Which kernel path this run exercises. The generated kernels take Vector256 code where Vector256 is hardware
/// accelerated, else Vector128 code where Vector128 is, else plain scalar loops. .ci/run runs the tests three
/// times and names the path each run must take in MLPGEN_EXPECT_PATH: <c>vector256</c> (the default run on an AVX2
/// machine), <c>vector128</c> (DOTNET_EnableAVX=0: no AVX, so no AVX2 and no Vector256, but SSE's Vector128) and
/// <c>scalar</c> (DOTNET_EnableHWIntrinsic=0: no SIMD at all); a fourth run, of the int8 tests only, <c>vector128-sse2</c>
/// (DOTNET_EnableSSE42=0: SSE2's Vector128 without SSSE3). This test makes sure each run really took its path,
/// so that the other tests of that run test that path's kernels.
/// </summary>
public class HardwarePathTests(ITestOutputHelper output)
{
    /// <summary>The path the generated kernels take on this machine and these settings, by the same checks they make.</summary>
    private static string RunningPath =>
        Vector256.IsHardwareAccelerated ? "vector256" : Vector128.IsHardwareAccelerated ? "vector128" : "scalar";

    [Fact]
    public void TheExpectedKernelPathIsTheOneRunning()
    {
        string? expected = Environment.GetEnvironmentVariable("MLPGEN_EXPECT_PATH");
        output.WriteLine($"Vector256 accelerated: {Vector256.IsHardwareAccelerated}, Vector128 accelerated: {Vector128.IsHardwareAccelerated}: the {RunningPath} path; MLPGEN_EXPECT_PATH={expected ?? "(not set)"}");
        if (!string.IsNullOrEmpty(expected))
        {
            Assert.True(expected is "vector256" or "vector128" or "vector128-sse2" or "scalar",
                $"MLPGEN_EXPECT_PATH must be vector256, vector128, vector128-sse2 or scalar, but is '{expected}'");
            // vector128-sse2 (DOTNET_EnableSSE42=0): Vector128 without SSSE3, so that the int8 kernels take their portable Vector128
            // form (Arm64's and WebAssembly's) instead of SSSE3's byte multiply-adds.
            Assert.Equal(expected == "vector128-sse2" ? "vector128" : expected, RunningPath);
            if (expected == "vector128-sse2") Assert.False(System.Runtime.Intrinsics.X86.Ssse3.IsSupported, "SSSE3 is supported: the int8 kernels take its form");
        }

        // Whichever path it is, the network computes: a forward pass (37 inputs: whole vectors and a scalar tail
        // on both widths) agrees with the reference, and PredictBatch gives Predict's bits.
        var network = new Net37x19x5(3);
        var reference = new ReferenceNetwork(Net37x19x5.LayerSizes.ToArray(), Array.ConvertAll(network.Parameters.ToArray(), v => (double)v));
        (double[] inputs, _) = Samples.For(37, 5, 9, seed: 2);
        float[] single = Samples.ToSingle(inputs);
        var batch = new float[9 * 5];
        network.PredictBatch(single, batch);
        for (int s = 0; s < 9; s++)
        {
            var actual = new float[5];
            network.Predict(single.AsSpan(s * 37, 37), actual);
            double[] expectedOutputs = reference.FeedForward(inputs.AsSpan(s * 37, 37).ToArray())[^1];
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(expectedOutputs[i], actual[i], 1e-5);
                Assert.Equal(BitConverter.SingleToInt32Bits(actual[i]), BitConverter.SingleToInt32Bits(batch[s * 5 + i]));
            }
        }
    }
}
