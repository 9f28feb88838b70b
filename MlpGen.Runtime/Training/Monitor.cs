using System;
using System.Numerics;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>
/// Cost and accuracy of a network on a data set, from <see cref="INetwork{T}.PredictBatch"/> in chunks into one
/// buffer allocated up front: the total cost is network2.py's total_cost, the mean of the per-sample cost
/// (<see cref="INetwork{T}.Cost"/>, summed per chunk and then in double) plus the regularisation term over the
/// weights with n the training set's size; the accuracy counts argmax hits as <see cref="INetwork{T}.Classify"/>.
/// </summary>
internal sealed class Monitor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Chunk = 500;
    private readonly INetwork<T> _network;
    private readonly Regularization _regularization;
    private readonly int _trainingCount;
    private readonly T[] _outputs;

    public Monitor(INetwork<T> network, Regularization regularization, int trainingCount)
    {
        (_network, _regularization, _trainingCount) = (network, regularization, trainingCount);
        _outputs = new T[Chunk * network.OutputSize];
    }

    /// <summary>The total cost (when <paramref name="cost"/>) and the number classified correctly (when <paramref name="accuracy"/>).</summary>
    public (double? Cost, int? Correct) Measure(Dataset<T> data, bool cost, bool accuracy)
    {
        if (!cost && !accuracy) return (null, null);
        int outputSize = data.OutputSize, inputSize = data.InputSize, correct = 0;
        double total = 0;
        for (int first = 0; first < data.Count; first += Chunk)
        {
            int count = Math.Min(Chunk, data.Count - first);
            Span<T> outputs = _outputs.AsSpan(0, count * outputSize);
            _network.PredictBatch(data.Inputs.Slice(first * inputSize, count * inputSize), outputs);
            if (cost) total += double.CreateChecked(_network.Cost(outputs, data.Targets.Slice(first * outputSize, count * outputSize)));
            if (accuracy)
            {
                for (int s = 0; s < count; s++)
                {
                    if (ArgMax(outputs.Slice(s * outputSize, outputSize)) == data.Label(first + s)) correct++;
                }
            }
        }
        double? meanCost = cost ? total / data.Count + RegularizationCost() : null;
        return (meanCost, accuracy ? correct : null);
    }

    /// <summary>The regulariser's term: 0.5·(λ/n)·Σw² for L2, (λ/n)·Σ|w| for L1, over the weights (not the biases).</summary>
    public double RegularizationCost()
    {
        if (_regularization.Kind == RegularizationKind.None) return 0;
        ReadOnlySpan<int> sizes = _network.LayerSizes;
        ReadOnlySpan<T> p = _network.Parameters;
        double squares = 0, magnitudes = 0;
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int weights = sizes[l] * sizes[l - 1];
            foreach (T w in p.Slice(offset, weights))
            {
                double x = double.CreateChecked(w);
                squares += x * x;
                magnitudes += Math.Abs(x);
            }
            offset += weights + sizes[l];
        }
        return _regularization.Cost(squares, magnitudes, _trainingCount);
    }

    private static int ArgMax(ReadOnlySpan<T> output)
    {
        int best = 0;
        for (int i = 1; i < output.Length; i++) if (output[i] > output[best]) best = i;
        return best;
    }
}
