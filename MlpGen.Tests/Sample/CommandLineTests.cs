using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using MlpGen.Data;
using MlpGen.Persistence;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using Xunit;

namespace MlpGen.Tests.Sample;

/// <summary>
/// MlpGen.Sample run as a process on bad command lines: each ends in one line naming the offending value
/// or path and exit code 2 (a command line that cannot be) or 1 (a failure while running), never in a
/// stack trace; a bad output path is refused before training. One good run trains an epoch and saves.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class CommandLineTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    /// <summary>The sample built beside these tests (the project reference builds it first), in the tests' own configuration.</summary>
    private static string SampleDll { get; } = Path.Combine(
        Repository.Root, "MlpGen.Sample", "bin",
        typeof(CommandLineTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration,
        "net10.0", "MlpGen.Sample.dll");

    /// <summary>Runs the sample in the temporary directory (so that a default weights file could only land there), on the test digits unless told otherwise.</summary>
    private DotNetCli.Result Run(IDictionary<string, string>? environment, params string[] arguments)
    {
        Assert.True(File.Exists(SampleDll), $"{SampleDll} is missing: build MlpGen.Sample first.");
        return DotNetCli.Run("dotnet", _temporary.Path, environment, [SampleDll, .. arguments]);
    }

    private DotNetCli.Result Run(params string[] arguments) => Run(null, arguments);

    /// <summary>Asserts exactly one line of output, <paramref name="line"/>, and the exit code: nothing of a stack trace, no help screen.</summary>
    private static void AssertFailsWith(DotNetCli.Result result, int exitCode, string line)
    {
        Assert.False(result.Output.Contains("   at ") || result.Output.Contains("Unhandled exception"), $"a stack trace:\n{result.Output}");
        Assert.Equal(line + Environment.NewLine, result.Output);
        Assert.Equal(exitCode, result.ExitCode);
    }

    [Theory]
    [InlineData("--eta", "abc", "--eta: The learning rate η must be a positive finite number, found 'abc'.")]
    [InlineData("--eta", "Infinity", "--eta: The learning rate η must be a positive finite number, found 'Infinity'.")]
    [InlineData("--eta", "1e400", "--eta: The learning rate η must be a positive finite number, found '1e400'.")]
    [InlineData("--eta", "1e39", "--eta: The learning rate η must be a positive finite number, found '1e39'.")]   // ∞ as a float
    [InlineData("--eta", "NaN", "--eta: The learning rate η must be a positive finite number, found 'NaN'.")]
    [InlineData("--eta", "0", "--eta: The learning rate η must be a positive finite number, found '0'.")]
    [InlineData("--mini-batch", "x", "--mini-batch: expected a whole number of 1 or more, found 'x'.")]
    [InlineData("-m", "0", "--mini-batch: expected a whole number of 1 or more, found '0'.")]
    [InlineData("--epochs", "y", "--epochs: expected a whole number of 0 or more, found 'y'.")]
    [InlineData("-e", "-1", "--epochs: expected a whole number of 0 or more, found '-1'.")]
    [InlineData("--epochs", "99999999999", "--epochs: expected a whole number of 0 or more, found '99999999999'.")]
    [InlineData("--seed", "1.5", "--seed: expected a whole number, found '1.5'.")]
    public void ANumericOptionThatIsNotANumberOrOutOfRange_IsOneLineAndExitCode2(string option, string value, string line) =>
        AssertFailsWith(Run("--data", TestData.MnistDirectory, option, value), 2, line);

    [Fact]
    public void ADataDirectoryThatDoesNotExist_IsAnError_NotADownloadTarget()
    {
        string missing = _temporary.File("no-such-directory");
        AssertFailsWith(Run("--data", missing), 2, $"--data: the directory {missing} does not exist.");
        AssertFailsWith(Run(new Dictionary<string, string> { ["MLPGEN_DATA"] = missing }), 2, $"MLPGEN_DATA: the directory {missing} does not exist.");
        Assert.False(Directory.Exists(missing), "the sample created the directory");
    }

    [Fact]
    public void ADataDirectoryThatIsAFile_IsAnError()
    {
        string file = _temporary.File("some-file");
        File.WriteAllText(file, "not a directory");
        AssertFailsWith(Run("--data", file), 2, $"--data: {file} is a file; give the directory that holds the MNIST IDX files.");
    }

    [Fact]
    public void AnEmptyDataDirectory_WithNoDownload_IsAnError()
    {
        string empty = Directory.CreateDirectory(_temporary.File("empty")).FullName;
        AssertFailsWith(Run("--data", empty, "--no-download"), 2, $"The MNIST files are not in {empty} and --no-download was given.");
    }

    [Fact]
    public void ImagesOfAnotherSizeThanTheNetworkNeeds_SayWhichTopologyNeedsWhichSize()
    {
        string digits8x8 = Directory.CreateDirectory(_temporary.File("8x8")).FullName;
        IdxFiles.WriteMnistSplit(digits8x8, MnistSplit.Train, 8, 8, new byte[] { 0, 1, 2, 3, 4 });
        IdxFiles.WriteMnistSplit(digits8x8, MnistSplit.Test, 8, 8, new byte[] { 5, 6 });
        AssertFailsWith(Run("--data", digits8x8, "-t", "784-30-10", "-o", _temporary.File("w.mlpw")), 2,
            $"The network 784-30-10 needs images of 784 pixels (28×28); the images in {Path.Combine(digits8x8, "train-images-idx3-ubyte.gz")} are 8×8 = 64 pixels.");
        Assert.False(File.Exists(_temporary.File("w.mlpw")));
    }

    [Fact]
    public void DataThatCannotBeRead_IsOneLineNamingTheFile_ExitCode1()
    {
        string broken = Directory.CreateDirectory(_temporary.File("broken")).FullName;
        IdxFiles.WriteMnistSplit(broken, MnistSplit.Train, 28, 28, new byte[] { 0, 1 });
        IdxFiles.WriteMnistSplit(broken, MnistSplit.Test, 28, 28, new byte[] { 2 });
        string labels = Path.Combine(broken, "t10k-labels-idx1-ubyte.gz");
        File.WriteAllText(labels, "not gzip");
        DotNetCli.Result result = Run("--data", broken, "-o", _temporary.File("w.mlpw"));
        AssertFailsWith(result, 1, result.Output.TrimEnd());   // one line, whatever the reader's exact words
        Assert.StartsWith(labels + ": ", result.Output);
    }

    [Fact]
    public void ADivergingRun_SaysSo_ExitCode1_AndSavesNothing()
    {
        string weights = _temporary.File("diverged.mlpw");
        DotNetCli.Result result = Run("--data", TestData.MnistDirectory, "-e", "1", "--lambda", "1e30", "-o", weights);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.Contains("Training diverged: the parameters are no longer finite numbers (∞ or NaN); try a smaller --eta or --lambda. Nothing was saved." + Environment.NewLine, result.Output);
        Assert.DoesNotContain("Final accuracy", result.Output);
        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(weights));
    }

    public static TheoryData<string, string> BadOutputPaths => new()
    {
        { "missing/dir/x.mlpw", "--weights: the directory {0}/missing/dir does not exist." },
        { ".", "--weights: {0} is a directory; give the path of the weights file to write in it." },
        { "a-file/x.mlpw", "--weights: {0}/a-file is a file, not a directory." },
    };

    [Theory]
    [MemberData(nameof(BadOutputPaths))]
    public void AnOutputPathThatCannotBeWritten_IsRefusedBeforeTraining(string output, string line)
    {
        File.WriteAllText(_temporary.File("a-file"), "");
        DotNetCli.Result result = Run("--data", TestData.MnistDirectory, "-e", "1", "-o", output);
        AssertFailsWith(result, 2, string.Format(line, _temporary.Path));   // so no "Training …" nor "Epoch 0" line either
        Assert.Equal(new[] { "a-file" }, Directory.EnumerateFileSystemEntries(_temporary.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// A place no file can be created in (/proc, even for root): the check before training says so in one line that
    /// names the user's path, not the hidden temporary file it probed with, and exits 1.
    /// </summary>
    [Theory]
    [InlineData("--weights", "/proc/w.mlpw", "Cannot save the weights to /proc/w.mlpw: ")]
    [InlineData("--report", "/proc/report", "Cannot save the report to /proc/report: ")]
    public void AnOutputWhereNothingCanBeCreated_IsOneLineNamingThePath_NotTheProbe(string option, string path, string start)
    {
        if (!OperatingSystem.IsLinux()) return;   // /proc is Linux's
        string[] weights = option == "--weights" ? [] : ["-o", _temporary.File("w.mlpw")];
        DotNetCli.Result result = Run(["--data", TestData.MnistDirectory, "-e", "1", .. weights, option, path]);
        AssertFailsWith(result, 1, result.Output.TrimEnd());
        Assert.StartsWith(start, result.Output);
        Assert.DoesNotContain(".tmp", result.Output);
    }

    /// <summary>Issue 16, item 6: a read-only weights file is refused before training (it was replaced, and the user became its owner).</summary>
    [Fact]
    public void AReadOnlyWeightsFile_IsRefusedBeforeTraining_AndKept()
    {
        if (OperatingSystem.IsWindows()) return;
        string weights = _temporary.File("w.mlpw");
        File.WriteAllText(weights, "the user's own weights\n");
        File.SetUnixFileMode(weights, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);   // chmod 444
        AssertFailsWith(Run("--data", TestData.MnistDirectory, "-e", "1", "--weights", weights), 2,
            $"--weights: {weights} is read-only; make it writable or choose another file.");
        Assert.Equal("the user's own weights\n", File.ReadAllText(weights));
        Assert.Equal(new[] { "w.mlpw" }, Directory.EnumerateFileSystemEntries(_temporary.Path).Select(Path.GetFileName));
    }

    /// <summary>
    /// Issue 16, item 8: a save that fails after training says so once ("Cannot save the weights to X: Cannot save the weights
    /// to X: …" before; with this failure, a stack trace). The process may write at most 32 KiB to a file (ulimit -f), the
    /// weights need about 70: the write fails as on a full disk.
    /// </summary>
    [Fact]
    public void ASaveThatFailsAfterTraining_IsOneLineNamingTheFileOnce_AndLeavesNothing()
    {
        if (OperatingSystem.IsWindows()) return;
        string weights = _temporary.File("w.mlpw");
        var environment = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" };   // its double mapping is a file too
        DotNetCli.Result result = DotNetCli.Run("bash", _temporary.Path, environment,
            "-c", "trap '' XFSZ; ulimit -f 32; exec dotnet \"$0\" \"$@\"", SampleDll, "--data", TestData.MnistDirectory, "-e", "1", "-o", weights);
        Assert.DoesNotContain("   at ", result.Output);
        Assert.Matches(@"(?m)^Epoch 0 : ", result.Output);
        string[] lines = result.Output.Split(Environment.NewLine);
        Assert.Equal($"Cannot save the weights to {weights}: File too large", Assert.Single(lines, l => l.Contains("Cannot save")));   // stderr, so in no fixed place among the stdout lines
        Assert.DoesNotContain("Final accuracy", result.Output);
        Assert.Equal(1, result.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temporary.Path));
    }

    [Fact]
    public void OneEpochOnTheTestDigits_PrintsTheEpochAndSavesTheWeights()
    {
        string weights = _temporary.File("digits.mlpw");
        DotNetCli.Result result = Run("--data", TestData.MnistDirectory, "-e", "1", "-o", weights).Succeeded("the sample");
        Assert.Matches(@"(?m)^Epoch 0 : +\d+ / \d+ ", result.Output);
        Assert.Contains($"Weights saved to {weights}.", result.Output);
        WeightsFile.Load(weights, new Net784x16x16x10(seed: 1));
        Assert.Equal(new[] { "digits.mlpw" }, Directory.EnumerateFileSystemEntries(_temporary.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--hidden", "swish", "--hidden: expected sigmoid, tanh, relu, leaky-relu, gelu or silu, found 'swish'.")]
    [InlineData("--output", "identity", "--output: expected sigmoid, softmax or log-softmax, found 'identity'.")]
    [InlineData("--cost", "hinge", "--cost: expected quadratic, cross-entropy or log-likelihood, found 'hinge'.")]
    [InlineData("--optimizer", "rmsprop", "--optimizer: expected sgd, momentum, nesterov or adam, found 'rmsprop'.")]
    [InlineData("--init", "zeros", "--init: expected default, standard-normal, scaled-normal, glorot, he or pytorch, found 'zeros'.")]
    [InlineData("--regularization", "l3", "--regularization: expected l2 or l1, found 'l3'.")]
    [InlineData("-t", "784-10", "--topology: expected 784-16-16-10, 784-30-10 or 784-100-10, found '784-10'.")]
    [InlineData("--momentum", "1", "--momentum: expected a number in [0, 1), found '1'.")]
    [InlineData("--lambda", "-1", "--lambda: expected a finite number of 0 or more, found '-1'.")]
    [InlineData("--lambda", "NaN", "--lambda: expected a finite number of 0 or more, found 'NaN'.")]
    [InlineData("--validation", "0", "--validation: expected a whole number of 1 or more, found '0'.")]
    [InlineData("--early-stop", "x", "--early-stop: expected a whole number of 1 or more, found 'x'.")]
    [InlineData("--schedule", "step:0:0.5", "--schedule: expected constant, step:K:F (K ≥ 1 epochs, factor 0 < F ≤ 1) or plateau:K:N (K, N ≥ 1), found 'step:0:0.5'.")]
    [InlineData("--schedule", "step:1:2", "--schedule: expected constant, step:K:F (K ≥ 1 epochs, factor 0 < F ≤ 1) or plateau:K:N (K, N ≥ 1), found 'step:1:2'.")]
    [InlineData("--schedule", "plateau:10", "--schedule: expected constant, step:K:F (K ≥ 1 epochs, factor 0 < F ≤ 1) or plateau:K:N (K, N ≥ 1), found 'plateau:10'.")]
    [InlineData("--monitor", "test-cost", "--monitor: expected a comma list of training-cost, training-accuracy, validation-cost, found 'test-cost'.")]
    public void ABadValueOfATrainingOption_IsOneLineAndExitCode2(string option, string value, string line) =>
        AssertFailsWith(Run("--data", TestData.MnistDirectory, option, value), 2, line);

    [Theory]
    [InlineData("0")]
    [InlineData("100000")]
    public void ThreadsOutsideTheMachinesCores_IsOneLineAndExitCode2(string value) =>
        AssertFailsWith(Run("--data", TestData.MnistDirectory, "--threads", value), 2,
            $"--threads: expected a whole number from 1 to {System.Environment.ProcessorCount}, found '{value}'.");

    [Theory]
    [InlineData("--output softmax --cost quadratic", "--cost: the networks here are sigmoid with quadratic, sigmoid with cross-entropy, softmax with log-likelihood, log-softmax with log-likelihood; found softmax with quadratic.")]
    [InlineData("--cost log-likelihood", "--cost: the networks here are sigmoid with quadratic, sigmoid with cross-entropy, softmax with log-likelihood, log-softmax with log-likelihood; found sigmoid with log-likelihood.")]
    [InlineData("--hidden gelu", "--output: the networks with gelu hidden layers here have softmax or log-softmax outputs; found sigmoid.")]
    [InlineData("--output log-softmax --cost quadratic", "--cost: the networks here are sigmoid with quadratic, sigmoid with cross-entropy, softmax with log-likelihood, log-softmax with log-likelihood; found log-softmax with quadratic.")]
    [InlineData("--momentum 0.5", "--momentum: applies to --optimizer momentum or nesterov, not sgd.")]
    [InlineData("--optimizer adam --momentum 0.5", "--momentum: applies to --optimizer momentum or nesterov, not adam.")]
    [InlineData("--early-stop 3", "--early-stop: needs --validation N (the held-out samples whose accuracy it watches).")]
    [InlineData("--schedule plateau:10:7", "--schedule plateau: needs --validation N (the held-out samples whose accuracy it watches).")]
    [InlineData("--monitor training-cost,validation-cost", "--monitor validation-cost: needs --validation N.")]
    [InlineData("--regularization l1", "--regularization l1: needs --lambda λ.")]
    public void ACombinationThatCannotWork_IsOneLineAndExitCode2_BeforeAnyDataIsRead(string arguments, string line)
    {
        string missing = _temporary.File("no-such-directory");   // checked only after the combination: so it was refused first
        AssertFailsWith(Run(["--data", missing, .. arguments.Split(' ')]), 2, line);
    }

    [Fact]
    public void TheHelpsCostsAndOutputs_AreThePairsTheSampleAccepts()
    {
        // --help says which outputs each cost trains; the refusal of a pair no network has lists the pairs there are.
        // The two must name the same pairs (the help once offered softmax with quadratic, which the sample refuses).
        DotNetCli.Result help = Run("--help");
        Assert.Equal(0, help.ExitCode);
        string costHelp = help.Output.Split('\n').Single(line => line.Contains("--cost <", StringComparison.Ordinal));
        var claimed = System.Text.RegularExpressions.Regex.Matches(costHelp, @"([a-z-]+) trains (.+?) outputs")
            .SelectMany(match => match.Groups[2].Value.Replace(" or ", ", ", StringComparison.Ordinal).Split(", ").Select(output => $"{output} with {match.Groups[1].Value}"))
            .Order(StringComparer.Ordinal).ToArray();

        DotNetCli.Result refused = Run("--data", _temporary.File("no-such-directory"), "--output", "log-softmax", "--cost", "quadratic");
        const string Prefix = "--cost: the networks here are ";
        Assert.StartsWith(Prefix, refused.Output, StringComparison.Ordinal);
        string[] accepted = refused.Output[Prefix.Length..refused.Output.IndexOf("; found", StringComparison.Ordinal)].Split(", ").Order(StringComparer.Ordinal).ToArray();

        Assert.NotEmpty(accepted);
        Assert.Equal(accepted, claimed);
    }

    [Fact]
    public void AValidationSetAsLargeAsTheTrainingData_IsOneLineAndExitCode2() =>
        AssertFailsWith(Run("--data", TestData.MnistDirectory, "--validation", "999999", "-o", _temporary.File("w.mlpw")), 2,
            $"--validation: 999999 leaves no training samples; the training data has {Mnist.Load(TestData.MnistDirectory, MnistSplit.Train).Count:N0}.");

    [Fact]
    public void TheIssuesRecipe_TrainsAnEpochAndEndsWithTheFinalAccuracy()
    {
        string weights = _temporary.File("relu.mlpw");
        DotNetCli.Result result = Run("-t", "784-100-10", "--hidden", "relu", "--output", "softmax", "--optimizer", "adam", "--eta", "0.001", "-m", "32", "-e", "1",
            "-d", TestData.MnistDirectory, "-o", weights).Succeeded("the sample");
        string[] lines = result.Output.TrimEnd().Split(Environment.NewLine);
        Assert.StartsWith("Training 784-100-10 (relu hidden, softmax output, log-likelihood cost) on ", lines[0]);
        Assert.Contains("mini-batch 32, Adam (β1 = 0.9, β2 = 0.999, ε = 1E-08), η = 0.001, no regularisation, constant η, init He normal (the generated constructor), seed 1.", lines[0]);
        Assert.Matches(@"^Epoch 0 : +\d+ / \d+ = +[\d.]+ %; test cost +[\d.]+ +\(\d+ ms\)$", Assert.Single(lines, l => l.StartsWith("Epoch ")));
        Assert.Matches(@"^Trained in [\d.]+ s\. Final accuracy: \d+ / \d+ = [\d.]+ %\.$", lines[^2]);
        Assert.Equal($"Weights saved to {weights}.", lines[^1]);
    }

    /// <summary>The PyTorch-style networks of issue 22: GELU or SiLU hidden layers into a log-softmax output (NLLLoss), trained as the others are.</summary>
    [Theory]
    [InlineData("gelu")]
    [InlineData("silu")]
    public void GeluAndSiluIntoLogSoftmax_TrainAndLearn(string hidden)
    {
        string weights = _temporary.File(hidden + ".mlpw");
        DotNetCli.Result result = Run("-t", "784-30-10", "--hidden", hidden, "--output", "log-softmax", "--optimizer", "adam", "-m", "32", "-e", "2",
            "-d", TestData.MnistDirectory, "-o", weights).Succeeded("the sample");
        Assert.StartsWith($"Training 784-30-10 ({hidden} hidden, log-softmax output, log-likelihood cost) on ", result.Output);
        Assert.Contains("init He normal (the generated constructor)", result.Output);   // both weight layers: for the GELU or SiLU layer
        System.Text.RegularExpressions.Match final = System.Text.RegularExpressions.Regex.Match(result.Output, @"Final accuracy: (\d+) / (\d+) = ");
        Assert.True(final.Success, result.Output);
        Assert.True(int.Parse(final.Groups[1].Value) > 0.85 * int.Parse(final.Groups[2].Value), $"{hidden}: {final.Value}: the network did not learn");
        Assert.Equal($"{hidden} log-softmax", WeightsFile.Read(weights).ActivationNames);
    }

    [Fact]
    public void EarlyStoppingOnAValidationSet_SaysWhichEpochItRestored()
    {
        // η = 30 makes the second epoch worse on the validation data than the first, so patience 1 stops there.
        DotNetCli.Result result = Run("--data", TestData.MnistDirectory, "--validation", "1000", "--early-stop", "1", "-e", "3", "--eta", "30",
            "--monitor", "training-cost,validation-cost", "-o", _temporary.File("w.mlpw")).Succeeded("the sample");
        Assert.Contains("(the last 1,000 held out for validation)", result.Output);
        Assert.Matches(@"(?m)^Epoch 0 : +\d+ / \d+ = +[\d.]+ %; test cost +[\d.]+; training cost +[\d.]+; validation cost +[\d.]+, accuracy +\d+ / 1000 = +[\d.]+ % +\(\d+ ms\)$", result.Output);
        Assert.Contains("Stopped after epoch 1: the validation accuracy stopped improving.", result.Output);
        Assert.Matches(@"(?m)^Restored the parameters of epoch 0, the best on validation \(\d+ / 1000\)\.$", result.Output);
        Assert.Matches(@"Final accuracy: \d+ / \d+ = [\d.]+ %\.\r?\nWeights saved to ", result.Output);
    }

    /// <summary>
    /// The issue's run, shortened: the summary, one line per epoch, the report. Redirected (as here), the output has
    /// no control characters; the summary's counts are ModelSummary's; history.csv holds the printed numbers; the
    /// misclassified samples are exactly those the saved network gets wrong, and the confusion matrix's diagonal the
    /// printed final accuracy.
    /// </summary>
    [Fact]
    public void Report_AfterTheSummaryAndTheEpochLines_HoldsThePrintedNumbers_AndTheOutputHasNoControlCharacters()
    {
        string weights = _temporary.File("w.mlpw"), report = _temporary.File("out");
        DotNetCli.Result result = Run("-t", "784-30-10", "-e", "2", "--validation", "1000", "--monitor", "training-cost,training-accuracy,validation-cost",
            "--schedule", "step:1:0.5", "-d", TestData.MnistDirectory, "-o", weights, "--report", report).Succeeded("the sample");
        Assert.DoesNotContain(result.Output, c => char.IsControl(c) && c is not '\n' and not '\r');

        ModelSummary summary = ModelSummary.Of(new Net784x30x10(seed: 1));
        Assert.Matches(@"(?m)^│ 1 +│ 784 → 30 +│ sigmoid +│ +23,520 │ +30 │ +23,550 │$", result.Output);
        Assert.Contains($"{summary.Parameters:N0} parameters, {summary.ParameterBytes:N0} bytes of float; FLOPs per sample: {summary.InferenceFlopsPerSample:N0} to infer, {summary.TrainingFlopsPerSample(10):N0} to train at mini-batch 10.", result.Output);

        // One line per epoch, aligned, with η under the schedule; history.csv has the same numbers.
        var epochLines = System.Text.RegularExpressions.Regex.Matches(result.Output,
            @"(?m)^Epoch (\d) : +(\d+) / (\d+) = +([\d.]+) %; test cost +([\d.]+); training cost +([\d.]+), accuracy +(\d+) / \d+ = +[\d.]+ %; validation cost +([\d.]+), accuracy +(\d+) / 1000 = +[\d.]+ %; η (\S+) +\(\d+ ms\)\r?$");
        Assert.Equal(2, epochLines.Count);
        Assert.Equal(epochLines[0].Value.IndexOf("; test cost", StringComparison.Ordinal), epochLines[1].Value.IndexOf("; test cost", StringComparison.Ordinal));
        string[] rows = File.ReadAllLines(Path.Combine(report, "history.csv"));
        Assert.Equal(3, rows.Length);
        for (int e = 0; e < 2; e++)
        {
            string[] printed = epochLines[e].Groups.Values.Skip(1).Select(g => g.Value).ToArray();
            string[] f = rows[e + 1].Split(',');
            double Csv(int column) => double.Parse(f[column], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(printed[0], f[0]);                                              // epoch
            Assert.Equal(printed[9], f[1]);                                              // η: 3, then 1.5
            Assert.Equal(printed[1], f[12]);                                             // test correct
            Assert.Equal(printed[2], f[13]);                                             // test total
            Assert.Equal(printed[3], (100 * Csv(14)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(printed[4], Csv(11).ToString("F4", System.Globalization.CultureInfo.InvariantCulture));   // test cost
            Assert.Equal(printed[5], Csv(3).ToString("F4", System.Globalization.CultureInfo.InvariantCulture));    // training cost
            Assert.Equal(printed[6], f[4]);                                              // training correct
            Assert.Equal(printed[7], Csv(7).ToString("F4", System.Globalization.CultureInfo.InvariantCulture));    // validation cost
            Assert.Equal(printed[8], f[8]);                                              // validation correct
        }

        // The saved network's mistakes are the report's, and its accuracy the printed final one.
        var network = new Net784x30x10(seed: 1);
        WeightsFile.Load(weights, network);
        Dataset<float> test = TestData.Test;
        int[] wrong = Enumerable.Range(0, test.Count).Where(i => network.Classify(test.Input(i)) != test.Label(i)).ToArray();
        Assert.Equal(wrong.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            File.ReadAllLines(Path.Combine(report, "misclassified.csv")).Skip(1).Select(l => l.Split(',')[0]));
        Assert.Contains($"Final accuracy: {test.Count - wrong.Length} / {test.Count} = ", result.Output);
        Assert.Contains($"{test.Count - wrong.Length:N0} of {test.Count:N0} test samples on the diagonal", File.ReadAllText(Path.Combine(report, "index.html")));
        Assert.Contains($"Report written to {report} (11 files): open {Path.Combine(report, "index.html")}.", result.Output);
    }

    [Fact]
    public void AReportPathThatIsAFile_OrUnderAMissingDirectory_IsOneLineAndExitCode2_BeforeTraining()
    {
        string file = _temporary.File("a-file");
        File.WriteAllText(file, "");
        AssertFailsWith(Run("--data", TestData.MnistDirectory, "-o", _temporary.File("w.mlpw"), "--report", file), 2,
            $"--report: {file} is a file; give the directory to write the report in.");
        string missing = _temporary.File("no-such-directory");
        AssertFailsWith(Run("--data", TestData.MnistDirectory, "-o", _temporary.File("w.mlpw"), "--report", Path.Combine(missing, "out")), 2,
            $"--report: the directory {missing} does not exist.");
    }

    /// <summary>The --report directory is checked before training but created only when the report is written: a run that fails first leaves none behind.</summary>
    [Fact]
    public void AMissingReportDirectory_IsNotCreated_WhenTheRunFailsBeforeTheReport()
    {
        string empty = _temporary.File("empty");
        Directory.CreateDirectory(empty);
        string report = _temporary.File("report");
        AssertFailsWith(Run("--data", empty, "--no-download", "-o", _temporary.File("w.mlpw"), "--report", report), 2,
            $"The MNIST files are not in {empty} and --no-download was given.");
        Assert.False(Directory.Exists(report), $"{report} was created by a run that wrote no report");
        Assert.Equal(["empty"], Directory.EnumerateFileSystemEntries(_temporary.Path).Select(Path.GetFileName));   // nor a probe left beside it
    }
}
