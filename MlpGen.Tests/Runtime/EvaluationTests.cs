using System;
using System.Linq;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using MlpGen.Tests.Numerics;
using MlpGen.Training;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// The one evaluation (Evaluation.Evaluate): accuracy and cost from one batched forward pass, the predicted class
/// of the generated Classify; and Sgd feeds each data set it watches forward once per epoch.
/// </summary>
public class EvaluationTests
{
    /// <summary>A network that counts the samples it feeds forward outside backpropagation (Predict, PredictBatch, Classify).</summary>
    private sealed class CountingNetwork(INetwork<float> inner) : INetwork<float>
    {
        public long SamplesForward { get; private set; }

        public ReadOnlySpan<int> LayerSizes => inner.LayerSizes;
        public int InputSize => inner.InputSize;
        public int OutputSize => inner.OutputSize;
        public int ParameterCount => inner.ParameterCount;
        public ReadOnlySpan<ActivationFunction> Activations => inner.Activations;
        public CostFunction CostFunction => inner.CostFunction;
        public Span<float> Parameters => inner.Parameters;

        public void Predict(ReadOnlySpan<float> input, Span<float> output)
        {
            SamplesForward++;
            inner.Predict(input, output);
        }

        public void PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            SamplesForward += inputs.Length / InputSize;
            inner.PredictBatch(inputs, outputs);
        }

        public int Classify(ReadOnlySpan<float> input)
        {
            SamplesForward++;
            return inner.Classify(input);
        }

        public float Cost(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets) => inner.Cost(outputs, targets);
        public float Backpropagate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient) => inner.Backpropagate(inputs, targets, gradient);
        public INetwork<float> Replicate() => throw new NotSupportedException("Training on one thread replicates nothing.");
        public void TrainMiniBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float eta) => inner.TrainMiniBatch(inputs, targets, eta);
    }

    [Fact]
    public void WithTheTestCostMonitored_TheTestSetGoesForwardOncePerEpoch()
    {
        var network = new CountingNetwork(new Net784x30x10(seed: 1));
        Dataset<float> training = TestData.Train.Slice(0, 200), test = TestData.Test.Slice(0, 300);
        var history = Sgd.Train(network, training, new SgdOptions { Epochs = 3, Seed = 1, MonitorTestCost = true }, test);
        Assert.All(history, r => Assert.NotNull(r.TestCost));
        Assert.All(history, r => Assert.NotNull(r.Correct));
        Assert.Equal(3 * test.Count, network.SamplesForward);
    }

    [Fact]
    public void EveryWatchedSet_GoesForwardOncePerEpoch_WhateverIsReadFromIt()
    {
        var network = new CountingNetwork(new Net784x30x10(seed: 1));
        (Dataset<float> training, Dataset<float> validation) = TestData.Train.Slice(0, 300).Split(100);
        Dataset<float> test = TestData.Test.Slice(0, 150);
        var options = new SgdOptions
        {
            Epochs = 2, Seed = 1, MonitorTestCost = true,
            MonitorTrainingCost = true, MonitorTrainingAccuracy = true, MonitorValidationCost = true,
        };
        var history = Sgd.Train(network, training, options, test, validation: validation);
        Assert.All(history, r => Assert.True(r.TrainingCost is not null && r.TrainingCorrect is not null && r.ValidationCost is not null && r.ValidationCorrect is not null));
        Assert.Equal(2 * (training.Count + validation.Count + test.Count), network.SamplesForward);
    }

    [Fact]
    public void Evaluate_CountsWhatClassifySays_AndTheMeanCostOfPredictBatch()
    {
        var network = new Net784x30x10(seed: 3);
        Dataset<float> test = TestData.Test.Slice(0, 1234);   // two chunks of 500 and a rest
        var predicted = new int[test.Count];
        EvaluationResult result = Evaluation.Evaluate(network, test, (sample, answer, outputs) =>
        {
            Assert.Equal(Net784x30x10.OutputSize, outputs.Length);
            predicted[sample] = answer;
        });

        int[] classified = Enumerable.Range(0, test.Count).Select(i => network.Classify(test.Input(i))).ToArray();
        Assert.Equal(classified, predicted);
        Assert.Equal(classified.Where((c, i) => c == test.Label(i)).Count(), result.Correct);
        Assert.Equal(test.Count, result.Count);
        Assert.Equal(Evaluation.CountCorrect(network, test), result.Correct);

        var outputs = new float[test.Count * Net784x30x10.OutputSize];
        network.PredictBatch(test.Inputs, outputs);
        Assert.Equal(network.Cost(outputs, test.Targets) / test.Count, result.Cost, 1e-4);   // one float sum against sums per chunk
    }

    [Theory]
    [InlineData(new[] { 0.1f, 0.7f, 0.7f, 0.2f }, 1)]     // the first of equal maxima, as Classify
    [InlineData(new[] { 0.9f, float.NaN, 0.1f }, 0)]      // NaN is never larger
    [InlineData(new[] { -3f }, 0)]
    public void ArgMax_IsTheFirstLargest(float[] outputs, int expected) => Assert.Equal(expected, Evaluation.ArgMax<float>(outputs));

    [Fact]
    public void Evaluate_RefusesDataOfAnotherShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Evaluation.Evaluate(new Net2x2x1(1), TestData.Test));
        Assert.Contains("784 inputs and 10 outputs", e.Message);
    }
}
