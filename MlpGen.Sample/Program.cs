using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using MlpGen;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Sample;
using MlpGen.Training;

// Trains a digit-recognition network on MNIST with stochastic gradient descent and reports the test
// accuracy after every epoch, the way network.py does ("Epoch 0 : 9132 / 10000").

var topology = new Option<string>("--topology", "-t")
{
    Description = "The network to train.",
    DefaultValueFactory = _ => "784-16-16-10",
};
topology.AcceptOnlyFromAmong(Networks.Topologies);
var cost = new Option<string>("--cost", "-c")
{
    Description = "The cost to train on: quadratic (network.py) or cross-entropy (network2.py).",
    DefaultValueFactory = _ => "quadratic",
};
cost.AcceptOnlyFromAmong(Networks.Costs);
var epochs = NumericOption.WholeNumber("--epochs", "-e", "Passes over the training data.", defaultValue: 30, minimum: 0);
var miniBatch = NumericOption.WholeNumber("--mini-batch", "-m", "Samples per gradient step.", defaultValue: 10, minimum: 1);
var eta = NumericOption.LearningRateOf32BitNetwork("--eta", "Learning rate η (default: 3.0 for the quadratic cost, 0.5 for cross-entropy, as in the book).");
var seed = NumericOption.WholeNumber("--seed", "-s", "Seed of the initial weights and of the shuffles.", defaultValue: 1);
var data = new Option<string?>("--data", "-d")
{
    HelpName = "dir",
    Description = "Directory with the MNIST IDX files (default: $MLPGEN_DATA, else a per-user cache, downloaded when missing).",
};
var output = new Option<string?>("--output", "-o") { HelpName = "file", Description = "Where to save the trained weights (default: digits-<topology>.mlpw)." };
var noDownload = new Option<bool>("--no-download") { Description = "Fail instead of downloading MNIST when the files are missing." };

var root = new RootCommand("Trains an MlpGen network on the MNIST handwritten digits and saves its weights.")
{
    topology, cost, epochs, miniBatch, eta, seed, data, output, noDownload,
};
root.SetAction(parse =>
{
    try
    {
        return Train(parse);
    }
    catch (SampleError e)
    {
        Console.Error.WriteLine(e.Message);
        return e.ExitCode;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        // Data that cannot be read (IdxFormatException names the file, the byte and the problem), a failed download.
        Console.Error.WriteLine(e.Message);
        return SampleError.FailureExitCode;
    }
});

// Errors of the command line itself (a value that is not a number or out of range, an unknown option):
// one line each, and exit code 2, instead of System.CommandLine's help screen after them.
ParseResult parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction)
{
    foreach (ParseError error in parsed.Errors) Console.Error.WriteLine(error.Message);
    return SampleError.UsageExitCode;
}
return parsed.Invoke();

int Train(ParseResult parse)
{
    string chosen = parse.GetValue(topology)!;
    string chosenCost = parse.GetValue(cost)!;
    var options = new SgdOptions
    {
        Epochs = parse.GetValue(epochs),
        MiniBatchSize = parse.GetValue(miniBatch),
        Eta = parse.GetValue(eta) ?? (chosenCost == "quadratic" ? 3.0 : 0.5),
        Seed = parse.GetValue(seed),
    };

    // Everything the command line names is checked before anything is downloaded, loaded or trained.
    string? directory = parse.GetValue(data);
    if (directory is not null) Preflight.CheckGivenDataDirectory(directory, "--data");
    else if (Environment.GetEnvironmentVariable("MLPGEN_DATA") is { Length: > 0 } fromEnvironment) Preflight.CheckGivenDataDirectory(directory = fromEnvironment, "MLPGEN_DATA");
    directory ??= MnistDownloader.DefaultCacheDirectory;   // the only directory created when missing
    string weightsPath = parse.GetValue(output) ?? (chosenCost == "quadratic" ? $"digits-{chosen}.mlpw" : $"digits-{chosen}-{chosenCost}.mlpw");
    Preflight.CheckOutputPath(weightsPath);

    if (!Mnist.IsPresent(directory))
    {
        if (parse.GetValue(noDownload))
        {
            throw SampleError.Usage($"The MNIST files are not in {Path.GetFullPath(directory)} and --no-download was given.");
        }
        Console.WriteLine($"MNIST is not in {Path.GetFullPath(directory)}; downloading it (about 11 MB).");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        new MnistDownloader(http).EnsureAsync(directory, Console.WriteLine).GetAwaiter().GetResult();
    }

    Dataset<float> train = Mnist.Load(directory, MnistSplit.Train);
    Dataset<float> test = Mnist.Load(directory, MnistSplit.Test);
    INetwork<float> network = Networks.Create(chosen, chosenCost, options.Seed);
    Preflight.CheckImageSize(network, train, directory, MnistSplit.Train);
    Preflight.CheckImageSize(network, test, directory, MnistSplit.Test);
    Console.WriteLine($"Training {chosen} ({chosenCost} cost) on {train.Count:N0} images from {Path.GetFullPath(directory)}, testing on {test.Count:N0}: "
        + $"{options.Epochs} epochs, mini-batch {options.MiniBatchSize}, η = {options.Eta}, seed {options.Seed}.");

    var clock = Stopwatch.StartNew();
    Sgd.Train(network, train, options, test, new ConsoleProgress());
    clock.Stop();

    try
    {
        WeightsFile.Save(weightsPath, network);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        throw SampleError.Failure($"Cannot save the weights to {Path.GetFullPath(weightsPath)}: {e.Message}");
    }
    int correct = Evaluation.CountCorrect(network, test);
    Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s. Final accuracy: {correct} / {test.Count} = {100.0 * correct / test.Count:F2} %.");
    Console.WriteLine($"Weights saved to {Path.GetFullPath(weightsPath)}.");
    return 0;
}

/// <summary>Prints each epoch's line as soon as the epoch ends.</summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine($"{value}   ({value.Elapsed.TotalMilliseconds:F0} ms)");
}
