using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using MlpGen;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Reporting;
using MlpGen.Sample;
using MlpGen.Training;

// Trains a digit-recognition network on MNIST with stochastic gradient descent and reports the test
// accuracy after every epoch, the way network.py does ("Epoch 0 : 9132 / 10000"), after a summary of the
// model; with --report, writes the pictures of the run (learning curves, confusion matrix, misclassified
// digits, first-layer weights) and its history.

var topology = ChoiceOption.Create("--topology", "-t", "The network to train.", "784-16-16-10", Networks.Topologies);
var hidden = ChoiceOption.Create("--hidden", null, "The activation of the hidden layers.", "sigmoid", Networks.HiddenActivations);
var outputLayer = ChoiceOption.Create("--output", null, "The activation of the output layer.", "sigmoid", Networks.Outputs);
var cost = ChoiceOption.Create("--cost", "-c",
    "The cost to train on (default: quadratic for a sigmoid output, as network.py; log-likelihood for softmax). Cross-entropy needs a sigmoid output, log-likelihood softmax.",
    null, Networks.Costs);
var optimizer = ChoiceOption.Create("--optimizer", null, "How the gradient becomes a step.", "sgd", "sgd", "momentum", "nesterov", "adam");
var momentum = NumericOption.Coefficient("--momentum", "The momentum coefficient μ of --optimizer momentum or nesterov (default: 0.9).");
var epochs = NumericOption.WholeNumber("--epochs", "-e", "Passes over the training data.", defaultValue: 30, minimum: 0);
var miniBatch = NumericOption.WholeNumber("--mini-batch", "-m", "Samples per gradient step.", defaultValue: 10, minimum: 1);
var eta = NumericOption.LearningRateOf32BitNetwork("--eta",
    "Learning rate η (default: 0.001 with adam; with sgd, momentum and nesterov 3.0 for the quadratic cost, 0.5 for cross-entropy, 0.1 for log-likelihood).");
var lambda = NumericOption.NonNegativeReal("--lambda", "Regularisation parameter λ, on the weights, scaled by the training set's size n as network2.py (default: none).");
var regularization = ChoiceOption.Create("--regularization", null, "The penalty --lambda sets: l2 ((λ/2n)·Σw², the default) or l1 ((λ/n)·Σ|w|).", null, "l2", "l1");
var schedule = NumericOption.Schedule("--schedule",
    "η from epoch to epoch: constant; step:K:F multiplies η by F every K epochs; plateau:K:N halves η after K epochs without validation improvement and stops at the N-th plateau (needs --validation).");
var validation = NumericOption.OptionalWholeNumber("--validation",
    "Hold out the last N training samples as validation data; training ends with the parameters of the best epoch by validation accuracy (default: none).", minimum: 1);
var earlyStop = NumericOption.OptionalWholeNumber("--early-stop", "Stop when the validation accuracy has not improved for N epochs (needs --validation).", minimum: 1);
var init = ChoiceOption.Create("--init", null,
    "The initial weights: default is the generated constructor's rule (sigmoid: N(0, 1); tanh: Glorot; ReLU: He); the others apply to every layer.",
    "default", "default", "standard-normal", "scaled-normal", "glorot", "he", "pytorch");
var monitor = new Option<string[]>("--monitor")
{
    HelpName = "training-cost,training-accuracy,validation-cost",
    Description = "Also report these after every epoch, comma-separated (validation accuracy is reported whenever --validation is given).",
    DefaultValueFactory = _ => [],
    CustomParser = result =>
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        string[] items = token.Split(',', StringSplitOptions.TrimEntries);
        string[] known = ["training-cost", "training-accuracy", "validation-cost"];
        if (items.All(known.Contains)) return items;
        result.AddError($"--monitor: expected a comma list of training-cost, training-accuracy, validation-cost, found '{token}'.");
        return [];
    },
};
var threads = NumericOption.WholeNumber("--threads", null, "Threads per mini-batch step (data parallel; pays off with large mini-batches; at most the machine's cores).",
    defaultValue: 1, minimum: 1, maximum: Environment.ProcessorCount);
(momentum.HelpName, lambda.HelpName, validation.HelpName, earlyStop.HelpName, threads.HelpName) = ("mu", "lambda", "N", "N", "N");
var seed = NumericOption.WholeNumber("--seed", "-s", "Seed of the initial weights and of the shuffles.", defaultValue: 1);
var data = new Option<string?>("--data", "-d")
{
    HelpName = "dir",
    Description = "Directory with the MNIST IDX files (default: $MLPGEN_DATA, else a per-user cache, downloaded when missing).",
};
var weights = new Option<string?>("--weights", "-o") { HelpName = "file", Description = "Where to save the trained weights (default: digits-<topology>[-<choices>].mlpw)." };
var noDownload = new Option<bool>("--no-download") { Description = "Fail instead of downloading MNIST when the files are missing." };
var report = new Option<string?>("--report")
{
    HelpName = "dir",
    Description = $"After training, write the report there (created when missing): learning curves, confusion matrix, the first {new ReportOptions().GalleryLimit} misclassified test images, first-layer weights (PNG, SVG), history.csv/json, index.html.",
};

var root = new RootCommand("Trains an MlpGen network on the MNIST handwritten digits and saves its weights.")
{
    topology, hidden, outputLayer, cost, optimizer, momentum, epochs, miniBatch, eta, lambda, regularization, schedule,
    validation, earlyStop, init, monitor, threads, seed, data, weights, noDownload, report,
};
root.Subcommands.Add(ConvertCommand.Create());   // convert IN OUT: ONNX, network2.py JSON and weights files
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
    // Everything the command line names is checked before anything is downloaded, loaded or trained.
    string chosenOutput = parse.GetValue(outputLayer)!;
    var choice = new NetworkChoice(parse.GetValue(topology)!, parse.GetValue(hidden)!, chosenOutput, parse.GetValue(cost) ?? Networks.DefaultCost(chosenOutput));
    if (!Networks.Exists(choice.Output, choice.Cost))
        throw SampleError.Usage($"--cost: the networks here are {Networks.OutputCostPairs}; found {choice.Output} with {choice.Cost}.");
    string chosenOptimizer = parse.GetValue(optimizer)!;
    double? mu = parse.GetValue(momentum);
    if (mu is not null && chosenOptimizer is "sgd" or "adam")
        throw SampleError.Usage($"--momentum: applies to --optimizer momentum or nesterov, not {chosenOptimizer}.");
    double? chosenLambda = parse.GetValue(lambda);
    string? chosenRegularization = parse.GetValue(regularization);
    if (chosenRegularization is not null && chosenLambda is null) throw SampleError.Usage($"--regularization {chosenRegularization}: needs --lambda λ.");
    int? validationCount = parse.GetValue(validation);
    LearningRateSchedule chosenSchedule = parse.GetValue(schedule)!;
    string[] monitored = parse.GetValue(monitor)!;
    if (validationCount is null)
    {
        if (parse.GetValue(earlyStop) is not null) throw SampleError.Usage("--early-stop: needs --validation N (the held-out samples whose accuracy it watches).");
        if (chosenSchedule is LearningRateSchedule.HalveOnPlateauSchedule) throw SampleError.Usage("--schedule plateau: needs --validation N (the held-out samples whose accuracy it watches).");
        if (monitored.Contains("validation-cost")) throw SampleError.Usage("--monitor validation-cost: needs --validation N.");
    }
    var options = new SgdOptions
    {
        Epochs = parse.GetValue(epochs),
        MiniBatchSize = parse.GetValue(miniBatch),
        Eta = parse.GetValue(eta) ?? DefaultEta(chosenOptimizer, choice.Cost),
        Seed = parse.GetValue(seed),
        Optimizer = chosenOptimizer switch
        {
            "momentum" => Optimizer.Momentum(mu ?? 0.9),
            "nesterov" => Optimizer.Nesterov(mu ?? 0.9),
            "adam" => Optimizer.Adam(),
            _ => Optimizer.Sgd,
        },
        Regularization = chosenLambda is not { } l ? Regularization.None : chosenRegularization == "l1" ? Regularization.L1(l) : Regularization.L2(l),
        Schedule = chosenSchedule,
        EarlyStoppingPatience = parse.GetValue(earlyStop),
        MonitorTrainingCost = monitored.Contains("training-cost"),
        MonitorTrainingAccuracy = monitored.Contains("training-accuracy"),
        MonitorValidationCost = monitored.Contains("validation-cost"),
        MonitorTestCost = true,   // one forward pass over the test data, for the learning curves
        DegreeOfParallelism = parse.GetValue(threads),
    };
    string chosenInit = parse.GetValue(init)!;

    string? directory = parse.GetValue(data);
    if (directory is not null) Preflight.CheckGivenDataDirectory(directory, "--data");
    else if (Environment.GetEnvironmentVariable("MLPGEN_DATA") is { Length: > 0 } fromEnvironment) Preflight.CheckGivenDataDirectory(directory = fromEnvironment, "MLPGEN_DATA");
    directory ??= MnistDownloader.DefaultCacheDirectory;   // the only directory created when missing
    string weightsPath = parse.GetValue(weights) ?? DefaultWeightsFile(choice);
    Preflight.CheckOutputPath(weightsPath);
    string? reportDirectory = parse.GetValue(report);
    if (reportDirectory is not null) Preflight.CheckReportDirectory(reportDirectory);

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
    INetwork<float> network = Networks.Create(choice, options.Seed);
    Preflight.CheckImageSize(network, train, directory, MnistSplit.Train);
    Preflight.CheckImageSize(network, test, directory, MnistSplit.Test);
    Dataset<float>? held = null;
    if (validationCount is { } count)
    {
        if (count >= train.Count) throw SampleError.Usage($"--validation: {count} leaves no training samples; the training data has {train.Count:N0}.");
        (train, held) = train.Split(count);
    }
    if (chosenInit != "default") Initialization.Apply(network, InitializerOf(chosenInit), options.Seed);

    Console.WriteLine($"Training {choice.Topology} ({choice.Hidden} hidden, {choice.Output} output, {choice.Cost} cost) on {train.Count:N0} images from {Path.GetFullPath(directory)}"
        + (held is null ? "" : $" (the last {held.Count:N0} held out for validation)") + $", testing on {test.Count:N0}: "
        + $"{Count(options.Epochs, "epoch")}, mini-batch {options.MiniBatchSize}, {options.Optimizer}, η = {options.Eta}, {Describe(options.Regularization)}, {Describe(options.Schedule)}"
        + (options.EarlyStoppingPatience is { } patience ? $", early stop after {Count(patience, "epoch")} without validation improvement" : "")
        + $", init {DescribeInit(chosenInit, choice.Hidden)}"
        + (options.DegreeOfParallelism > 1 ? $", {options.DegreeOfParallelism} threads" : "") + $", seed {options.Seed}.");

    var console = new TrainingConsole(new EpochLine(options.Epochs, showEta: options.Schedule is not LearningRateSchedule.ConstantSchedule));
    console.WriteSummary(ModelSummary.Of(network), options.MiniBatchSize);
    var clock = Stopwatch.StartNew();
    TrainingHistory history = console.Run(() => Sgd.Train(network, train, options, test, console, validation: held, epochProgress: console));
    clock.Stop();
    if (history.StoppedEarly) Console.WriteLine($"Stopped after epoch {history[^1].Epoch}: the validation accuracy stopped improving.");
    if (history.Restored && history.Best is { } best)
        Console.WriteLine($"Restored the parameters of epoch {best.Epoch}, the best on validation ({best.ValidationCorrect} / {best.ValidationTotal}).");

    // A learning rate or λ far too large drives the parameters to ∞ or NaN: say so, and keep whatever file was there.
    foreach (float parameter in network.Parameters)
    {
        if (!float.IsFinite(parameter))
        {
            throw SampleError.Failure($"Training diverged: the parameters are no longer finite numbers (∞ or NaN); try a smaller --eta{(options.Regularization.Kind == RegularizationKind.None ? "" : " or --lambda")}. Nothing was saved.");
        }
    }
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
    if (reportDirectory is not null) WriteReport(reportDirectory, history, network, test, options, choice);
    return 0;
}

static void WriteReport(string directory, TrainingHistory history, INetwork<float> network, Dataset<float> test, SgdOptions options, NetworkChoice choice)
{
    var reportOptions = new ReportOptions
    {
        Title = $"MlpGen training report: {choice.Topology}",
        Description = $"{choice.Hidden} hidden, {choice.Output} output, {choice.Cost} cost; {Count(options.Epochs, "epoch")}, mini-batch {options.MiniBatchSize}, "
            + $"{options.Optimizer}, η = {options.Eta}, {Describe(options.Regularization)}, {Describe(options.Schedule)}, seed {options.Seed}; tested on {test.Count:N0} images.",
        MiniBatch = options.MiniBatchSize,
    };
    try
    {
        IReadOnlyList<string> files = TrainingReport.Write(directory, history, network, test, reportOptions);
        Console.WriteLine($"Report written to {Path.GetFullPath(directory)} ({files.Count} files): open {files[^1]}.");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        throw SampleError.Failure($"Cannot write the report to {Path.GetFullPath(directory)}: {e.Message}");
    }
}

// Plain SGD and momentum take the book's η for each cost; Adam PyTorch's default.
static double DefaultEta(string optimizer, string cost) => optimizer == "adam" ? 0.001 : cost switch
{
    "quadratic" => 3.0,
    "cross-entropy" => 0.5,
    _ => 0.1,
};

static string DefaultWeightsFile(NetworkChoice choice)
{
    string name = $"digits-{choice.Topology}";
    if (choice.Hidden != "sigmoid") name += $"-{choice.Hidden}";
    if (choice.Output != "sigmoid") name += $"-{choice.Output}";
    if (choice.Cost != Networks.DefaultCost(choice.Output)) name += $"-{choice.Cost}";
    return name + ".mlpw";
}

static Initializer InitializerOf(string name) => name switch
{
    "standard-normal" => Initializer.StandardNormal,
    "scaled-normal" => Initializer.ScaledNormal,
    "glorot" => Initializer.Glorot,
    "pytorch" => Initializer.PyTorchUniform,
    _ => Initializer.He,
};

// "1 epoch", "30 epochs".
static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

static string DescribeInit(string init, string hiddenActivation) => init switch
{
    "default" => hiddenActivation switch
    {
        "sigmoid" => "N(0, 1) (the generated constructor)",
        "tanh" => "Glorot normal (the generated constructor)",
        _ => "He normal (the generated constructor)",
    },
    "standard-normal" => "N(0, 1)",
    "scaled-normal" => "N(0, 1/n_in) weights, N(0, 1) biases",
    "glorot" => "Glorot normal",
    "pytorch" => "U(−1/√n_in, 1/√n_in) (PyTorch's default)",
    _ => "He normal",
};

static string Describe(object rule) => rule switch
{
    Regularization { Kind: RegularizationKind.None } => "no regularisation",
    Regularization r => $"{r.Kind} λ = {r.Lambda}",
    LearningRateSchedule.StepDecaySchedule step => $"η·{step.Factor} every {Count(step.EveryEpochs, "epoch")}",
    LearningRateSchedule.HalveOnPlateauSchedule plateau => $"η halved after {Count(plateau.Patience, "epoch")} without validation improvement, stop at plateau {plateau.MaxHalvings}",
    _ => "constant η",
};
