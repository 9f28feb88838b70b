using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlpGen.Interop;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Interop;

/// <summary>
/// The models PyTorch made (Interop/Fixtures/make_fixtures.py, committed with its outputs), the test images they were
/// run on, and the two ways the tests run a converted model: baked into a freshly generated class, and in ONNX Runtime.
/// </summary>
internal static class InteropFixtures
{
    /// <summary>PyTorch's outputs are of the first 200 test images.</summary>
    public const int Samples = 200;

    public static string FixtureDirectory { get; } = Path.Combine(Repository.Root, "MlpGen.Tests", "Interop", "Fixtures");

    public static string Fixture(string name) => Path.Combine(FixtureDirectory, name);

    /// <summary>The first <see cref="Samples"/> test images, one after another.</summary>
    public static float[] Images { get; } = Enumerable.Range(0, Samples).SelectMany(i => TestData.Test.Input(i).ToArray()).ToArray();

    public static float[] ExpectedSingle(string name) => MemoryMarshal.Cast<byte, float>(System.IO.File.ReadAllBytes(Fixture(name + ".expected.f32"))).ToArray();

    public static double[] ExpectedDouble(string name) => MemoryMarshal.Cast<byte, double>(System.IO.File.ReadAllBytes(Fixture(name + ".expected.f64"))).ToArray();

    /// <summary>
    /// Writes <paramref name="network"/> as a weights file, compiles the class <see cref="NetworkDeclaration.Attribute"/>
    /// declares for it with the generator (which bakes the file), and returns an instance.
    /// </summary>
    public static INetwork<T> Bake<T>(NetworkWeights network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.mlpw");
        WeightsFile.Write(path, network);
        string source = $"using MlpGen; namespace App; {NetworkDeclaration.Attribute(network, "model.mlpw")} public partial class Model {{ }}";
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source), new InMemoryAdditionalText(path, System.IO.File.ReadAllText(path)));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assembly assembly = GeneratorHarness.Load(output);
        return (INetwork<T>)Activator.CreateInstance(assembly.GetType("App.Model")!)!;
    }

    /// <summary>Runs an ONNX model with input <c>input</c> of shape [count, width] in ONNX Runtime; its single output, flattened.</summary>
    public static float[] RunInOnnxRuntime(byte[] model, float[] inputs, int width)
    {
        using var session = new InferenceSession(model);
        var tensor = new DenseTensor<float>(inputs, new[] { inputs.Length / width, width });
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), tensor) });
        return results.Single().AsEnumerable<float>().ToArray();
    }

    /// <summary>Runs a double (float64) ONNX model with a double tensor [count, width] in ONNX Runtime; its single output, flattened.</summary>
    public static double[] RunInOnnxRuntime(byte[] model, double[] inputs, int width)
    {
        using var session = new InferenceSession(model);
        var tensor = new DenseTensor<double>(inputs, new[] { inputs.Length / width, width });
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), tensor) });
        return results.Single().AsEnumerable<double>().ToArray();
    }

    public static double MaxAbsDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    /// <summary>The index of the largest of each row of <paramref name="width"/> values.</summary>
    public static int[] Classes(float[] outputs, int width) =>
        Enumerable.Range(0, outputs.Length / width).Select(r => Array.IndexOf(outputs, outputs.Skip(r * width).Take(width).Max(), r * width) - r * width).ToArray();
}
