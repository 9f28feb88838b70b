using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Reporting;
using MlpGen.Training;

namespace MlpGen.Sample;

/// <summary>
/// The sample's main command: trains one of its networks (<see cref="Networks"/>) on MNIST with stochastic gradient
/// descent and reports the test accuracy after every epoch, the way network.py does ("Epoch 0 : 9132 / 10000"), after a
/// summary of the model; saves the weights; with <c>--report</c>, writes the pictures of the run (learning curves,
/// confusion matrix, misclassified digits, first-layer weights) and its history. Everything the command line names is
/// checked (<see cref="Plan"/>) before anything is downloaded, loaded or trained.
/// </summary>
internal sealed class TrainCommand
{
    /// <summary>The <c>--init</c> words, the scheme each names, and how the run describes it (<c>default</c> is the generated constructor's scheme per layer).</summary>
    private static readonly (string Name, Initializer Initializer)[] Initializers =
    [
        ("default", Initializer.Default), ("standard-normal", Initializer.StandardNormal), ("scaled-normal", Initializer.ScaledNormal),
        ("glorot", Initializer.Glorot), ("he", Initializer.He), ("pytorch", Initializer.PyTorchUniform),
    ];

    /// <summary>η when <c>--eta</c> is not given: Adam's is PyTorch's default; plain SGD and momentum take the book's η for each cost.</summary>
    private const double AdamEta = 0.001;

    private static readonly Dictionary<CostFunction, double> SgdEta = new()
    {
        [CostFunction.Quadratic] = 3.0, [CostFunction.CrossEntropy] = 0.5, [CostFunction.LogLikelihood] = 0.1,
    };

    private readonly Option<string?> _topology = ChoiceOption.Create("--topology", "-t", "The network to train.", Networks.Topologies[0], Networks.Topologies);
    private readonly Option<string?> _hidden = ChoiceOption.Create("--hidden", null, "The activation of the hidden layers.",
        NetworkRules.Name(Networks.HiddenActivations[0]), NetworkRules.Names(Networks.HiddenActivations));
    private readonly Option<string?> _output = ChoiceOption.Create("--output", null, "The activation of the output layer.",
        NetworkRules.Name(Networks.Outputs[0]), NetworkRules.Names(Networks.Outputs));
    private readonly Option<string?> _cost = ChoiceOption.Create("--cost", "-c",
        $"The cost to train on (default: {string.Join("; ", Networks.Outputs.Select(o => $"{NetworkRules.Name(NetworkRules.DefaultCost(o))} for a {NetworkRules.Name(o)} output"))}). "
        + string.Join(", ", Networks.Costs.Select(c => $"{NetworkRules.Name(c)} trains {Or(NetworkRules.Names(Networks.Outputs.Where(o => NetworkRules.Fits(c, o) && Networks.HasPair(o, c)).ToArray()))} outputs")) + ".",
        null, Networks.Costs.Select(NetworkRules.Name).ToArray());
    private readonly Option<string?> _optimizer = ChoiceOption.Create("--optimizer", null, "How the gradient becomes a step.", "sgd", "sgd", "momentum", "nesterov", "adam");
    private readonly Option<double?> _momentum = NumericOption.Coefficient("--momentum", "The momentum coefficient μ of --optimizer momentum or nesterov (default: 0.9).");
    private readonly Option<int> _epochs = NumericOption.WholeNumber("--epochs", "-e", "Passes over the training data.", defaultValue: 30, minimum: 0);
    private readonly Option<int> _miniBatch = NumericOption.WholeNumber("--mini-batch", "-m", "Samples per gradient step.", defaultValue: 10, minimum: 1);
    private readonly Option<double?> _eta = NumericOption.LearningRateOf32BitNetwork("--eta",
        $"Learning rate η (default: {AdamEta} with adam; with sgd, momentum and nesterov {string.Join(", ", SgdEta.Select(e => $"{e.Value:0.0##} for {NetworkRules.Name(e.Key)}"))}).");
    private readonly Option<double?> _lambda = NumericOption.NonNegativeReal("--lambda", "Regularisation parameter λ, on the weights, scaled by the training set's size n as network2.py (default: none).");
    private readonly Option<string?> _regularization = ChoiceOption.Create("--regularization", null, "The penalty --lambda sets: l2 ((λ/2n)·Σw², the default) or l1 ((λ/n)·Σ|w|).", null, "l2", "l1");
    private readonly Option<LearningRateSchedule> _schedule = NumericOption.Schedule("--schedule",
        "η from epoch to epoch: constant; step:K:F multiplies η by F every K epochs; plateau:K:N halves η after K epochs without validation improvement and stops at the N-th plateau (needs --validation).");
    private readonly Option<int?> _validation = NumericOption.OptionalWholeNumber("--validation",
        "Hold out the last N training samples as validation data; training ends with the parameters of the best epoch by validation accuracy (default: none).", minimum: 1);
    private readonly Option<int?> _earlyStop = NumericOption.OptionalWholeNumber("--early-stop", "Stop when the validation accuracy has not improved for N epochs (needs --validation).", minimum: 1);
    private readonly Option<string?> _init = ChoiceOption.Create("--init", null,
        $"The initial weights: default is the generated constructor's rule ({string.Join("; ", NetworkRules.HiddenActivations.GroupBy(NetworkRules.InitializerFor).Select(g => $"{string.Join(", ", NetworkRules.Names(g.ToArray()))}: {Describe(g.Key)}"))}); the others apply to every layer.",
        "default", Initializers.Select(i => i.Name).ToArray());
    private readonly Option<string[]> _monitor = MonitorOption();
    private readonly Option<int> _threads = NumericOption.WholeNumber("--threads", null, "Threads per mini-batch step (data parallel; pays off with large mini-batches; at most the machine's cores).",
        defaultValue: 1, minimum: 1, maximum: Environment.ProcessorCount);
    private readonly Option<int> _seed = NumericOption.WholeNumber("--seed", "-s", "Seed of the initial weights and of the shuffles.", defaultValue: 1);
    private readonly DataSource _data = new();
    private readonly Option<string?> _weights = new("--weights", "-o") { HelpName = "file", Description = "Where to save the trained weights (default: digits-<topology>[-<choices>].mlpw)." };
    private readonly Option<string?> _report = new("--report")
    {
        HelpName = "dir",
        Description = $"After training, write the report there (created when missing): learning curves, confusion matrix, the first {new ReportOptions().GalleryLimit} misclassified test images, first-layer weights (PNG, SVG), history.csv/json, index.html.",
    };

    private TrainCommand()
    {
        (_momentum.HelpName, _lambda.HelpName, _validation.HelpName, _earlyStop.HelpName, _threads.HelpName) = ("mu", "lambda", "N", "N", "N");
    }

    /// <summary>The root command: training, with its options; <c>convert</c> is added beside it.</summary>
    public static RootCommand Create()
    {
        var train = new TrainCommand();
        var root = new RootCommand("Trains an MlpGen network on the MNIST handwritten digits and saves its weights.")
        {
            train._topology, train._hidden, train._output, train._cost, train._optimizer, train._momentum, train._epochs, train._miniBatch, train._eta,
            train._lambda, train._regularization, train._schedule, train._validation, train._earlyStop, train._init, train._monitor, train._threads,
            train._seed, train._data.Data, train._weights, train._data.NoDownload, train._report,
        };
        root.SetAction(parse => SampleError.Run(() => train.Run(parse)));
        return root;
    }

    /// <summary>Everything a run needs, read from the command line and checked.</summary>
    private sealed record Plan(
        NetworkChoice Network, SgdOptions Options, Initializer Initializer, int? ValidationCount,
        string DataDirectory, bool NoDownload, string WeightsPath, string? ReportDirectory);

    private int Run(ParseResult parse)
    {
        Plan plan = Read(parse);
        (Dataset<float> train, Dataset<float> test) = DataSource.Load(plan.DataDirectory, plan.NoDownload);
        INetwork<float> network = Networks.Create(plan.Network, plan.Options.Seed);
        Preflight.CheckImageSize(network.LayerSizes.ToArray(), train, plan.DataDirectory, MnistSplit.Train);
        Preflight.CheckImageSize(network.LayerSizes.ToArray(), test, plan.DataDirectory, MnistSplit.Test);
        Dataset<float>? validation = null;
        if (plan.ValidationCount is { } count)
        {
            if (count >= train.Count) throw SampleError.Usage($"--validation: {count} leaves no training samples; the training data has {train.Count:N0}.");
            (train, validation) = train.Split(count);
        }
        if (plan.Initializer != Initializer.Default) Initialization.Apply(network, plan.Initializer, plan.Options.Seed);

        Console.WriteLine($"Training {plan.Network} on {train.Count:N0} images from {Path.GetFullPath(plan.DataDirectory)}"
            + (validation is null ? "" : $" (the last {validation.Count:N0} held out for validation)") + $", testing on {test.Count:N0}: "
            + $"{Recipe(plan.Options)}, init {DescribeInitialization(plan.Initializer, network)}"
            + (plan.Options.DegreeOfParallelism > 1 ? $", {plan.Options.DegreeOfParallelism} threads" : "") + $", seed {plan.Options.Seed}.");
        var clock = Stopwatch.StartNew();
        TrainingHistory history = Train(network, train, validation, test, plan.Options);
        clock.Stop();

        // A learning rate or λ far too large drives the parameters to ∞ or NaN: say so, and keep whatever file was there.
        foreach (float parameter in network.Parameters)
        {
            if (!float.IsFinite(parameter))
            {
                throw SampleError.Failure("Training diverged: the parameters are no longer finite numbers (∞ or NaN); try a smaller --eta"
                    + (plan.Options.Regularization == Regularization.None ? "" : " or --lambda") + ". Nothing was saved.");
            }
        }
        WeightsFile.Save(plan.WeightsPath, network);   // a failure names the file once and says why (exit code 1)
        EvaluationResult final = Evaluation.Evaluate(network, test);
        Console.WriteLine($"Trained in {clock.Elapsed.TotalSeconds:F1} s. Final accuracy: {final.Correct} / {final.Count} = {100.0 * final.Correct / final.Count:F2} %.");
        Console.WriteLine($"Weights saved to {plan.WeightsPath}.");
        if (plan.ReportDirectory is { } reportDirectory) WriteReport(reportDirectory, history, network, test, plan);
        return 0;
    }

    /// <summary>Reads the command line and checks that its parts work together and that its paths can be used; nothing is read or written yet.</summary>
    private Plan Read(ParseResult parse)
    {
        ActivationFunction output = Activation(parse.GetValue(_output)!);
        CostFunction cost = parse.GetValue(_cost) is { } costName && NetworkRules.TryParseCost(costName, out CostFunction chosen) ? chosen : NetworkRules.DefaultCost(output);
        var network = new NetworkChoice(parse.GetValue(_topology)!, Activation(parse.GetValue(_hidden)!), output, cost);
        // An output trained on a cost no network pairs it with is the cost's fault; a pair that exists, but not with
        // these hidden layers (GELU and SiLU come with softmax and log-softmax only), is the output's.
        if (!Networks.HasPair(network.Output, network.Cost))
            throw SampleError.Usage($"--cost: the networks here are {Networks.OutputCostPairs}; found {NetworkRules.Name(network.Output)} with {NetworkRules.Name(network.Cost)}.");
        if (!Networks.Exists(network))
        {
            ActivationFunction[] outputs = Networks.OutputsWith(network.Topology, network.Hidden);
            throw SampleError.Usage($"--output: the networks with {NetworkRules.Name(network.Hidden)} hidden layers here have {Or(NetworkRules.Names(outputs))} outputs; "
                + $"found {NetworkRules.Name(network.Output)}.");
        }
        string optimizer = parse.GetValue(_optimizer)!;
        double? mu = parse.GetValue(_momentum);
        if (mu is not null && optimizer is "sgd" or "adam") throw SampleError.Usage($"--momentum: applies to --optimizer momentum or nesterov, not {optimizer}.");
        double? lambda = parse.GetValue(_lambda);
        string? regularization = parse.GetValue(_regularization);
        if (regularization is not null && lambda is null) throw SampleError.Usage($"--regularization {regularization}: needs --lambda λ.");
        string[] monitored = parse.GetValue(_monitor)!;
        var options = new SgdOptions
        {
            Epochs = parse.GetValue(_epochs),
            MiniBatchSize = parse.GetValue(_miniBatch),
            Eta = parse.GetValue(_eta) ?? (optimizer == "adam" ? AdamEta : SgdEta[cost]),
            Seed = parse.GetValue(_seed),
            Optimizer = optimizer switch
            {
                "momentum" => Optimizer.Momentum(mu ?? 0.9),
                "nesterov" => Optimizer.Nesterov(mu ?? 0.9),
                "adam" => Optimizer.Adam(),
                _ => Optimizer.Sgd,
            },
            Regularization = lambda is not { } l ? Regularization.None : regularization == "l1" ? Regularization.L1(l) : Regularization.L2(l),
            Schedule = parse.GetValue(_schedule)!,
            EarlyStoppingPatience = parse.GetValue(_earlyStop),
            MonitorTrainingCost = monitored.Contains("training-cost"),
            MonitorTrainingAccuracy = monitored.Contains("training-accuracy"),
            MonitorValidationCost = monitored.Contains("validation-cost"),
            MonitorTestCost = true,   // read from the one forward pass over the test data that measures its accuracy, for the learning curves
            DegreeOfParallelism = parse.GetValue(_threads),
        };
        int? validationCount = parse.GetValue(_validation);
        if (validationCount is null && options.SettingNeedingValidation is { } setting)
        {
            throw SampleError.Usage(setting switch
            {
                nameof(SgdOptions.EarlyStoppingPatience) => "--early-stop: needs --validation N (the held-out samples whose accuracy it watches).",
                nameof(SgdOptions.Schedule) => "--schedule plateau: needs --validation N (the held-out samples whose accuracy it watches).",
                _ => "--monitor validation-cost: needs --validation N.",
            });
        }
        Initializer initializer = Initializers.Single(i => i.Name == parse.GetValue(_init)).Initializer;

        string directory = _data.Directory(parse);
        string weights = parse.GetValue(_weights) ?? DefaultWeightsFile(network);
        Preflight.CheckOutputPath(weights);
        string? report = parse.GetValue(_report);
        if (report is not null) Preflight.CheckReportDirectory(report);
        return new Plan(network, options, initializer, validationCount, directory, parse.GetValue(_data.NoDownload), Path.GetFullPath(weights), report);
    }

    private static TrainingHistory Train(INetwork<float> network, Dataset<float> train, Dataset<float>? validation, Dataset<float> test, SgdOptions options)
    {
        var console = new TrainingConsole(new EpochLine(options.Epochs, showEta: options.Schedule != LearningRateSchedule.Constant));
        console.WriteSummary(ModelSummary.Of(network), options.MiniBatchSize);
        TrainingHistory history = console.Run(() => Sgd.Train(network, train, options, test, progress: console, validation: validation, epochProgress: console));
        if (history.StoppedEarly) Console.WriteLine($"Stopped after epoch {history[^1].Epoch}: the validation accuracy stopped improving.");
        if (history.Restored && history.Best is { } best)
            Console.WriteLine($"Restored the parameters of epoch {best.Epoch}, the best on validation ({best.ValidationCorrect} / {best.ValidationTotal}).");
        return history;
    }

    private static void WriteReport(string directory, TrainingHistory history, INetwork<float> network, Dataset<float> test, Plan plan)
    {
        var reportOptions = new ReportOptions
        {
            Title = $"MlpGen training report: {plan.Network.Topology}",
            Description = $"{NetworkRules.Name(plan.Network.Hidden)} hidden, {NetworkRules.Name(plan.Network.Output)} output, {NetworkRules.Name(plan.Network.Cost)} cost; "
                + $"{Recipe(plan.Options)}, seed {plan.Options.Seed}; tested on {test.Count:N0} images.",
            MiniBatch = plan.Options.MiniBatchSize,
        };
        IReadOnlyList<string> files = TrainingReport.Write(directory, history, network, test, reportOptions);   // a failure names the file and says why
        Console.WriteLine($"Report written to {Path.GetFullPath(directory)} ({files.Count} files): open {files[^1]}.");
    }

    /// <summary>How the run trains: <c>30 epochs, mini-batch 10, SGD, η = 3, no regularisation, constant η[, early stop after …]</c>.</summary>
    private static string Recipe(SgdOptions options) =>
        $"{Count(options.Epochs, "epoch")}, mini-batch {options.MiniBatchSize}, {options.Optimizer}, η = {options.Eta}, {options.Regularization}, {options.Schedule}"
        + (options.EarlyStoppingPatience is { } patience ? $", early stop after {Count(patience, "epoch")} without validation improvement" : "");

    /// <summary>The scheme of each layer: for <see cref="Initializer.Default"/>, the generated constructor's (<see cref="NetworkRules.DefaultInitializer"/>).</summary>
    private static string DescribeInitialization(Initializer initializer, INetwork<float> network)
    {
        if (initializer != Initializer.Default) return Describe(initializer);
        ActivationFunction[] activations = network.Activations.ToArray();
        IEnumerable<Initializer> perLayer = Enumerable.Range(1, activations.Length).Select(l => NetworkRules.DefaultInitializer(activations, l)).Distinct();
        return string.Join(" and ", perLayer.Select(Describe)) + " (the generated constructor)";
    }

    private static string Describe(Initializer initializer) => initializer switch
    {
        Initializer.StandardNormal => "N(0, 1)",
        Initializer.ScaledNormal => "N(0, 1/n_in) weights, N(0, 1) biases",
        Initializer.Glorot => "Glorot normal",
        Initializer.He => "He normal",
        Initializer.PyTorchUniform => "U(−1/√n_in, 1/√n_in) (PyTorch's default)",
        _ => "the generated constructor's",
    };

    /// <summary>digits-784-30-10.mlpw, with the choices that differ from the defaults: digits-784-100-10-relu-softmax.mlpw.</summary>
    private static string DefaultWeightsFile(NetworkChoice network)
    {
        string name = $"digits-{network.Topology}";
        if (network.Hidden != Networks.HiddenActivations[0]) name += $"-{NetworkRules.Name(network.Hidden)}";
        if (network.Output != Networks.Outputs[0]) name += $"-{NetworkRules.Name(network.Output)}";
        if (network.Cost != NetworkRules.DefaultCost(network.Output)) name += $"-{NetworkRules.Name(network.Cost)}";
        return name + ".mlpw";
    }

    /// <summary>A choice the option's parser has accepted: one of the names of <see cref="NetworkRules"/>.</summary>
    private static ActivationFunction Activation(string name) =>
        NetworkRules.TryParseActivation(name, out ActivationFunction activation) ? activation : throw new ArgumentException($"Not an activation: '{name}'.", nameof(name));

    /// <summary>"a", "a or b", "a, b or c".</summary>
    private static string Or(string[] items) => items.Length < 2 ? string.Join("", items) : string.Join(", ", items[..^1]) + " or " + items[^1];

    /// <summary>"1 epoch", "30 epochs".</summary>
    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static Option<string[]> MonitorOption() => new("--monitor")
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
}
