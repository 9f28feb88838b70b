using System;
using System.Numerics;

namespace MlpGen.Training;

/// <summary>
/// A penalty on the weights (never the biases), as network2.py: n is the size of the training set, so plain SGD with
/// L2 takes w ← (1 − ηλ/n)·w − (η/m)·∇w. <see cref="None"/>, <see cref="L2"/> or <see cref="L1"/>; the step itself is
/// taken by the optimiser (<see cref="Optimizer"/>), which adds the penalty's gradient to the mean gradient.
/// </summary>
public abstract record Regularization
{
    private protected Regularization() { }

    /// <summary>No penalty (the default).</summary>
    public static Regularization None { get; } = new NoRegularization();

    /// <summary>L2 with parameter λ: the cost gains (λ/2n)·Σw², the gradient (λ/n)·w (weight decay).</summary>
    public static Regularization L2(double lambda) => new L2Regularization(lambda);

    /// <summary>L1 with parameter λ: the cost gains (λ/n)·Σ|w|, the gradient (λ/n)·sign(w).</summary>
    public static Regularization L1(double lambda) => new L1Regularization(lambda);

    internal abstract void Validate();

    /// <summary>The penalty's term of the cost for weights with Σw² = <paramref name="sumOfSquares"/> and Σ|w| = <paramref name="sumOfMagnitudes"/>, over a training set of <paramref name="n"/>.</summary>
    private protected abstract double Cost(double sumOfSquares, double sumOfMagnitudes, int n);

    /// <summary>The penalty's term of the cost for the weights (not the biases) of <paramref name="parameters"/>, laid out as <paramref name="layout"/> says, over a training set of <paramref name="n"/>.</summary>
    internal double Cost<T>(ReadOnlySpan<T> parameters, ParameterLayout layout, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (this == None) return 0;   // no term: no pass over the weights
        double squares = 0, magnitudes = 0;
        foreach (ParameterSegment segment in layout.Segments())
        {
            if (!segment.IsWeights) continue;
            foreach (T w in parameters.Slice((int)segment.Offset, (int)segment.Length))
            {
                double x = double.CreateChecked(w);
                squares += x * x;
                magnitudes += Math.Abs(x);
            }
        }
        return Cost(squares, magnitudes, n);
    }

    /// <summary>No penalty; <see cref="None"/>.</summary>
    public sealed record NoRegularization : Regularization
    {
        internal override void Validate() { }

        private protected override double Cost(double sumOfSquares, double sumOfMagnitudes, int n) => 0;

        /// <inheritdoc/>
        public override string ToString() => "no regularisation";
    }

    /// <summary>L2 with parameter <paramref name="Lambda"/> (λ ≥ 0); <see cref="L2"/>.</summary>
    public sealed record L2Regularization(double Lambda) : Regularization
    {
        internal override void Validate() => CheckLambda(Lambda);

        private protected override double Cost(double sumOfSquares, double sumOfMagnitudes, int n) => 0.5 * (Lambda / n) * sumOfSquares;

        /// <inheritdoc/>
        public override string ToString() => $"L2 (λ = {Lambda})";
    }

    /// <summary>L1 with parameter <paramref name="Lambda"/> (λ ≥ 0); <see cref="L1"/>.</summary>
    public sealed record L1Regularization(double Lambda) : Regularization
    {
        internal override void Validate() => CheckLambda(Lambda);

        private protected override double Cost(double sumOfSquares, double sumOfMagnitudes, int n) => Lambda / n * sumOfMagnitudes;

        /// <inheritdoc/>
        public override string ToString() => $"L1 (λ = {Lambda})";
    }

    private static void CheckLambda(double lambda)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentOutOfRangeException("Lambda", lambda, "λ must be finite and not negative.");
    }
}
