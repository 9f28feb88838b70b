using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics;
using System.Threading;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>
/// Full-batch gradient descent: each epoch computes the gradient of the cost summed over all n
/// training samples and takes one step w ← w − (η/n)·∇w.
/// </summary>
public static class GradientDescent
{
    /// <summary>Trains for <paramref name="epochs"/> steps; each report is also sent to <paramref name="progress"/>.</summary>
    public static IReadOnlyList<EpochReport> Train<T>(
        INetwork<T> network,
        Dataset<T> training,
        int epochs,
        double eta,
        Dataset<T>? test = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        if (!(eta > 0) || double.IsInfinity(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "The learning rate must be a positive number.");
        Sgd.CheckShapes(network, training, test);
        if (training.Count == 0) throw new ArgumentException("The training data is empty.", nameof(training));

        var gradient = new T[network.ParameterCount];
        T rate = T.CreateChecked(eta) / T.CreateChecked(training.Count);
        var reports = new List<EpochReport>(epochs);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            Array.Clear(gradient);
            network.Backpropagate(training.Inputs, training.Targets, gradient);
            Span<T> parameters = network.Parameters;
            for (int i = 0; i < parameters.Length; i++) parameters[i] -= rate * gradient[i];
            EpochReport.Publish(epoch, Stopwatch.GetElapsedTime(start), network, test, reports, progress);
        }
        return reports;
    }
}
