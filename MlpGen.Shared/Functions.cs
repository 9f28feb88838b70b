// Shared source (MlpGen.Shared.projitems): compiled into MlpGen.Runtime and into the netstandard2.0 generator,
// where these types live in MlpGen.Generator.Rules, so that the two assemblies have one definition of each.
#if MLPGEN_GENERATOR
namespace MlpGen.Generator.Rules;
#else
namespace MlpGen;
#endif

/// <summary>
/// The activation function of a layer of a generated network (<c>INetwork&lt;T&gt;.Activations</c>). Which ones a
/// hidden layer and the output layer may use is <see cref="NetworkRules"/>' to say; the values are those the
/// generator uses internally and the runtime exposes, the order of the generated <c>NetworkActivation</c> enum
/// for the hidden ones.
/// </summary>
public enum ActivationFunction
{
    /// <summary>σ(z) = 1 / (1 + e^−z); σ'(z) = σ(z)(1 − σ(z)).</summary>
    Sigmoid = 0,

    /// <summary>tanh z; its derivative is 1 − tanh² z.</summary>
    Tanh = 1,

    /// <summary>max(0, z); its derivative is 1 for z &gt; 0, else 0.</summary>
    ReLU = 2,

    /// <summary>z for z &gt; 0, else 0.01·z (<see cref="NetworkRules.LeakyReLUSlope"/>); its derivative is 1 for z &gt; 0, else 0.01.</summary>
    LeakyReLU = 3,

    /// <summary>softmax(z)_j = e^(z_j) / Σ_k e^(z_k), on the output layer.</summary>
    Softmax = 4,

    /// <summary>z itself (a linear output: logits, or regression).</summary>
    Identity = 5,

    /// <summary>
    /// GELU(z) = z·Φ(z) = ½z(1 + erf(z/√2)), Φ the standard normal distribution function (PyTorch's <c>nn.GELU()</c>, the
    /// exact erf form); its derivative is Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π).
    /// </summary>
    GELU = 6,

    /// <summary>SiLU(z) = z·σ(z) (PyTorch's <c>nn.SiLU()</c>, also called swish); its derivative is σ(z)(1 + z(1 − σ(z))).</summary>
    SiLU = 7,

    /// <summary>
    /// log softmax(z)_j = z_j − log Σ_k e^(z_k), on the output layer: log-probabilities (PyTorch's <c>nn.LogSoftmax(dim=1)</c>),
    /// computed as z_j − max z − log Σ_k e^(z_k − max z).
    /// </summary>
    LogSoftmax = 8,
}

/// <summary>
/// The cost a generated network is trained on (<c>INetwork&lt;T&gt;.CostFunction</c>); the values are those of the
/// generated <c>NetworkCost</c> enum. Which outputs each can train is <see cref="NetworkRules.OutputsFor"/>.
/// </summary>
public enum CostFunction
{
    /// <summary>C = ½‖a − y‖², as network.py.</summary>
    Quadratic = 0,

    /// <summary>C = −Σ [y ln a + (1 − y) ln(1 − a)], as network2.py, on sigmoid outputs.</summary>
    CrossEntropy = 1,

    /// <summary>
    /// C = −Σ y ln p, the log-likelihood of the correct class for one-hot targets, of the probabilities p: on softmax
    /// outputs p = a; on log-softmax outputs, which are ln p already, C = −Σ y a (PyTorch's <c>NLLLoss</c>).
    /// </summary>
    LogLikelihood = 2,
}
