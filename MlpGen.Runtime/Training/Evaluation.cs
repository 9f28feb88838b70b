using System;
using System.Buffers;
using System.Numerics;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>What a network scores on a data set, from one forward pass over it (<see cref="Evaluation.Evaluate"/>).</summary>
/// <param name="Correct">Samples whose predicted class (<see cref="Evaluation.ArgMax"/> of the outputs) is their label.</param>
/// <param name="Count">Samples.</param>
/// <param name="Cost">
/// The mean cost per sample, (1/n)·Σ_x C_x, of the network's own <see cref="INetwork{T}.CostFunction"/>: network2.py's
/// total_cost without the regularisation term (which depends on the weights, not on the data; <see cref="Sgd"/> adds it).
/// </param>
public readonly record struct EvaluationResult(int Correct, int Count, double Cost)
{
    /// <summary>The fraction of samples classified correctly (0 for no samples).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}

/// <summary>Called by <see cref="Evaluation.Evaluate"/> for each sample, in data-set order: its index, predicted class and output activations.</summary>
public delegate void SampleOutputs<T>(int sample, int predicted, ReadOnlySpan<T> outputs) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>
/// How well a network does on a data set: accuracy and cost in one batched forward pass. <see cref="Sgd"/> measures
/// every monitored set with it, and MlpGen.Reporting's test results and the samples build on it.
/// </summary>
public static class Evaluation
{
    /// <summary>Samples fed forward at once: the outputs of one chunk fit in the cache, and the cost is summed per chunk.</summary>
    private const int Chunk = 500;

    /// <summary>
    /// The predicted class of one sample's output activations: the index of the largest, the first of equal maxima (as
    /// the generated <see cref="INetwork{T}.Classify"/>; a NaN is never larger).
    /// </summary>
    public static int ArgMax<T>(ReadOnlySpan<T> outputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int i = 1; i < outputs.Length; i++)
        {
            if (outputs[i] > outputs[best]) best = i;
        }
        return best;
    }

    /// <summary>
    /// Feeds <paramref name="data"/> forward through <paramref name="network"/> once (<see cref="INetwork{T}.PredictBatch"/>,
    /// in chunks of 500 samples) and counts the samples classified correctly and their mean cost: the cost of each chunk
    /// (<see cref="INetwork{T}.Cost"/>, summed in <typeparamref name="T"/>) is added up in double, then divided by n.
    /// <paramref name="eachSample"/>, when given, hears every sample's predicted class and outputs.
    /// </summary>
    /// <exception cref="ArgumentException">The data's input or output size is not the network's.</exception>
    public static EvaluationResult Evaluate<T>(INetwork<T> network, Dataset<T> data, SampleOutputs<T>? eachSample = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        data.CheckFits(network, nameof(data));
        int inputSize = data.InputSize, outputSize = data.OutputSize, correct = 0;
        double cost = 0;
        T[] buffer = ArrayPool<T>.Shared.Rent(Math.Min(Chunk, data.Count) * outputSize);
        try
        {
            for (int first = 0; first < data.Count; first += Chunk)
            {
                int count = Math.Min(Chunk, data.Count - first);
                Span<T> outputs = buffer.AsSpan(0, count * outputSize);
                network.PredictBatch(data.Inputs.Slice(first * inputSize, count * inputSize), outputs);
                cost += double.CreateChecked(network.Cost(outputs, data.Targets.Slice(first * outputSize, count * outputSize)));
                for (int s = 0; s < count; s++)
                {
                    ReadOnlySpan<T> output = outputs.Slice(s * outputSize, outputSize);
                    int predicted = ArgMax(output);
                    if (predicted == data.Label(first + s)) correct++;
                    eachSample?.Invoke(first + s, predicted, output);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
        return new EvaluationResult(correct, data.Count, cost / data.Count);
    }

    /// <summary>The number of samples whose largest output is at the index of their label (<see cref="Evaluate"/>'s <see cref="EvaluationResult.Correct"/>).</summary>
    public static int CountCorrect<T>(INetwork<T> network, Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T> =>
        Evaluate(network, data).Correct;
}
