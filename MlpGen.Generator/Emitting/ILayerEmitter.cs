using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Emits the kernels of one weight layer l, as its <see cref="LayerPlan"/> says (n_in = <c>layer.In</c>,
/// n_out = <c>layer.Out</c>):
/// <list type="bullet">
/// <item><c>Layer{l}(p, input, z)</c>: z = W·input + b for one sample, and <c>Layer{l}Group(p, inputs, z)</c> for
/// <see cref="NetworkPlan.Group"/> samples, bit for bit the same per sample;</item>
/// <item><c>Layer{l}Transposed(p, delta, result)</c>: result = Wᵀ·delta for one sample (only for l ≥ 2);</item>
/// <item><c>Layer{l}Gradient(a, delta, count, g)</c>: ∇W += Σ_s delta_s·a_sᵀ, ∇b += Σ_s delta_s over count samples.</item>
/// </list>
/// </summary>
internal interface ILayerEmitter
{
    void EmitForward(CodeWriter w, NetworkPlan plan, LayerPlan layer);

    void EmitTransposed(CodeWriter w, NetworkPlan plan, LayerPlan layer);

    void EmitGradient(CodeWriter w, NetworkPlan plan, LayerPlan layer);
}
