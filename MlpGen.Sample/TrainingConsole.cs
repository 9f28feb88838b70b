using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlpGen.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MlpGen.Sample;

/// <summary>
/// What the sample prints while it trains, through Spectre.Console: the model summary as a table, one aligned
/// line per epoch, and, when standard output is a terminal, a live progress bar (samples/s, ETA) inside every
/// epoch that runs longer than about a second. Redirected to a file or a CI log, the output is plain lines:
/// no bar, no colours, no control characters.
/// </summary>
internal sealed class TrainingConsole : IProgress<EpochReport>, IProgress<EpochProgress>
{
    private readonly IAnsiConsole _console;
    private readonly EpochLine _line;
    private ProgressContext? _live;
    private ProgressTask? _bar;
    private int _barEpoch = -1;
    private long _epochStart, _lastUpdate;

    public TrainingConsole(EpochLine line)
    {
        _line = line;
        bool terminal = !Console.IsOutputRedirected;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        IsLive = terminal && _console.Profile.Capabilities.Interactive && _console.Profile.Capabilities.Ansi;
        if (!terminal) _console.Profile.Width = 240;   // a log has no width: do not wrap the lines at Spectre's default of 80
    }

    /// <summary>Whether the progress bar is shown (standard output is an interactive terminal).</summary>
    public bool IsLive { get; }

    /// <summary>The model summary: a table of the layers, then parameters, bytes and FLOPs per sample.</summary>
    public void WriteSummary(ModelSummary summary, int miniBatch)
    {
        var table = new Table { Border = TableBorder.Rounded };
        table.AddColumn("Layer");
        table.AddColumn("Shape");
        table.AddColumn("Activation");
        table.AddColumn(new TableColumn("Weights").RightAligned());
        table.AddColumn(new TableColumn("Biases").RightAligned());
        table.AddColumn(new TableColumn("Parameters").RightAligned());
        foreach (LayerSummary layer in summary.Layers)
        {
            table.AddRow(Text(layer.Index.ToString(CultureInfo.InvariantCulture)), Text($"{layer.Inputs} → {layer.Size}"), Text(NetworkRules.Name(layer.Activation)),
                Text(N(layer.Weights)), Text(N(layer.Biases)), Text(N(layer.Parameters)));
        }
        table.AddEmptyRow();
        table.AddRow(Text("Total"), Text(summary.Topology), Text(NetworkRules.Name(summary.Cost) + " cost"), Text(N(summary.Weights)), Text(N(summary.Biases)), Text(N(summary.Parameters)));
        _console.Write(table);
        _console.WriteLine(Invariant($"{N(summary.Parameters)} parameters, {N(summary.ParameterBytes)} bytes of {summary.ElementName}; FLOPs per sample: {N(summary.InferenceFlopsPerSample)} to infer, {N((long)Math.Round(summary.TrainingFlopsPerSample(miniBatch)))} to train at mini-batch {miniBatch}."));
        _console.WriteLine();
    }

    /// <summary>Runs <paramref name="train"/> (which reports to this console) under the live progress display when there is one.</summary>
    public TrainingHistory Run(Func<TrainingHistory> train)
    {
        if (!IsLive) return train();
        TrainingHistory? history = null;
        _console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SamplesPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                _live = context;
                try
                {
                    history = train();
                }
                finally
                {
                    _live = null;
                }
            });
        return history!;
    }

    /// <summary>After every mini-batch: shows the bar once the epoch has run a quarter of a second and looks like it will take more than one.</summary>
    void IProgress<EpochProgress>.Report(EpochProgress value)
    {
        if (_live is null) return;
        long now = Stopwatch.GetTimestamp();
        if (value.Epoch != _barEpoch)
        {
            (_barEpoch, _epochStart, _lastUpdate, _bar) = (value.Epoch, now, now, null);
            return;
        }
        if (Stopwatch.GetElapsedTime(_lastUpdate, now).TotalMilliseconds < 50) return;   // the display refreshes every 100 ms
        _lastUpdate = now;
        if (_bar is null)
        {
            TimeSpan elapsed = Stopwatch.GetElapsedTime(_epochStart, now);
            bool longEpoch = elapsed.TotalSeconds * value.Total > 1.0 * value.Samples;   // the epoch will take more than 1 s
            if (elapsed.TotalSeconds < 0.25 || !longEpoch) return;
            _bar = _live.AddTask(Invariant($"Epoch {value.Epoch}"), autoStart: true, maxValue: value.Total);
        }
        _bar.Value = value.Samples;
    }

    /// <summary>At the end of every epoch: the bar goes, the epoch's line is printed.</summary>
    void IProgress<EpochReport>.Report(EpochReport value)
    {
        if (_bar is not null)
        {
            _bar.Value = _bar.MaxValue;
            _bar.StopTask();
            _bar = null;
        }
        _barEpoch = -1;
        _console.WriteLine(_line.Format(value));
    }

    /// <summary>Writes a line as it is (no markup).</summary>
    public void WriteLine(string line) => _console.WriteLine(line);

    private static Text Text(string text) => new(text);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Training samples per second, from Spectre's running estimate of the task's speed.</summary>
    private sealed class SamplesPerSecondColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? Invariant($"{speed,9:N0} samples/s") : "", Style.Plain);
    }
}

/// <summary>
/// One epoch's line, in columns that line up from epoch to epoch: network.py's test accuracy first
/// (<c>Epoch 3 : 9581 / 10000</c>), then its percentage and the test cost, the monitored training and validation
/// values, η when a schedule changes it, and the epoch's training time, e.g.
/// <c>Epoch  3 : 1812 / 2000 = 90.60 %; test cost 0.0412; validation cost 0.0398, accuracy  905 / 1000 = 90.50 %   (812 ms)</c>.
/// </summary>
internal sealed class EpochLine(int epochs, bool showEta)
{
    private readonly int _epochWidth = Math.Max(1, (epochs - 1).ToString(CultureInfo.InvariantCulture).Length);

    public string Format(EpochReport value)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"Epoch {value.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(_epochWidth)} : ");
        if (value.Correct is { } correct && value.Total is { } total)
        {
            line.Append(CultureInfo.InvariantCulture, $"{Count(correct, total)} / {total} = {Percent(value.Accuracy!.Value)}");
            if (value.TestCost is { } testCost) line.Append(CultureInfo.InvariantCulture, $"; test cost {Cost(testCost)}");
        }
        else
        {
            line.Append("complete");
        }
        Append(line, "training", value.TrainingCost, value.TrainingCorrect, value.TrainingTotal);
        Append(line, "validation", value.ValidationCost, value.ValidationCorrect, value.ValidationTotal);
        if (showEta) line.Append(CultureInfo.InvariantCulture, $"; η {value.Eta,-7:G6}");
        line.Append("   ").Append(FormattableString.Invariant($"({value.Elapsed.TotalMilliseconds:F0} ms)").PadLeft(9));
        return line.ToString();
    }

    private static void Append(StringBuilder line, string set, double? cost, int? correct, int? total)
    {
        if (cost is null && correct is null) return;
        line.Append("; ").Append(set);
        if (cost is { } value) line.Append(" cost ").Append(Cost(value));
        if (correct is { } c) line.Append(cost is null ? "" : ",").Append(CultureInfo.InvariantCulture, $" accuracy {Count(c, total!.Value)} / {total} = {Percent((double)c / total.Value)}");
    }

    /// <summary>A count padded to the width of the total, so that the columns after it line up.</summary>
    private static string Count(int count, int total) => count.ToString(CultureInfo.InvariantCulture).PadLeft(total.ToString(CultureInfo.InvariantCulture).Length);

    /// <summary>Percent with two decimals, padded to 100.00.</summary>
    private static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture).PadLeft(6) + " %";

    /// <summary>A cost with four decimals, padded to 7 characters (costs up to 99.9999 line up).</summary>
    private static string Cost(double cost) => cost.ToString("F4", CultureInfo.InvariantCulture).PadLeft(7);
}
