using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using MlpGen.Benchmarks.NetStandard;

// The forward pass of one sample and the SGD step per sample (mini-batch 10) of the .NET Standard 2.0 networks, on
// whatever runtime runs this app (Mono here): each figure the median of 21 timed rounds over 2,000 samples (forward)
// or 200 mini-batches (SGD), after 5 rounds of warm-up. Arguments: a directory with t10k-images-idx3-ubyte(.gz).
const int Samples = 2000, MiniBatch = 10, Warmup = 5, Rounds = 21;
string directory = args.Length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
float[] inputs = ReadImages(directory, Samples);
var targets = new float[Samples * 10];
for (int s = 0; s < Samples; s++) targets[s * 10 + s % 10] = 1;

Type? mono = Type.GetType("Mono.Runtime");
string runtime = mono is null ? ".NET Framework " + Environment.Version : "Mono " + mono.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, null);
Console.WriteLine($"{runtime}, {Environment.ProcessorCount} cores; median of {Rounds} rounds after {Warmup} of warm-up (not BenchmarkDotNet)");

var output = new float[10];
var big = new Net784x100x10();
var small = new Net784x16x16x10();
Report("784-100-10", n => big.Predict(inputs.AsSpan(n * 784, 784), output), first => big.TrainMiniBatch(inputs.AsSpan(first * 784, MiniBatch * 784), targets.AsSpan(first * 10, MiniBatch * 10), 0.01f));
Report("784-16-16-10", n => small.Predict(inputs.AsSpan(n * 784, 784), output), first => small.TrainMiniBatch(inputs.AsSpan(first * 784, MiniBatch * 784), targets.AsSpan(first * 10, MiniBatch * 10), 0.01f));

void Report(string name, Action<int> forward, Action<int> step)
{
    double f = Median(() => { for (int n = 0; n < Samples; n++) forward(n); }) / Samples;
    double t = Median(() => { for (int b = 0; b < Samples / MiniBatch; b++) step(b * MiniBatch); }) / Samples;
    Console.WriteLine($"{name}: forward {f:F0} ns per sample, SGD step {t:F0} ns per sample");
}

static double Median(Action round)
{
    for (int i = 0; i < Warmup; i++) round();
    var times = new List<double>();
    for (int i = 0; i < Rounds; i++)
    {
        var watch = Stopwatch.StartNew();
        round();
        times.Add(watch.Elapsed.TotalMilliseconds * 1e6);
    }
    times.Sort();
    return times[Rounds / 2];
}

static float[] ReadImages(string directory, int count)
{
    string path = new[] { "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz" }.Select(n => Path.Combine(directory, n)).First(File.Exists);
    using Stream file = File.OpenRead(path);
    using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    byte[] bytes = memory.ToArray();
    var images = new float[count * 784];
    for (int i = 0; i < images.Length; i++) images[i] = bytes[16 + i] / 255f;
    return images;
}
