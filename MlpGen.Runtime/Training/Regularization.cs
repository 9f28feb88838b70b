using System;

namespace MlpGen.Training;

/// <summary>The kinds of <see cref="Regularization"/>.</summary>
public enum RegularizationKind
{
    /// <summary>No penalty.</summary>
    None,

    /// <summary>(λ/2n)·Σw²: the gradient gains (λ/n)·w (weight decay).</summary>
    L2,

    /// <summary>(λ/n)·Σ|w|: the gradient gains (λ/n)·sign(w).</summary>
    L1,
}

/// <summary>
/// A penalty on the weights (never the biases), as network2.py: n is the size of the training set, so
/// plain SGD with L2 takes w ← (1 − ηλ/n)·w − (η/m)·∇w.
/// </summary>
public sealed record Regularization
{
    private Regularization(RegularizationKind kind, double lambda) => (Kind, Lambda) = (kind, lambda);

    /// <summary>No penalty (the default).</summary>
    public static Regularization None { get; } = new(RegularizationKind.None, 0);

    /// <summary>L2 with parameter λ: the cost gains (λ/2n)·Σw².</summary>
    public static Regularization L2(double lambda) => new(RegularizationKind.L2, lambda);

    /// <summary>L1 with parameter λ: the cost gains (λ/n)·Σ|w|.</summary>
    public static Regularization L1(double lambda) => new(RegularizationKind.L1, lambda);

    /// <summary>Which penalty.</summary>
    public RegularizationKind Kind { get; }

    /// <summary>λ.</summary>
    public double Lambda { get; }

    internal void Validate()
    {
        if (!(Lambda >= 0) || !double.IsFinite(Lambda)) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "λ must be finite and not negative.");
    }

    /// <summary>The penalty's term of the cost for weights <paramref name="sumOfSquares"/> = Σw² and <paramref name="sumOfMagnitudes"/> = Σ|w| over a training set of <paramref name="n"/>.</summary>
    internal double Cost(double sumOfSquares, double sumOfMagnitudes, int n) => Kind switch
    {
        RegularizationKind.L2 => 0.5 * (Lambda / n) * sumOfSquares,
        RegularizationKind.L1 => Lambda / n * sumOfMagnitudes,
        _ => 0,
    };

    /// <inheritdoc/>
    public override string ToString() => Kind == RegularizationKind.None ? "none" : $"{Kind} (λ = {Lambda})";
}
