using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics;
using System.Threading;
using MlpGen.Data;

namespace MlpGen.Training;

/// <summary>
/// Full-batch gradient descent: each epoch computes the gradient of the cost summed over all n
/// training samples and takes one step w ← w − (η/n)·∇w, fused as every step of the library is
/// (w ← fma(∇w, −η/n, w), <see cref="ParameterUpdate"/>).
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
        LearningRate.Check<T>(eta, nameof(eta));
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        training.CheckFits(network, nameof(training));
        test?.CheckFits(network, nameof(test));
        if (training.Count == 0) throw new ArgumentException("The training data is empty.", nameof(training));

        var gradient = new T[network.ParameterCount];   // zero: each step leaves it zero (OptimizerStep consumes it)
        T[][] gradients = [gradient];
        // The runtime's one step (plain SGD: p ← fma(g, −η/n, p), ParameterUpdate), as Sgd takes it.
        var step = new OptimizerStep<T>(network.LayerSizes, Optimizer.Sgd, Regularization.None, training.Count);
        OptimizerStep<T>.State state = step.CreateState();
        var reports = new List<EpochReport>(epochs);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            network.Backpropagate(training.Inputs, training.Targets, gradient);
            step.Apply(network.Parameters, gradients, state, eta, training.Count);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            EpochReport.Publish(EpochReport.Of(epoch, elapsed, eta, test is null ? null : Evaluation.Evaluate(network, test)), reports, progress);
        }
        return reports;
    }
}
