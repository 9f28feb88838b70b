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
