// Shared source (MlpGen.Shared.projitems): compiled into MlpGen.Runtime and into the netstandard2.0 generator,
// where it lives in MlpGen.Generator.Rules, so that the two assemblies have one definition of it.
#if MLPGEN_GENERATOR
namespace MlpGen.Generator.Rules;
#else
namespace MlpGen.Training;
#endif

/// <summary>How <c>Initialization.Apply</c> draws a network's initial weights and biases.</summary>
public enum Initializer
{
    /// <summary>
    /// Chosen per weight layer by the activation it feeds, the rule the generated constructor <c>new Net(seed)</c>
    /// follows (<see cref="NetworkRules.DefaultInitializer"/>): sigmoid → <see cref="StandardNormal"/>; tanh, softmax
    /// and identity → <see cref="Glorot"/>; ReLU and leaky ReLU → <see cref="He"/>.
    /// </summary>
    Default,

    /// <summary>Weights and biases N(0, 1), as network.py.</summary>
    StandardNormal,

    /// <summary>Weights N(0, 1/n_in), biases N(0, 1), as network2.py's <c>default_weight_initializer</c>.</summary>
    ScaledNormal,

    /// <summary>Glorot (Xavier) normal: weights N(0, 2/(n_in + n_out)), biases 0.</summary>
    Glorot,

    /// <summary>He (Kaiming) normal: weights N(0, 2/n_in), biases 0.</summary>
    He,

    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c>: weights and biases U(−1/√n_in, 1/√n_in). Uniform, so it draws
    /// one <c>Random.NextDouble</c> per parameter, u, and stores (2u − 1)/√n_in, instead of a normal draw.
    /// </summary>
    PyTorchUniform,
}
