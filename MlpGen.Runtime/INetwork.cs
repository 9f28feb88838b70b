using System;
using System.Numerics;

namespace MlpGen;

/// <summary>
/// A network written by MlpGen's generator. A class marked <c>[Network]</c> implements this interface
/// when its project references MlpGen.Runtime, so that the runtime's trainers, evaluation and weight
/// files work with any topology. Sizes are compile-time constants of the generated class; this
/// interface exposes them to code that does not know the topology.
/// </summary>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface INetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The layer sizes, input first.</summary>
    ReadOnlySpan<int> LayerSizes { get; }

    /// <summary>Width of the input layer.</summary>
    int InputSize { get; }

    /// <summary>Width of the output layer.</summary>
    int OutputSize { get; }

    /// <summary>Number of weights and biases.</summary>
    int ParameterCount { get; }

    /// <summary>The activation function of each layer 1..L after the input, the output layer's last.</summary>
    ReadOnlySpan<ActivationFunction> Activations { get; }

    /// <summary>The cost the network is trained on.</summary>
    CostFunction CostFunction { get; }

    /// <summary>All weights and biases: for each layer l, W_l (row-major [out, in]) then b_l.</summary>
    Span<T> Parameters { get; }

    /// <summary>Feedforward: writes the output activations for one input.</summary>
    void Predict(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Feedforward of many samples (inputs one after another); faster per sample than <see cref="Predict"/>.</summary>
    void PredictBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>The index of the largest output activation.</summary>
    int Classify(ReadOnlySpan<T> input);

    /// <summary>The cost summed over samples: output activations (as <see cref="PredictBatch"/> writes them) against desired outputs, one sample after another.</summary>
    T Cost(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets);

    /// <summary>
    /// Adds the cost gradient summed over the samples to <paramref name="gradient"/>; returns the summed cost. Only reads
    /// the network: data-parallel training (<see cref="Training.SgdOptions.DegreeOfParallelism"/>) calls it from several
    /// threads at once, each with a gradient of its own.
    /// </summary>
    T Backpropagate(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient);

    /// <summary>A new network of the same class holding a copy of these parameters (and scratch of its own), e.g. for another thread.</summary>
    INetwork<T> Replicate();

    /// <summary>One gradient-descent step on a mini-batch: w ← w − (η/m)·∇w.</summary>
    void TrainMiniBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T eta);
}
