using System;
using System.CommandLine;
using System.IO;
using System.Net.Http;
using MlpGen.Data;

namespace MlpGen.Sample;

/// <summary>
/// Where a command reads MNIST from: <c>--data</c>, else <c>$MLPGEN_DATA</c> (either must be an existing directory),
/// else the per-user cache, the only directory created when missing and filled by the download (unless
/// <c>--no-download</c>). The options and the one way to resolve and load them, for every command that reads images.
/// </summary>
internal sealed class DataSource
{
    public Option<string?> Data { get; } = new("--data", "-d")
    {
        HelpName = "dir",
        Description = "Directory with the MNIST IDX files (default: $MLPGEN_DATA, else a per-user cache, downloaded when missing).",
    };

    public Option<bool> NoDownload { get; } = new("--no-download") { Description = "Fail instead of downloading MNIST when the files are missing." };

    /// <summary>The directory the command line names, checked (a given one must exist); nothing is read yet.</summary>
    public string Directory(ParseResult parse)
    {
        string? directory = parse.GetValue(Data);
        if (directory is not null) Preflight.CheckGivenDataDirectory(directory, "--data");
        else if (Environment.GetEnvironmentVariable("MLPGEN_DATA") is { Length: > 0 } fromEnvironment) Preflight.CheckGivenDataDirectory(directory = fromEnvironment, "MLPGEN_DATA");
        return directory ?? MnistDownloader.DefaultCacheDirectory;
    }

    /// <summary>The MNIST training and test sets in <paramref name="directory"/>, downloaded first when they are missing (unless --no-download).</summary>
    public static (Dataset<float> Train, Dataset<float> Test) Load(string directory, bool noDownload)
    {
        if (!Mnist.IsPresent(directory))
        {
            if (noDownload) throw SampleError.Usage($"The MNIST files are not in {Path.GetFullPath(directory)} and --no-download was given.");
            Console.WriteLine($"MNIST is not in {Path.GetFullPath(directory)}; downloading it (about 11 MB).");
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            new MnistDownloader(http).EnsureAsync(directory, Console.WriteLine).GetAwaiter().GetResult();
        }
        return (Mnist.Load(directory, MnistSplit.Train), Mnist.Load(directory, MnistSplit.Test));
    }
}
