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

/// <summary>Training on real digits learns, reports each epoch, and is bit-for-bit repeatable.</summary>
public class TrainingTests(ITestOutputHelper output)
{
    private sealed class Collect : IProgress<EpochReport>
    {
        public List<EpochReport> Reports { get; } = new();
        public void Report(EpochReport value) => Reports.Add(value);
    }

    /// <summary>Trains one network per seed 1–5 for 5 epochs (mini-batch 10) and returns the median final test accuracy.</summary>
    private double MedianOfFiveSeeds(Func<int, INetwork<float>> create, double eta)
    {
        var accuracies = new List<double>();
        for (int seed = 1; seed <= 5; seed++)
        {
            var options = new SgdOptions { Epochs = 5, MiniBatchSize = 10, Eta = eta, Seed = seed };
            IReadOnlyList<EpochReport> reports = Sgd.Train(create(seed), TestData.Train, options, TestData.Test);
            accuracies.Add(reports[^1].Accuracy!.Value);
            output.WriteLine($"seed {seed}: {string.Join(", ", reports)}");
        }
        double median = accuracies.Order().ElementAt(2);
        output.WriteLine($"median {median:P2} (each: {string.Join(", ", accuracies.Select(a => a.ToString("P2")))})");
        return median;
    }

    [Fact]
    public void Sgd_784x30x10_FiveEpochs_MedianOfFiveSeedsReaches86Percent()
    {
        double median = MedianOfFiveSeeds(seed => new Net784x30x10(seed), eta: 3.0);
        Assert.True(median >= 0.86, $"median test accuracy {median:P2} over seeds 1–5");
    }

    [Fact]
    public void Sgd_CrossEntropy_784x30x10_FiveEpochs_MedianOfFiveSeedsReaches88Percent()
    {
        double median = MedianOfFiveSeeds(seed => new Net784x30x10CE(seed), eta: 0.5);
        Assert.True(median >= 0.88, $"median test accuracy {median:P2} over seeds 1–5");
    }

    [Fact]
    public void Sgd_ReportsEachEpochLikeNetworkPy()
    {
        var progress = new Collect();
        var network = new Net784x16x16x10(1);
        var reports = Sgd.Train(network, TestData.Train.Slice(0, 500), new SgdOptions { Epochs = 3, Seed = 1 }, TestData.Test.Slice(0, 300), progress);
        Assert.Equal(reports, progress.Reports);
        Assert.Equal(new[] { 0, 1, 2 }, reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Matches(@"^Epoch \d : \d+ / 300$", r.ToString()));
        Assert.Equal(reports[^1].Correct, Evaluation.CountCorrect(network, TestData.Test.Slice(0, 300)));

        var silent = Sgd.Train(new Net2x2x1(1), Dataset<float>.FromLabels(new float[] { 0, 1, 1, 0 }, 2, new[] { 0, 0 }, 1), new SgdOptions { Epochs = 1 });
        Assert.Equal("Epoch 0 complete", silent.Single().ToString());
    }

    [Fact]
    public void Sgd_SameSeeds_BitIdenticalParameters()
    {
        static float[] Run()
        {
            var network = new Net784x16x16x10(3);
            Sgd.Train(network, TestData.Train.Slice(0, 2000), new SgdOptions { Epochs = 2, Seed = 4 });
            return network.Parameters.ToArray();
        }
        float[] first = Run(), second = Run();
        Assert.True(first.AsSpan().SequenceEqual(second), "two runs with the same seeds differ");

        var other = new Net784x16x16x10(3);
        Sgd.Train(other, TestData.Train.Slice(0, 2000), new SgdOptions { Epochs = 2, Seed = 5 });
        Assert.False(first.AsSpan().SequenceEqual(other.Parameters), "another shuffle seed gave the same parameters");
    }

    [Fact]
    public void GradientDescent_FullBatch_LowersTheCostAndLearns()
    {
        Dataset<float> train = TestData.Train.Slice(0, 1000);
        var network = new Net784x30x10(2);
        var gradient = new float[network.Parameters.Length];
        float before = network.Backpropagate(train.Inputs, train.Targets, gradient);
        int correctBefore = Evaluation.CountCorrect(network, TestData.Test);

        var reports = GradientDescent.Train(network, train, epochs: 100, eta: 3.0, TestData.Test);
        Array.Clear(gradient);
        float after = network.Backpropagate(train.Inputs, train.Targets, gradient);
        output.WriteLine($"cost {before} → {after}; correct {correctBefore} → {reports[^1]}");
        Assert.True(after < before / 4, $"cost {before} → {after}");
        Assert.True(reports[^1].Correct > correctBefore + TestData.Test.Count / 5, $"{correctBefore} → {reports[^1]}");
    }

    [Fact]
    public void GradientDescent_EachEpochIsOneFullBatchStep_AsTheReference()
    {
        Dataset<double> train = TestData.TrainDouble.Slice(0, 200);
        var network = new Net784x30x10D(6);
        var reference = new ReferenceNetwork(Net784x30x10D.LayerSizes.ToArray(), network.Parameters);
        GradientDescent.Train(network, train, epochs: 3, eta: 2.0);
        for (int epoch = 0; epoch < 3; epoch++) reference.UpdateMiniBatch(train.Inputs, train.Targets, 2.0);
        for (int i = 0; i < reference.Parameters.Length; i++)
        {
            Assert.True(Math.Abs(reference.Parameters[i] - network.Parameters[i]) < 1e-10, $"parameter {i}: {reference.Parameters[i]} vs {network.Parameters[i]}");
        }
    }

    [Fact]
    public void GradientDescent_OneEpoch_IsTrainMiniBatchOnTheWholeSet_BitForBit()
    {
        // Both take the fused step p = fma(g, −η/n, p): the runtime's ParameterUpdate and the generated Descend.
        Dataset<float> train = TestData.Train.Slice(0, 300);
        var byHand = new Net784x30x10(4);
        byHand.TrainMiniBatch(train.Inputs, train.Targets, 3.0f);
        var network = new Net784x30x10(4);
        GradientDescent.Train(network, train, epochs: 1, eta: 3.0);
        Assert.True(byHand.Parameters.SequenceEqual(network.Parameters), "a full-batch step differs from TrainMiniBatch on the same samples");
    }

    [Theory]
    [InlineData(0.0, "found 0.")]
    [InlineData(-1.0, "found -1.")]
    [InlineData(double.NaN, "found NaN.")]
    [InlineData(double.PositiveInfinity, "found Infinity.")]
    [InlineData(1e39, "found 1E+39 (which is Infinity as Single).")]   // finite as a double, not as the network's float
    public void Training_RejectsALearningRateThatIsNotPositiveAndFinite_WithOneMessage(double eta, string found)
    {
        var network = new Net2x2x1(1);
        var xor = Dataset<float>.FromLabels(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 2, new[] { 0, 0, 0, 0 }, 1);
        var sgd = Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(network, xor, new SgdOptions { Eta = eta }));
        var fullBatch = Assert.Throws<ArgumentOutOfRangeException>(() => GradientDescent.Train(network, xor, 1, eta));
        Assert.Equal("Eta", sgd.ParamName);
        Assert.Equal("eta", fullBatch.ParamName);
        foreach (var e in new[] { sgd, fullBatch }) Assert.StartsWith("The learning rate η must be a positive finite number, " + found, e.Message);
        Assert.False(LearningRate.IsValid<float>(eta));
        Assert.Equal(eta == 1e39, LearningRate.IsValid<double>(eta));
    }

    [Fact]
    public void Training_RejectsDataOfAnotherShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Sgd.Train(new Net2x2x1(1), TestData.Train, new SgdOptions()));
        Assert.Contains("784 inputs and 10 outputs", e.Message);
        Assert.Contains("2-2-1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgd.Train(new Net784x30x10(1), TestData.Train, new SgdOptions { MiniBatchSize = 0 }));
    }
}
