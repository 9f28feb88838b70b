using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MlpGen.AotBenchmark;

// Times Predict (one sample per call) and PredictBatch (all samples in one call) of 784-16-16-10 and 784-100-10,
// in ns per sample, and prints one line per measurement. The same program runs under the JIT (dotnet run) and
// as a NativeAOT executable; MlpGen.AotBenchmark/run runs the builds one after the other and prints the table.
//   MlpGen.AotBenchmark [<label>] [<rounds>]
// Each measurement: 2,000 inputs (pseudo-random pixels, 0 for about 80% of them as in MNIST), warm-up for about
// half a second, then <rounds> rounds (default 41) over all 2,000; it prints the median round and the quartiles.
string label = args.Length > 0 ? args[0] : RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT";
int rounds = args.Length > 1 && int.TryParse(args[1], out int r) && r > 0 ? r : 41;
const int Count = 2000;

Console.WriteLine($"# {label}: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}, {(RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}; " +
                  $"Vector256 accelerated {Vector256.IsHardwareAccelerated}, Vector128 accelerated {Vector128.IsHardwareAccelerated}, " +
                  $"Avx2.IsSupported {Avx2.IsSupported}, Fma.IsSupported {Fma.IsSupported}, Sse42.IsSupported {Sse42.IsSupported}");

var inputs = new float[Count * 784];
var random = new Random(1);
for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextDouble() < 0.8 ? 0f : (float)random.NextDouble();

var outputs = new float[Count * 10];
var small = new Net784x16x16x10(1);
Report("784-16-16-10", "Predict", () =>
{
    for (int s = 0; s < Count; s++) small.Predict(inputs.AsSpan(s * 784, 784), outputs.AsSpan(s * 10, 10));
});
Report("784-16-16-10", "PredictBatch", () => small.PredictBatch(inputs, outputs));
var wide = new Net784x100x10(1);
Report("784-100-10", "Predict", () =>
{
    for (int s = 0; s < Count; s++) wide.Predict(inputs.AsSpan(s * 784, 784), outputs.AsSpan(s * 10, 10));
});
Report("784-100-10", "PredictBatch", () => wide.PredictBatch(inputs, outputs));
return 0;

// One measurement: ns per sample of the median round, and of the quartile rounds.
void Report(string topology, string operation, Action round)
{
    var warmUp = Stopwatch.StartNew();
    while (warmUp.ElapsedMilliseconds < 500) round();
    var perSample = new double[rounds];
    for (int i = 0; i < rounds; i++)
    {
        long start = Stopwatch.GetTimestamp();
        round();
        perSample[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Count;
    }
    Array.Sort(perSample);
    double Quantile(double q) => perSample[(int)Math.Round(q * (rounds - 1))];
    // Use the outputs, so that no compiler can drop the work.
    if (float.IsNaN(outputs[0])) Console.WriteLine("# NaN in the outputs");
    Console.WriteLine($"{label}\t{topology}\t{operation}\t{Quantile(0.5):F0}\t{Quantile(0.25):F0}\t{Quantile(0.75):F0}");
}

namespace MlpGen.AotBenchmark
{
    // The two topologies of the goal, sigmoid layers (the default), seeded initial weights.
    [Network(784, 16, 16, 10)] internal sealed partial class Net784x16x16x10 { }
    [Network(784, 100, 10)] internal sealed partial class Net784x100x10 { }
}
