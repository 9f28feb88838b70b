using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using MlpGen.Data;

namespace MlpGen.Tests.Infrastructure;

/// <summary>
/// Finds real MNIST digits for the tests, in this order: the directory in $MLPGEN_DATA; the shared
/// 10,000-digit subset beside the checkout (../shared/data/mnist-digits-10k); else the product's own
/// download of MNIST into the per-user cache.
/// </summary>
internal static class TestData
{
    private static readonly Lazy<string> Directory = new(Resolve);
    private static readonly Lazy<Dataset<float>> TrainSet = new(() => Mnist.Load(MnistDirectory, MnistSplit.Train));
    private static readonly Lazy<Dataset<float>> TestSet = new(() => Mnist.Load(MnistDirectory, MnistSplit.Test));
    private static readonly Lazy<Dataset<double>> TrainSetDouble = new(() => Mnist.Load<double>(MnistDirectory, MnistSplit.Train));

    public static string MnistDirectory => Directory.Value;

    public static Dataset<float> Train => TrainSet.Value;

    public static Dataset<float> Test => TestSet.Value;

    public static Dataset<double> TrainDouble => TrainSetDouble.Value;

    /// <summary>The path of one MNIST file in <see cref="MnistDirectory"/>, raw or gzipped (e.g. "t10k-images-idx3-ubyte").</summary>
    public static string MnistFile(string baseName) =>
        new[] { baseName, baseName + ".gz" }.Select(n => Path.Combine(MnistDirectory, n)).First(File.Exists);

    /// <summary>The shared subset's directory, or null where the checkout has no ../shared beside it.</summary>
    public static string? SharedSubset
    {
        get
        {
            string path = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "mnist-digits-10k"));
            return Mnist.IsPresent(path) ? path : null;
        }
    }

    private static string Resolve()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("MLPGEN_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (!Mnist.IsPresent(fromEnvironment))
                throw new InvalidOperationException($"MLPGEN_DATA is {fromEnvironment}, but the MNIST IDX files are not there.");
            return fromEnvironment;
        }
        if (SharedSubset is { } shared) return shared;

        string cache = MnistDownloader.DefaultCacheDirectory;
        if (!Mnist.IsPresent(cache))
        {
            // Tried once per test run: the Lazy above keeps this exception, so an offline machine gets one clear cause
            // in every test that needs digits rather than one download attempt (and time-out) per test.
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
                new MnistDownloader(http).EnsureAsync(cache).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or TaskCanceledException)
            {
                throw new InvalidOperationException(
                    $"No MNIST digits for the tests: MLPGEN_DATA is not set, there is no shared/data/mnist-digits-10k beside the clone, "
                    + $"and downloading MNIST into {cache} failed ({e.Message}). Set MLPGEN_DATA to a directory holding the MNIST IDX files.", e);
            }
        }
        return cache;
    }
}
