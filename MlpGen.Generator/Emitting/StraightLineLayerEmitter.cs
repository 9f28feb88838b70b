using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Small layers as straight-line code with constant indices: every multiply-add is written out, so the
/// kernel reads like the equation it computes. Used up to <see cref="MaxMultiplyAdds"/> multiply-adds per
/// layer: written-out span statements cost about 27 IL instructions each (the gradient kernel is the
/// largest), so the biggest straight-line method stays under about 9,000 IL instructions, far below the
/// JIT's 20,000-instruction limit beyond which it gives up optimising (shared/design/codegen-evidence.md).
/// </summary>
internal sealed class StraightLineLayerEmitter : ILayerEmitter
{
    public const int MaxMultiplyAdds = 320;

    /// <summary>Terms per line in the written-out sums.</summary>
    private const int TermsPerLine = 4;

    public static readonly StraightLineLayerEmitter Instance = new();

    public void EmitForward(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        w.Line();
        w.Line($"/// <summary>z{l} = W{l}·a{l - 1} + b{l}, written out: z{l}[j] = b{l}[j] + Σ_k W{l}[j, k]·a{l - 1}[k] ({nOut}×{nIn} = {nOut * nIn} multiply-adds).</summary>");
        w.Open($"private static void Layer{l}(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> a, Span<{t}> z)");
        w.Line($"ReadOnlySpan<{t}> w = p.Slice(W{l}, {nOut * nIn});");
        w.Line($"ReadOnlySpan<{t}> b = p.Slice(B{l}, {nOut});");
        w.Line($"_ = a[{nIn - 1}]; _ = z[{nOut - 1}];   // check the lengths once; the constant indices below then need no checks");
        for (int j = 0; j < nOut; j++)
        {
            WriteSum(w, $"z[{j}] = b[{j}]", Enumerable.Range(0, nIn).Select(k => $"w[{j * nIn + k}] * a[{k}]"), leadingPlus: true);
        }
        w.Close();
    }

    public void EmitTransposed(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        w.Line();
        w.Line($"/// <summary>W{l}ᵀ·δ{l}, written out: result[k] = Σ_j W{l}[j, k]·δ{l}[j] ({nOut * nIn} multiply-adds).</summary>");
        w.Open($"private static void Layer{l}Transposed(ReadOnlySpan<{t}> p, ReadOnlySpan<{t}> delta, Span<{t}> result)");
        w.Line($"ReadOnlySpan<{t}> w = p.Slice(W{l}, {nOut * nIn});");
        w.Line($"_ = delta[{nOut - 1}]; _ = result[{nIn - 1}];   // check the lengths once; the constant indices below then need no checks");
        for (int k = 0; k < nIn; k++)
        {
            WriteSum(w, $"result[{k}] =", Enumerable.Range(0, nOut).Select(j => $"w[{j * nIn + k}] * delta[{j}]"), leadingPlus: false);
        }
        w.Close();
    }

    public void EmitGradient(CodeWriter w, NetworkModel m, int l)
    {
        string t = m.ElementKeyword;
        int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
        w.Line();
        w.Line($"/// <summary>∇W{l} += Σ_s δ{l},s·a{l - 1},sᵀ and ∇b{l} += Σ_s δ{l},s over count samples, written out per sample.</summary>");
        w.Open($"private static void Layer{l}Gradient(ReadOnlySpan<{t}> a, ReadOnlySpan<{t}> delta, int count, Span<{t}> g)");
        w.Line($"Span<{t}> gw = g.Slice(W{l}, {nOut * nIn});");
        w.Line($"Span<{t}> gb = g.Slice(B{l}, {nOut});");
        w.Open("for (int s = 0; s < count; s++)");
        w.Line($"ReadOnlySpan<{t}> x = a.Slice(s * {nIn}, {nIn});");
        w.Line($"ReadOnlySpan<{t}> e = delta.Slice(s * {nOut}, {nOut});");
        for (int j = 0; j < nOut; j++)
        {
            w.Line($"// row {j}: ∇W{l}[{j}, :] += δ[{j}]·a, ∇b{l}[{j}] += δ[{j}]");
            var statements = Enumerable.Range(0, nIn).Select(k => $"gw[{j * nIn + k}] += e[{j}] * x[{k}];").ToList();
            statements.Add($"gb[{j}] += e[{j}];");
            for (int i = 0; i < statements.Count; i += TermsPerLine)
            {
                w.Line(string.Join(" ", statements.Skip(i).Take(TermsPerLine)));
            }
        }
        w.Close();
        w.Close();
    }

    /// <summary>Writes <c>head + t0 + t1 ...;</c>, <see cref="TermsPerLine"/> terms a line.</summary>
    private static void WriteSum(CodeWriter w, string head, IEnumerable<string> terms, bool leadingPlus)
    {
        List<string> list = terms.ToList();
        for (int i = 0; i < list.Count; i += TermsPerLine)
        {
            string chunk = string.Join(" + ", list.Skip(i).Take(TermsPerLine));
            bool last = i + TermsPerLine >= list.Count;
            string line = i == 0
                ? $"{head}{(leadingPlus ? " + " : " ")}{chunk}"
                : $"    + {chunk}";
            w.Line(last ? line + ";" : line);
        }
    }
}
