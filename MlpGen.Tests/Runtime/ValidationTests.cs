using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Runtime;

/// <summary>Validation data, early stopping with the restore of the best epoch, the schedules, and monitoring.</summary>
public class ValidationTests(ITestOutputHelper output)
{
    /// <summary>Keeps each report and a copy of the parameters after each epoch.</summary>
    private sealed class Snapshots(INetwork<float> network) : IProgress<EpochReport>
    {
        public List<EpochReport> Reports { get; } = new();
        public List<float[]> Parameters { get; } = new();

        public void Report(EpochReport value)
        {
            Reports.Add(value);
            Parameters.Add(network.Parameters.ToArray());
        }
    }

    private static (Dataset<float> Training, Dataset<float> Validation) Small() => TestData.Train.Slice(0, 1500).Split(500);

    [Fact]
    public void Split_HoldsOutTheLastSamples()
    {
        Dataset<float> all = TestData.Train.Slice(0, 100);
        (Dataset<float> training, Dataset<float> validation) = all.Split(30);
        Assert.Equal(70, training.Count);
        Assert.Equal(30, validation.Count);
        Assert.True(validation.Inputs.SequenceEqual(all.Inputs[(70 * 784)..]));
        Assert.True(validation.Labels.SequenceEqual(all.Labels[70..]));
        Assert.True(training.Targets.SequenceEqual(all.Targets[..(70 * 10)]));
    }

    [Fact]
    public void EarlyStopping_Stops_AndRestoresTheBestEpochsParameters_BitForBit()
    {
        (Dataset<float> training, Dataset<float> validation) = Small();
        var network = new Net784x30x10(2);
        var snapshots = new Snapshots(network);
        var history = Sgd.Train(network, training, new SgdOptions { Epochs = 60, Eta = 3.0, Seed = 2, EarlyStoppingPatience = 3 }, progress: snapshots, validation: validation);
        output.WriteLine(string.Join(Environment.NewLine, history.Select(r => r.Describe())));

        Assert.True(history.StoppedEarly, "1,000 samples should stop improving within 60 epochs");
        Assert.True(history.Count < 60);
        int best = history.BestEpoch!.Value;
        Assert.Equal(history.Count - 1 - 3, best);   // stopped after 3 epochs without improvement
        Assert.Equal(history.Max(r => r.ValidationCorrect), history[best].ValidationCorrect);
        Assert.Equal(best, history.ToList().FindIndex(r => r.ValidationCorrect == history[best].ValidationCorrect));   // the first of equals
        Assert.True(history.Restored);
        Assert.True(snapshots.Parameters[best].AsSpan().SequenceEqual(network.Parameters), "the network does not hold the best epoch's parameters");
        Assert.Equal(history[best].ValidationCorrect, Evaluation.CountCorrect(network, validation));
    }

    [Fact]
    public void EndingNormally_AlsoRestoresTheBestEpoch()
    {
        // The run of the test above, without early stopping and exactly as many epochs: it ends normally on an
        // epoch that is not the best, the case where Keras leaves the last epoch's parameters.
        (Dataset<float> training, Dataset<float> validation) = Small();
        var stopped = new Net784x30x10(2);
        var early = Sgd.Train(stopped, training, new SgdOptions { Epochs = 60, Eta = 3.0, Seed = 2, EarlyStoppingPatience = 3 }, validation: validation);

        var network = new Net784x30x10(2);
        var snapshots = new Snapshots(network);
        var history = Sgd.Train(network, training, new SgdOptions { Epochs = early.Count, Eta = 3.0, Seed = 2 }, progress: snapshots, validation: validation);
        Assert.Equal(early.Count, history.Count);
        Assert.False(history.StoppedEarly);
        Assert.Equal(early.BestEpoch, history.BestEpoch);
        Assert.True(history.BestEpoch < history.Count - 1);
        Assert.True(history.Restored);
        Assert.True(snapshots.Parameters[history.BestEpoch!.Value].AsSpan().SequenceEqual(network.Parameters), "the network does not hold the best epoch's parameters");
        Assert.True(stopped.Parameters.SequenceEqual(network.Parameters));

        // Without validation data nothing is tracked or restored.
        var plain = new Net784x30x10(2);
        var none = Sgd.Train(plain, training, new SgdOptions { Epochs = 2, Eta = 3.0, Seed = 2 });
        Assert.Null(none.BestEpoch);
        Assert.False(none.Restored);
        Assert.Null(none[0].ValidationCorrect);
    }

    [Fact]
    public void HalveOnPlateau_HalvesAfterPatienceEpochsWithoutImprovement_AndStopsAtTheLastHalving()
    {
        (Dataset<float> training, Dataset<float> validation) = Small();
        var network = new Net784x30x10(3);
        var history = Sgd.Train(network, training, new SgdOptions { Epochs = 100, Eta = 3.0, Seed = 3, Schedule = LearningRateSchedule.HalveOnPlateau(patience: 2, maxHalvings: 3) }, validation: validation);
        output.WriteLine(string.Join(Environment.NewLine, history.Select(r => r.Describe())));

        // Replay the rule on the reported validation accuracies.
        double eta = 3.0;
        int best = -1, since = 0, halvings = 0, stop = -1;
        for (int e = 0; e < history.Count; e++)
        {
            Assert.Equal(eta, history[e].Eta);
            int correct = history[e].ValidationCorrect!.Value;
            if (correct > best) { best = correct; since = 0; continue; }
            if (++since < 2) continue;
            since = 0;
            if (++halvings == 3) { stop = e; break; }
            eta /= 2;
        }
        Assert.True(history.StoppedEarly);
        Assert.Equal(history.Count - 1, stop);
        Assert.Equal(0.75, history[^1].Eta);   // 3 → 1.5 → 0.75, then the third plateau stops
    }

    [Fact]
    public void StepDecay_GivesEtaTimesFactorToTheEpochOverK()
    {
        var network = new Net784x16x16x10(1);
        var history = Sgd.Train(network, TestData.Train.Slice(0, 100), new SgdOptions { Epochs = 7, Eta = 2.0, Schedule = LearningRateSchedule.StepDecay(everyEpochs: 3, factor: 0.1) });
        Assert.Equal(new[] { 2.0, 2.0, 2.0, 2.0 * 0.1, 2.0 * 0.1, 2.0 * 0.1, 2.0 * Math.Pow(0.1, 2) }, history.Select(r => r.Eta));
        Assert.All(Sgd.Train(network, TestData.Train.Slice(0, 10), new SgdOptions { Epochs = 2, Eta = 0.5 }), r => Assert.Equal(0.5, r.Eta));
    }

    /// <summary>Runs a check on each report as it arrives, while the network holds that epoch's parameters.</summary>
    private sealed class Check(Action<EpochReport> check) : IProgress<EpochReport>
    {
        public int Count { get; private set; }

        public void Report(EpochReport value)
        {
            check(value);
            Count++;
        }
    }

    [Fact]
    public void Monitoring_TrainingAndValidationCostAndAccuracy_AreWhatTheyClaim()
    {
        (Dataset<float> training, Dataset<float> validation) = Small();
        Dataset<float> test = TestData.Test.Slice(0, 300);
        var network = new Net784x30x10CE(4);
        const double lambda = 2.0;

        // network2.py's total_cost: the mean of the per-sample cost plus 0.5·(λ/n)·Σw² over the weights, n the training set's size.
        double Cost(Dataset<float> data)
        {
            double sum = 0;
            var a = new float[10];
            for (int i = 0; i < data.Count; i++)
            {
                network.Predict(data.Input(i), a);
                sum += network.Cost(a, data.Target(i));
            }
            double squares = 0;
            int[] sizes = Net784x30x10CE.LayerSizes.ToArray();
            for (int l = 1, offset = 0; l < sizes.Length; offset += sizes[l] * (sizes[l - 1] + 1), l++)
            {
                foreach (float w in network.Parameters.Slice(offset, sizes[l] * sizes[l - 1])) squares += (double)w * w;
            }
            return sum / data.Count + 0.5 * (lambda / training.Count) * squares;
        }

        var check = new Check(report =>
        {
            output.WriteLine(report.Describe());
            Assert.Equal(Cost(training), report.TrainingCost!.Value, 1e-5);
            Assert.Equal(Cost(validation), report.ValidationCost!.Value, 1e-5);
            Assert.Equal(Evaluation.CountCorrect(network, training), report.TrainingCorrect);
            Assert.Equal(training.Count, report.TrainingTotal);
            Assert.Equal(Evaluation.CountCorrect(network, validation), report.ValidationCorrect);
            Assert.Equal(validation.Count, report.ValidationTotal);
            Assert.Equal(Evaluation.CountCorrect(network, test), report.Correct);
            Assert.Equal($"Epoch {report.Epoch} : {report.Correct} / 300", report.ToString());
            Assert.Matches($@"^Epoch {report.Epoch} : η 0\.5; training cost [0-9.]+, accuracy \d+ / 1000; validation cost [0-9.]+, accuracy \d+ / 500; test \d+ / 300; \d+ ms$", report.Describe());
        });
        var history = Sgd.Train(network, training, new SgdOptions
        {
            Epochs = 3, Eta = 0.5, Seed = 4, Regularization = Regularization.L2(lambda),
            MonitorTrainingCost = true, MonitorTrainingAccuracy = true, MonitorValidationCost = true,
        }, test, check, validation: validation);
        Assert.Equal(3, check.Count);
        Assert.True(history[2].TrainingCost < history[0].TrainingCost);
    }

    [Fact]
    public void Monitoring_IsOffUnlessAsked_AndValidationNeedsData()
    {
        var network = new Net784x16x16x10(1);
        var report = Sgd.Train(network, TestData.Train.Slice(0, 100), new SgdOptions { Epochs = 1 }).Single();
        Assert.Null(report.TrainingCost);
        Assert.Null(report.TrainingCorrect);
        Assert.Null(report.ValidationCost);
        Assert.Null(report.ValidationCorrect);
        Assert.Matches(@"^Epoch 0 : η 3; \d+ ms$", report.Describe());
        Assert.Throws<ArgumentException>(() => Sgd.Train(network, TestData.Train.Slice(0, 100), new SgdOptions { EarlyStoppingPatience = 2 }));
        Assert.Throws<ArgumentException>(() => Sgd.Train(network, TestData.Train.Slice(0, 100), new SgdOptions { Schedule = LearningRateSchedule.HalveOnPlateau() }));
        Assert.Throws<ArgumentException>(() => Sgd.Train(network, TestData.Train.Slice(0, 100), new SgdOptions { EarlyStoppingPatience = 2, MonitorValidationAccuracy = false }, validation: TestData.Test.Slice(0, 10)));
    }
}
