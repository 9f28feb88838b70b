using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>Sgd.Train's epochProgress (the sample's progress bar) and MonitorTestCost.</summary>
public class EpochProgressTests
{
    private sealed class Collect<T> : IProgress<T>
    {
        public List<T> Values { get; } = new();
        public void Report(T value) => Values.Add(value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Progress_ComesAfterEveryMiniBatch_UpToTheEpochsSamples_AndChangesNothing(int threads)
    {
        Dataset<float> training = TestData.Train.Slice(0, 205);   // 20 mini-batches of 10 and one of 5
        var options = new SgdOptions { Epochs = 2, MiniBatchSize = 10, Eta = 3.0, Seed = 3, DegreeOfParallelism = threads };
        var watched = new Net784x30x10(seed: 1);
        var progress = new Collect<EpochProgress>();
        Sgd.Train(watched, training, options, epochProgress: progress);

        int[] expected = [.. Enumerable.Range(1, 20).Select(step => 10 * step), 205];
        Assert.Equal(expected.Concat(expected), progress.Values.Select(p => p.Samples));
        Assert.Equal(Enumerable.Repeat(0, 21).Concat(Enumerable.Repeat(1, 21)), progress.Values.Select(p => p.Epoch));
        Assert.All(progress.Values, p => Assert.Equal(205, p.Total));

        var plain = new Net784x30x10(seed: 1);
        Sgd.Train(plain, training, options);
        Assert.Equal(plain.Parameters.ToArray(), watched.Parameters.ToArray());   // bit for bit
    }

    private sealed class ThrowAt(int samples) : IProgress<EpochProgress>
    {
        public int Calls { get; private set; }

        public void Report(EpochProgress value)
        {
            Calls++;
            if (value.Samples == samples) throw new TimeoutException("the progress bar broke");
        }
    }

    /// <summary>
    /// A progress callback that throws stops training after that step on every thread count, and Train throws the
    /// callback's own exception: on several threads the others must not be left waiting at a barrier (they were: a hang).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async System.Threading.Tasks.Task Progress_ThatThrows_StopsTrainingAfterItsStep_AndItsExceptionReachesTheCaller(int threads)
    {
        Dataset<float> training = TestData.Train.Slice(0, 205);
        var options = new SgdOptions { Epochs = 2, MiniBatchSize = 10, Eta = 3.0, Seed = 3, DegreeOfParallelism = threads };
        var progress = new ThrowAt(samples: 50);
        var run = System.Threading.Tasks.Task.Run(() => Sgd.Train(new Net784x30x10(seed: 1), training, options, epochProgress: progress));
        var ended = await System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(ended == run, $"{threads} threads: training did not end");
        var e = await Assert.ThrowsAsync<TimeoutException>(() => run);
        Assert.Equal("the progress bar broke", e.Message);
        Assert.Equal(5, progress.Calls);   // the fifth mini-batch's report threw; no step after it was reported
    }

    [Fact]
    public void MonitorTestCost_ReportsTheTestCost_AsTheTrainingCostIsComputed()
    {
        Dataset<float> test = TestData.Test.Slice(0, 300);
        var options = new SgdOptions { Epochs = 1, Seed = 1, MonitorTestCost = true, MonitorTrainingCost = true };
        // Train on the test samples themselves: then the training cost and the test cost are the same number.
        EpochReport report = Assert.Single(Sgd.Train(new Net784x30x10(seed: 1), test, options, test));
        Assert.NotNull(report.TestCost);
        Assert.Equal(report.TrainingCost, report.TestCost);
        Assert.Matches(@"; test cost [\d.]+, accuracy \d+ / 300; \d+ ms$", report.Describe());
        Assert.Null(Assert.Single(Sgd.Train(new Net784x30x10(seed: 1), test, options with { MonitorTestCost = false }, test)).TestCost);
    }
}
