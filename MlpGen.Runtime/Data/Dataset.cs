using System;
using System.Numerics;

namespace MlpGen.Data;

/// <summary>
/// Samples for training and evaluation: inputs of <see cref="InputSize"/> values each, desired outputs
/// (one-hot for classification) of <see cref="OutputSize"/> values each, and the class labels.
/// </summary>
public sealed class Dataset<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _inputs;
    private readonly T[] _targets;
    private readonly int[] _labels;

    /// <summary>Creates a dataset from inputs and desired outputs; <paramref name="labels"/> are the classes, used by evaluation.</summary>
    public Dataset(T[] inputs, int inputSize, T[] targets, int outputSize, int[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        if (inputs.Length % inputSize != 0)
            throw new ArgumentException($"The inputs hold {inputs.Length} values, not a whole number of samples of {inputSize}.", nameof(inputs));
        int count = inputs.Length / inputSize;
        if (targets.Length != count * outputSize)
            throw new ArgumentException($"The targets hold {targets.Length} values; {count} samples of {outputSize} need {count * outputSize}.", nameof(targets));
        if (labels.Length != count)
            throw new ArgumentException($"There are {labels.Length} labels for {count} samples.", nameof(labels));
        (_inputs, _targets, _labels) = (inputs, targets, labels);
        (InputSize, OutputSize, Count) = (inputSize, outputSize, count);
    }

    /// <summary>Creates a classification dataset: each label becomes a one-hot target of <paramref name="classCount"/> values.</summary>
    public static Dataset<T> FromLabels(T[] inputs, int inputSize, int[] labels, int classCount)
    {
        var targets = new T[labels.Length * classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"Label {i} is {labels[i]}, outside 0..{classCount - 1}.", nameof(labels));
            targets[i * classCount + labels[i]] = T.One;
        }
        return new Dataset<T>(inputs, inputSize, targets, classCount, labels);
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Values per input.</summary>
    public int InputSize { get; }

    /// <summary>Values per desired output (the number of classes for one-hot targets).</summary>
    public int OutputSize { get; }

    /// <summary>All inputs, sample after sample.</summary>
    public ReadOnlySpan<T> Inputs => _inputs;

    /// <summary>All desired outputs, sample after sample.</summary>
    public ReadOnlySpan<T> Targets => _targets;

    /// <summary>The class labels.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The input of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<T> Input(int index) => _inputs.AsSpan(index * InputSize, InputSize);

    /// <summary>The desired output of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<T> Target(int index) => _targets.AsSpan(index * OutputSize, OutputSize);

    /// <summary>The class label of sample <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>Throws unless each sample has as many inputs and desired outputs as <paramref name="network"/>; <paramref name="parameterName"/> names the data in the exception.</summary>
    internal void CheckFits(INetwork<T> network, string parameterName)
    {
        if (InputSize == network.InputSize && OutputSize == network.OutputSize) return;
        throw new ArgumentException(
            $"The data has {InputSize} inputs and {OutputSize} outputs per sample; the network {ParameterLayout.Topology(network.LayerSizes.ToArray())} needs {network.InputSize} and {network.OutputSize}.",
            parameterName);
    }

    /// <summary>A copy of <paramref name="count"/> samples from <paramref name="start"/>.</summary>
    public Dataset<T> Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count, nameof(count));
        return new Dataset<T>(
            _inputs.AsSpan(start * InputSize, count * InputSize).ToArray(), InputSize,
            _targets.AsSpan(start * OutputSize, count * OutputSize).ToArray(), OutputSize,
            _labels.AsSpan(start, count).ToArray());
    }

    /// <summary>
    /// Holds out the last <paramref name="validationCount"/> samples, as network.py's loader splits MNIST's 60,000
    /// training images into 50,000 for training and 10,000 for validation: two copies, in the original order.
    /// </summary>
    public (Dataset<T> Training, Dataset<T> Validation) Split(int validationCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validationCount, Count);
        return (Slice(0, Count - validationCount), Slice(Count - validationCount, validationCount));
    }
}
