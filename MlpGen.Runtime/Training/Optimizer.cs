using System;

namespace MlpGen.Training;

/// <summary>
/// How <see cref="Sgd"/> turns the mean gradient ĝ of a mini-batch into a step (ĝ = Σg/m plus the
/// regularisation term, <see cref="Regularization"/>). The state (velocity, moments, step count) is the
/// runtime's; it lives for one <see cref="Sgd.Train"/> call.
/// </summary>
public abstract record Optimizer
{
    private protected Optimizer() { }

    /// <summary>Plain SGD: p ← p − η·ĝ (network.py; network2.py with L2).</summary>
    public static Optimizer Sgd { get; } = new SgdOptimizer();

    /// <summary>Momentum (Nielsen, chapter 3): v ← μ·v − η·ĝ; p ← p + v.</summary>
    public static Optimizer Momentum(double mu = 0.9) => new MomentumOptimizer(mu);

    /// <summary>Nesterov momentum: v ← μ·v − η·ĝ; p ← p + μ·v − η·ĝ.</summary>
    public static Optimizer Nesterov(double mu = 0.9) => new NesterovOptimizer(mu);

    /// <summary>
    /// Adam as PyTorch: t ← t + 1; m ← β1·m + (1 − β1)·ĝ; v ← β2·v + (1 − β2)·ĝ²;
    /// p ← p − η·(m/(1 − β1^t)) / (√(v/(1 − β2^t)) + ε).
    /// </summary>
    public static Optimizer Adam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) => new AdamOptimizer(beta1, beta2, epsilon);

    internal abstract void Validate();

    /// <summary>Plain SGD; <see cref="Sgd"/>.</summary>
    public sealed record SgdOptimizer : Optimizer
    {
        internal override void Validate() { }

        /// <inheritdoc/>
        public override string ToString() => "SGD";
    }

    /// <summary>Momentum with coefficient <paramref name="Mu"/> (0 ≤ μ &lt; 1); <see cref="Momentum"/>.</summary>
    public sealed record MomentumOptimizer(double Mu) : Optimizer
    {
        internal override void Validate() => CheckCoefficient(Mu, nameof(Mu));

        /// <inheritdoc/>
        public override string ToString() => $"momentum (μ = {Mu})";
    }

    /// <summary>Nesterov momentum with coefficient <paramref name="Mu"/> (0 ≤ μ &lt; 1); <see cref="Nesterov"/>.</summary>
    public sealed record NesterovOptimizer(double Mu) : Optimizer
    {
        internal override void Validate() => CheckCoefficient(Mu, nameof(Mu));

        /// <inheritdoc/>
        public override string ToString() => $"Nesterov (μ = {Mu})";
    }

    /// <summary>Adam; <see cref="Adam"/>.</summary>
    public sealed record AdamOptimizer(double Beta1, double Beta2, double Epsilon) : Optimizer
    {
        internal override void Validate()
        {
            CheckCoefficient(Beta1, nameof(Beta1));
            CheckCoefficient(Beta2, nameof(Beta2));
            if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "ε must be positive and finite.");
        }

        /// <inheritdoc/>
        public override string ToString() => $"Adam (β1 = {Beta1}, β2 = {Beta2}, ε = {Epsilon})";
    }

    private static void CheckCoefficient(double value, string name)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1).");
    }
}
