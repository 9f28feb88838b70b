using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;

namespace MlpGen.Tests.Shipping;

/// <summary>
/// What the tests of other hosts (<see cref="MonoBuildTests"/>, <see cref="Net8BuildTests"/>) share: the trained network
/// they bake (the inference sample's digits.mlpw, a 784-16-16-10 sigmoid network trained on real digits), how the same
/// network classifies the 2,000 test digits on .NET 10 (this test process, whose <see cref="BakedDigitNet"/> bakes that
/// very file), and how two hosts' classes are compared.
/// </summary>
internal static class HostApps
{
    /// <summary>The weights file every host bakes: 13,002 parameters, below the literal budget, so no MLPG039 either way.</summary>
    public static string Weights => Path.Combine(Repository.Root, "MlpGen.InferenceSample", "digits.mlpw");

    /// <summary>
    /// How far apart (absolute, on sigmoid outputs in (0, 1)) the two largest outputs of the .NET 10 network may be where
    /// another host picks the other one. The shapes differ only in rounding: the .NET 8 shape runs .NET 10's SIMD loops
    /// with an exponential of its own (within an ulp of a float, 1.2e-7 near 1); the netstandard2.0 shape runs scalar
    /// loops, so its dot products also add in another order and its multiply-adds are not fused (<c>Math.Exp</c> in
    /// double for the exponential). Three layers carry that into the outputs as a few ulps to some 1e-6 (2.1e-6 at most
    /// between Mono and .NET 10 on the test digits, docs/hosts.md). A class may differ only where two outputs are that
    /// close: 1e-4 is a wide margin over those roundings, and still far below any gap that a real difference in the math
    /// would leave.
    /// </summary>
    public const float NearTie = 1e-4f;

    /// <summary>The test images' and labels' files (raw or gzipped), as the apps read them: arguments 0 and 1.</summary>
    public static string[] DigitFiles =>
    [
        TestData.MnistFile(Mnist.FileNames(MnistSplit.Test).Images),
        TestData.MnistFile(Mnist.FileNames(MnistSplit.Test).Labels),
    ];

    /// <summary>
    /// The C# 9 code that reads the IDX files (raw or gzipped) without MlpGen and turns the pixels into inputs exactly as
    /// <c>Mnist.Load</c> does (pixel / 255f): for an app's Program.cs, with <c>Classify</c> replaced by the network's call.
    /// </summary>
    public const string ReadDigits = """
        static byte[] ReadIdx(string path, int headerBytes)
        {
            using Stream file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            byte[] all = memory.ToArray();
            byte[] data = new byte[all.Length - headerBytes];
            Array.Copy(all, headerBytes, data, 0, data.Length);
            return data;
        }

        static float[][] ReadImages(string path)
        {
            byte[] pixels = ReadIdx(path, 16);
            var images = new float[pixels.Length / 784][];
            for (int i = 0; i < images.Length; i++)
            {
                images[i] = new float[784];
                for (int p = 0; p < 784; p++) images[i][p] = pixels[i * 784 + p] / 255f;
            }
            return images;
        }

        static string Classes(float[][] images, Func<float[], int> classify)
        {
            var classes = new StringBuilder(images.Length);
            foreach (float[] image in images) classes.Append((char)('0' + classify(image)));
            return classes.ToString();
        }

        static int Correct(string classes, byte[] labels)
        {
            int correct = 0;
            for (int i = 0; i < labels.Length; i++) if (classes[i] - '0' == labels[i]) correct++;
            return correct;
        }
        """;

    /// <summary>The .NET 10 network's classes of the test digits, one character each, and its outputs.</summary>
    public static (string Classes, float[][] Outputs) Net10()
    {
        var net = new BakedDigitNet();
        Dataset<float> test = TestData.Test;
        var classes = new StringBuilder(test.Count);
        var outputs = new float[test.Count][];
        for (int i = 0; i < test.Count; i++)
        {
            outputs[i] = new float[BakedDigitNet.OutputSize];
            net.Predict(test.Input(i), outputs[i]);
            classes.Append((char)('0' + BakedDigitNet.ClassOf(outputs[i])));
        }
        return (classes.ToString(), outputs);
    }

    /// <summary>The accuracy of <paramref name="classes"/> on the test digits.</summary>
    public static int Correct(string classes) => Enumerable.Range(0, TestData.Test.Count).Count(i => classes[i] - '0' == TestData.Test.Label(i));

    /// <summary>
    /// Compares another host's classes with the .NET 10 network's: the number that agree, and a description of each
    /// disagreement that is not a near tie (<see cref="NearTie"/>) of the .NET 10 outputs; empty when all is as expected.
    /// </summary>
    public static (int Agree, List<string> Unexplained) Compare(string classes, (string Classes, float[][] Outputs) net10)
    {
        if (classes.Length != net10.Classes.Length) return (0, [$"{classes.Length} classes, expected {net10.Classes.Length}"]);
        int agree = 0;
        var unexplained = new List<string>();
        for (int i = 0; i < classes.Length; i++)
        {
            if (classes[i] == net10.Classes[i]) { agree++; continue; }
            float[] o = net10.Outputs[i];
            int other = classes[i] - '0', ours = net10.Classes[i] - '0';
            float gap = other is >= 0 and < 10 ? o[ours] - o[other] : float.PositiveInfinity;
            if (!(gap < NearTie)) unexplained.Add($"image {i}: {other}, .NET 10 reads {ours} (outputs {o[ours]:R} and {(other is >= 0 and < 10 ? o[other].ToString("R") : "-")}, gap {gap:G3})");
        }
        return (agree, unexplained);
    }

    /// <summary>The line of <paramref name="output"/> that starts with <paramref name="prefix"/>, without the prefix.</summary>
    public static string Line(string output, string prefix)
    {
        string[] lines = output.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        if (lines.Length != 1) throw new InvalidOperationException($"expected one line starting with '{prefix}' in the output:\n{output}");
        return lines[0][prefix.Length..];
    }

    /// <summary>
    /// The warnings and errors a build printed (MSBuild's "file(line,col): warning ID: ..." lines), at most one per
    /// distinct line: with <c>TreatWarningsAsErrors</c> any one fails the build, but a test names them.
    /// </summary>
    public static string[] Diagnostics(string buildOutput) =>
        buildOutput.Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(": warning ", StringComparison.Ordinal) || l.Contains(": error ", StringComparison.Ordinal))
            .Distinct().ToArray();

    /// <summary>
    /// A nuget.config for <paramref name="directory"/> that adds the test run's package feed to the machine's own package
    /// sources: these apps need the MlpGen packages and packages from the registry (reference assemblies, System.Memory).
    /// </summary>
    public static void WriteNuGetConfig(PackageFeed packages, string directory) => File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="mlpgen-local" value="{packages.Directory}" />
          </packageSources>
        </configuration>
        """);

    /// <summary>
    /// The environment for dotnet commands on these apps: a package folder of their own (so no MlpGen package of an
    /// earlier run, of the same version, is used) under <paramref name="work"/>.
    /// </summary>
    public static Dictionary<string, string> Environment(TemporaryDirectory work) => new() { ["NUGET_PACKAGES"] = work.File("packages") };
}
