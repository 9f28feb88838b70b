using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Layers as straight-line code with constant indices: every multiply-add is written out, so the
/// kernel reads like the equation it computes. By default only layers narrower than one vector take
/// this shape (see <see cref="NetworkPlan.KernelFor"/>); <c>CodeShape = NetworkCodeShape.UnrolledScalar</c>
/// forces it on every layer. A layer with more than <see cref="MaxMultiplyAddsPerMethod"/> multiply-adds
/// is split into part methods (by rows, and a row by columns), because written-out span statements cost
/// about 27 IL instructions each and the JIT stops optimising a method beyond 20,000
/// (docs/design/codegen-evidence.md). A split row continues its sum as <c>z[j] = z[j] + …</c>, so
/// the additions happen in the same order as in one long expression.
/// </summary>
internal sealed class StraightLineLayerEmitter : ILayerEmitter
{
    /// <summary>Most multiply-adds one method writes out (about 11,000 IL instructions for the gradient).</summary>
    public const int MaxMultiplyAddsPerMethod = 400;

    /// <summary>Terms per line in the written-out sums.</summary>
    private const int TermsPerLine = 4;

    public static readonly StraightLineLayerEmitter Instance = new();

    /// <summary>Output <c>Row</c> takes the terms of columns [<c>From</c>, <c>To</c>) of the sum.</summary>
    private readonly record struct Segment(int Row, int From, int To)
    {
        public int Length => To - From;
    }

    /// <summary>Cuts rows of <paramref name="columns"/> terms into segments and packs them into methods of at most <see cref="MaxMultiplyAddsPerMethod"/> terms.</summary>
    private static List<List<Segment>> Parts(int rows, int columns)
    {
        var parts = new List<List<Segment>> { new() };
        int size = 0;
        for (int j = 0; j < rows; j++)
        {
            for (int from = 0; from < columns; from += MaxMultiplyAddsPerMethod)
            {
                var segment = new Segment(j, from, Math.Min(columns, from + MaxMultiplyAddsPerMethod));
                if (size + segment.Length > MaxMultiplyAddsPerMethod && size > 0)
                {
                    parts.Add(new List<Segment>());
                    size = 0;
                }
                parts[parts.Count - 1].Add(segment);
                size += segment.Length;
            }
        }
        return parts;
    }

    /// <summary>
    /// Emits <c>name(parameters)</c>: one method when the work fits, else a method calling
    /// <c>{name}Part{i}</c> in order, each part a method of its own. <paramref name="body"/> writes one part's statements.
    /// </summary>
    private static void EmitMethod(CodeWriter w, NetworkPlan plan, string summary, string name, string[] parameters, string arguments,
        List<List<Segment>> parts, Action<List<Segment>> body)
    {
        w.Line();
        w.Summary(summary);
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"private static void {name}", parameters))
        {
            if (parts.Count == 1)
            {
                body(parts[0]);
                return;
            }
            w.Line($"// Written out in {parts.Count} parts of at most {MaxMultiplyAddsPerMethod} multiply-adds, so that the JIT optimises each one.");
            for (int i = 0; i < parts.Count; i++) w.Line($"{name}Part{i}({arguments});");
        }
        for (int i = 0; i < parts.Count; i++)
        {
            List<Segment> part = parts[i];
            w.Line();
            w.Summary($"Part {i} of {name}: {Describe(part)}.");
            Vocabulary.WriteHot(w, plan);
            using (w.Method($"private static void {name}Part{i}", parameters))
            {
                body(part);
            }
        }
    }

    private static string Describe(List<Segment> part)
    {
        Segment first = part[0], last = part[part.Count - 1];
        return first.Row == last.Row
            ? $"row {first.Row}, terms {first.From}–{last.To - 1}"
            : $"rows {first.Row}–{last.Row}";
    }

    public void EmitForward(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nIn = layer.InputSize, nOut = layer.OutputSize;
        EmitMethod(w, plan,
            $"z{l} = W{l}·a{l - 1} + b{l}, written out: z{l}[j] = b{l}[j] + Σ_k W{l}[j, k]·a{l - 1}[k] ({nOut}×{nIn} = {nOut * nIn} multiply-adds).",
            $"Layer{l}", new[] { $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} a", $"{Vocabulary.SpanOf(t)} z" }, "p, a, z", Parts(nOut, nIn), part =>
            {
                w.Line($"{Vocabulary.ReadOnlySpanOf(t)} w = p.Slice({layer.W}, {layer.Out} * {layer.In});");
                w.Line($"{Vocabulary.ReadOnlySpanOf(t)} b = p.Slice({layer.B}, {layer.Out});");
                w.Line("// Check the lengths once: with constant lengths the constant indices below need no checks.");
                w.Line($"a = a.Slice(0, {layer.In});");
                w.Line($"z = z.Slice(0, {layer.Out});");
                foreach (Segment s in part)
                {
                    string head = s.From == 0 ? $"z[{s.Row}] = b[{s.Row}]" : $"z[{s.Row}] = z[{s.Row}]";
                    w.Sum(head, Enumerable.Range(s.From, s.Length).Select(k => $"w[{s.Row * nIn + k}] * a[{k}]").ToList(), TermsPerLine);
                }
            });
        EmitForwardGroup(w, plan, layer);
    }

    /// <summary>The forward product for a group of samples is the single-sample one, sample after sample.</summary>
    private static void EmitForwardGroup(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index;
        w.Line();
        w.Summary($"Layer{l} for groups × {NetworkPlan.Group} samples, one after another.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"private static void Layer{l}Group", $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} inputs", $"{Vocabulary.SpanOf(t)} z", "int groups"))
        {
            w.Line($"for (int s = 0; s < groups * Group; s++) Layer{l}(p, inputs.Slice(s * {layer.In}, {layer.In}), z.Slice(s * {layer.Out}, {layer.Out}));");
        }
    }

    public void EmitTransposed(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nIn = layer.InputSize, nOut = layer.OutputSize;
        EmitMethod(w, plan,
            $"W{l}ᵀ·δ{l}, written out: result[k] = Σ_j W{l}[j, k]·δ{l}[j] ({nOut * nIn} multiply-adds).",
            $"Layer{l}Transposed", new[] { $"{Vocabulary.ReadOnlySpanOf(t)} p", $"{Vocabulary.ReadOnlySpanOf(t)} delta", $"{Vocabulary.SpanOf(t)} result" },
            "p, delta, result", Parts(nIn, nOut), part =>
            {
                w.Line($"{Vocabulary.ReadOnlySpanOf(t)} w = p.Slice({layer.W}, {layer.Out} * {layer.In});");
                w.Line("// Check the lengths once: with constant lengths the constant indices below need no checks.");
                w.Line($"delta = delta.Slice(0, {layer.Out});");
                w.Line($"result = result.Slice(0, {layer.In});");
                foreach (Segment s in part)
                {
                    // Here a segment's row is the output column k, its terms run over the rows j of W.
                    IEnumerable<string> terms = Enumerable.Range(s.From, s.Length).Select(j => $"w[{j * nIn + s.Row}] * delta[{j}]");
                    w.Sum(s.From == 0 ? $"result[{s.Row}] =" : $"result[{s.Row}] = result[{s.Row}]", terms.ToList(), TermsPerLine);
                }
            });
    }

    public void EmitGradient(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string t = plan.T;
        int l = layer.Index, nIn = layer.InputSize, nOut = layer.OutputSize;
        EmitMethod(w, plan,
            $"∇W{l} += Σ_s δ{l},s·a{l - 1},sᵀ and ∇b{l} += Σ_s δ{l},s over count samples, written out per sample.",
            $"Layer{l}Gradient", new[] { $"{Vocabulary.ReadOnlySpanOf(t)} a", $"{Vocabulary.ReadOnlySpanOf(t)} delta", "int count", $"{Vocabulary.SpanOf(t)} g" },
            "a, delta, count, g", Parts(nOut, nIn), part =>
            {
                w.Line($"{Vocabulary.SpanOf(t)} gw = g.Slice({layer.W}, {layer.Out} * {layer.In});");
                w.Line($"{Vocabulary.SpanOf(t)} gb = g.Slice({layer.B}, {layer.Out});");
                using var samples = w.Block("for (int s = 0; s < count; s++)");
                w.Line($"{Vocabulary.ReadOnlySpanOf(t)} x = a.Slice(s * {layer.In}, {layer.In});");
                w.Line($"{Vocabulary.ReadOnlySpanOf(t)} e = delta.Slice(s * {layer.Out}, {layer.Out});");
                foreach (Segment s in part)
                {
                    int j = s.Row;
                    w.Line(s.From == 0 && s.To == nIn
                        ? $"// row {j}: ∇W{l}[{j}, :] += δ[{j}]·a, ∇b{l}[{j}] += δ[{j}]"
                        : $"// row {j}, columns {s.From}–{s.To - 1}: ∇W{l}[{j}, k] += δ[{j}]·a[k]" + (s.To == nIn ? $", ∇b{l}[{j}] += δ[{j}]" : ""));
                    var statements = Enumerable.Range(s.From, s.Length).Select(k => $"gw[{j * nIn + k}] += e[{j}] * x[{k}];").ToList();
                    if (s.To == nIn) statements.Add($"gb[{j}] += e[{j}];");
                    for (int i = 0; i < statements.Count; i += TermsPerLine)
                    {
                        w.Line(string.Join(" ", statements.Skip(i).Take(TermsPerLine)));
                    }
                }
            });
    }
}
