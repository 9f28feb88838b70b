using System;
using System.CommandLine;
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
var epochs = new Option<int>("--epochs", "-e") { Description = "Passes over the training data.", DefaultValueFactory = _ => 30 };
var miniBatch = new Option<int>("--mini-batch", "-m") { Description = "Samples per gradient step.", DefaultValueFactory = _ => 10 };
var eta = new Option<double?>("--eta") { Description = "Learning rate η (default: 3.0 for the quadratic cost, 0.5 for cross-entropy, as in the book)." };
var seed = new Option<int>("--seed", "-s") { Description = "Seed of the initial weights and of the shuffles.", DefaultValueFactory = _ => 1 };
var data = new Option<string?>("--data", "-d")
{
    Description = "Directory with the MNIST IDX files (default: $MLPGEN_DATA, else a per-user cache, downloaded when missing).",
};
var output = new Option<string?>("--output", "-o") { Description = "Where to save the trained weights (default: digits-<topology>.mlpw)." };
var noDownload = new Option<bool>("--no-download") { Description = "Fail instead of downloading MNIST when the files are missing." };
epochs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--epochs must be 0 or more."); });
miniBatch.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--mini-batch must be at least 1."); });
eta.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } value && !(value > 0)) r.AddError("--eta must be positive."); });

var root = new RootCommand("Trains an MlpGen network on the MNIST handwritten digits and saves its weights.")
{
    topology, cost, epochs, miniBatch, eta, seed, data, output, noDownload,
};
root.SetAction(parse =>
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
    string directory = parse.GetValue(data)
        ?? (Environment.GetEnvironmentVariable("MLPGEN_DATA") is { Length: > 0 } fromEnvironment ? fromEnvironment : MnistDownloader.DefaultCacheDirectory);
    string weightsPath = parse.GetValue(output) ?? (chosenCost == "quadratic" ? $"digits-{chosen}.mlpw" : $"digits-{chosen}-{chosenCost}.mlpw");

    if (!Mnist.IsPresent(directory))
    {
        if (parse.GetValue(noDownload))
        {
            Console.Error.WriteLine($"The MNIST files are not in {Path.GetFullPath(directory)} and --no-download was given.");
            return 2;
        }
        Console.WriteLine($"MNIST is not in {Path.GetFullPath(directory)}; downloading it (about 11 MB).");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        try
        {
            new MnistDownloader(http).EnsureAsync(directory, Console.WriteLine).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    Dataset<float> train, test;
    try
    {
        train = Mnist.Load(directory, MnistSplit.Train);
        test = Mnist.Load(directory, MnistSplit.Test);
    }
    catch (IOException e)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    Console.WriteLine($"Training {chosen} ({chosenCost} cost) on {train.Count:N0} images from {Path.GetFullPath(directory)}, testing on {test.Count:N0}: "
        + $"{options.Epochs} epochs, mini-batch {options.MiniBatchSize}, η = {options.Eta}, seed {options.Seed}.");

    INetwork<float> network = Networks.Create(chosen, chosenCost, options.Seed);
    var clock = Stopwatch.StartNew();
    Sgd.Train(network, train, options, test, new ConsoleProgress());
    clock.Stop();

    WeightsFile.Save(weightsPath, network);
    int correct = Evaluation.CountCorrect(network, test);
    Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s. Final accuracy: {correct} / {test.Count} = {100.0 * correct / test.Count:F2} %.");
    Console.WriteLine($"Weights saved to {Path.GetFullPath(weightsPath)}.");
    return 0;
});
return root.Parse(args).Invoke();

/// <summary>Prints each epoch's line as soon as the epoch ends.</summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine($"{value}   ({value.Elapsed.TotalMilliseconds:F0} ms)");
}
