namespace MlpGen;

/// <summary>
/// The activation function of a layer of a generated network (<see cref="INetwork{T}.Activations"/>).
/// Hidden layers use sigmoid (the default), tanh, ReLU or leaky ReLU; the output layer sigmoid (the
/// default), softmax or identity.
/// </summary>
public enum ActivationFunction
{
    /// <summary>σ(z) = 1 / (1 + e^−z); σ'(z) = σ(z)(1 − σ(z)).</summary>
    Sigmoid,

    /// <summary>tanh z; its derivative is 1 − tanh² z.</summary>
    Tanh,

    /// <summary>max(0, z); its derivative is 1 for z &gt; 0, else 0.</summary>
    ReLU,

    /// <summary>z for z &gt; 0, else 0.01·z; its derivative is 1 for z &gt; 0, else 0.01.</summary>
    LeakyReLU,

    /// <summary>softmax(z)_j = e^(z_j) / Σ_k e^(z_k), on the output layer.</summary>
    Softmax,

    /// <summary>z itself (a linear output: logits, or regression).</summary>
    Identity,
}

/// <summary>The cost a generated network is trained on (<see cref="INetwork{T}.CostFunction"/>).</summary>
public enum CostFunction
{
    /// <summary>C = ½‖a − y‖², as network.py.</summary>
    Quadratic,

    /// <summary>C = −Σ [y ln a + (1 − y) ln(1 − a)], as network2.py, on sigmoid outputs.</summary>
    CrossEntropy,

    /// <summary>C = −Σ y ln a, on softmax outputs (the log-likelihood of the correct class for one-hot targets).</summary>
    LogLikelihood,
}
