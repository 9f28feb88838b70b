using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Emits the three kernels of one weight layer l (n_in = size of layer l−1, n_out = size of layer l):
/// <list type="bullet">
/// <item><c>Layer{l}(p, input, z)</c>: z = W·input + b for one sample, and <c>Layer{l}Group(p, inputs, z)</c> for
/// <see cref="NetworkEmitter.Group"/> samples, bit for bit the same per sample;</item>
/// <item><c>Layer{l}Transposed(p, delta, result)</c>: result = Wᵀ·delta for one sample (only for l ≥ 2);</item>
/// <item><c>Layer{l}Gradient(a, delta, count, g)</c>: ∇W += Σ_s delta_s·a_sᵀ, ∇b += Σ_s delta_s over count samples.</item>
/// </list>
/// </summary>
internal interface ILayerEmitter
{
    void EmitForward(CodeWriter w, NetworkModel m, int layer);

    void EmitTransposed(CodeWriter w, NetworkModel m, int layer);

    void EmitGradient(CodeWriter w, NetworkModel m, int layer);
}
