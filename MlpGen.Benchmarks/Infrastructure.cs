using System;
using System.IO;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MlpGen.Data;

namespace MlpGen.Benchmarks;

/// <summary>A benchmark class that knows how many floating-point operations one operation of each of its methods performs.</summary>
public interface IFlopCounted
{
    /// <summary>FLOPs of one operation of <paramref name="method"/> (2 per multiply-add), or 0 when FLOP/s mean nothing for it.</summary>
    double FlopsPerOperation(string method);
}

/// <summary>
/// A column computed from a benchmark's FLOPs per operation (<see cref="IFlopCounted"/>) and its median time; "-" where
/// the benchmark counts none.
/// </summary>
public abstract class FlopColumn : IColumn
{
    public abstract string Id { get; }
    public abstract string ColumnName { get; }
    public abstract string Legend { get; }
    public abstract int PriorityInCategory { get; }
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } statistics) return "-";
        if (Activator.CreateInstance(benchmarkCase.Descriptor.Type) is not IFlopCounted counted) return "-";
        double flops = counted.FlopsPerOperation(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return flops <= 0 ? "-" : Value(statistics.Median, flops);
    }

    /// <summary>The column's value from the median time in nanoseconds and the FLOPs of one operation.</summary>
    protected abstract string Value(double medianNanoseconds, double flops);
}

/// <summary>The achieved GFLOP/s: the benchmark's FLOPs per operation over its median time.</summary>
public sealed class GflopsColumn : FlopColumn
{
    public override string Id => nameof(GflopsColumn);
    public override string ColumnName => "GFLOP/s";
    public override string Legend => "Billions of floating-point operations per second (2 per multiply-add), from the median";
    public override int PriorityInCategory => 0;

    protected override string Value(double medianNanoseconds, double flops) => (flops / medianNanoseconds).ToString("F1");
}

/// <summary>
/// How far a benchmark is from the machine's limit: its median time over the time its FLOPs take at the peak that
/// <see cref="PeakFlops.MeasuredGflops"/> measures in the same run (1.00 would be every cycle two full FMAs).
/// </summary>
public sealed class FlopLimitColumn : FlopColumn
{
    public override string Id => nameof(FlopLimitColumn);
    public override string ColumnName => "× limit";
    public override string Legend => "Median time over the time the benchmark's FLOPs take at the peak GFLOP/s measured in this run (PeakFlops)";
    public override int PriorityInCategory => 1;

    protected override string Value(double medianNanoseconds, double flops) => (medianNanoseconds / (flops / PeakFlops.MeasuredGflops)).ToString("F2");
}

/// <summary>The suite's configuration: BenchmarkDotNet's defaults plus medians, the ratio to the baseline, GFLOP/s and the ratio to the FLOP limit.</summary>
public static class SuiteConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default.WithWarmupCount(4).WithIterationCount(15).WithLaunchCount(1))
        .AddColumn(StatisticColumn.Median, new GflopsColumn(), new FlopLimitColumn())
        .HideColumns(Column.Error, Column.RatioSD)
        .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
}

/// <summary>Fashion-MNIST, the full 60,000 / 10,000 images, from where Debian's dataset-fashion-mnist package puts it.</summary>
public static class FashionMnist
{
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    private static readonly Lazy<Dataset<float>> TrainSet = new(() => Load(MnistSplit.Train));
    private static readonly Lazy<Dataset<float>> TestSet = new(() => Load(MnistSplit.Test));

    public static Dataset<float> Train => TrainSet.Value;

    public static Dataset<float> Test => TestSet.Value;

    private static Dataset<float> Load(MnistSplit split)
    {
        string directory = Environment.GetEnvironmentVariable("MLPGEN_FASHION") is { Length: > 0 } d ? d : Directory;
        if (!Mnist.IsPresent(directory))
        {
            throw new FileNotFoundException($"Fashion-MNIST is not in {directory}: install it with 'apt-get install -y dataset-fashion-mnist', or set MLPGEN_FASHION to a directory holding its four IDX files.");
        }
        return Mnist.Load(directory, split);
    }
}
