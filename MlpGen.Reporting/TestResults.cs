using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using MlpGen.Data;
using MlpGen.Training;

namespace MlpGen.Reporting;

/// <summary>What the network answered for one test sample.</summary>
/// <param name="Index">The sample's index in the test set.</param>
/// <param name="Label">The true class.</param>
/// <param name="Predicted">The class of the largest output activation (<see cref="Evaluation.ArgMax"/>, as <see cref="INetwork{T}.Classify"/>).</param>
/// <param name="Confidence">That largest output as a probability: the softmax output itself, e to the log-softmax output (which is ln p), a sigmoid neuron's activation in [0, 1] otherwise.</param>
public readonly record struct TestPrediction(int Index, int Label, int Predicted, double Confidence)
{
    /// <summary>Whether the prediction is the true class.</summary>
    public bool IsCorrect => Label == Predicted;
}

/// <summary>
/// The network's answer for every sample of a test set, and what follows from them: the confusion matrix
/// (rows the true class, columns the predicted one) and the misclassified samples, in test-set order.
/// </summary>
public sealed class TestResults
{
    private readonly TestPrediction[] _predictions;
    private readonly int[,] _confusion;

    private TestResults(TestPrediction[] predictions, int classes)
    {
        _predictions = predictions;
        _confusion = new int[classes, classes];
        var misclassified = new List<TestPrediction>();
        foreach (TestPrediction p in predictions)
        {
            _confusion[p.Label, p.Predicted]++;
            if (p.IsCorrect) Correct++;
            else misclassified.Add(p);
        }
        Misclassified = misclassified;
    }

    /// <summary>Feeds every test sample forward through <paramref name="network"/> once (<see cref="Evaluation.Evaluate"/>) and keeps each answer.</summary>
    /// <exception cref="ArgumentException">The test data does not fit the network, or a label is not one of its classes.</exception>
    public static TestResults Evaluate<T>(INetwork<T> network, Dataset<T> test) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(test);
        int classes = network.OutputSize;
        bool logProbabilities = network.Activations[^1] == ActivationFunction.LogSoftmax;
        var predictions = new TestPrediction[test.Count];
        Evaluation.Evaluate(network, test, (sample, predicted, outputs) =>
        {
            int label = test.Label(sample);
            if ((uint)label >= (uint)classes) throw new ArgumentException($"Test sample {sample} has the label {label}; the network has {classes} outputs.", nameof(test));
            double largest = double.CreateChecked(outputs[predicted]);
            predictions[sample] = new TestPrediction(sample, label, predicted, logProbabilities ? Math.Exp(largest) : largest);
        });
        return new TestResults(predictions, classes);
    }

    /// <summary>One prediction per test sample, in test-set order.</summary>
    public IReadOnlyList<TestPrediction> Predictions => _predictions;

    /// <summary>The number of classes (the network's outputs).</summary>
    public int Classes => _confusion.GetLength(0);

    /// <summary>Test samples.</summary>
    public int Count => _predictions.Length;

    /// <summary>Test samples classified correctly: the confusion matrix's diagonal.</summary>
    public int Correct { get; }

    /// <summary>The fraction classified correctly.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>The samples classified wrongly, in test-set order.</summary>
    public IReadOnlyList<TestPrediction> Misclassified { get; }

    /// <summary>The samples the gallery shows: the first <paramref name="limit"/> misclassified ones, in test-set order.</summary>
    public IReadOnlyList<TestPrediction> Gallery(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Misclassified.Take(limit).ToList();
    }

    /// <summary>How many samples of true class <paramref name="label"/> were predicted as <paramref name="predicted"/>.</summary>
    public int Confusion(int label, int predicted) => _confusion[label, predicted];
}
