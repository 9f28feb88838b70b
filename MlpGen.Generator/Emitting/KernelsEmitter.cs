using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Writes the file-local kernel class: the sizes and offsets as constants, the whole-network passes
/// (Predict, PredictBatch, Backpropagate), each layer's kernels by the <see cref="ILayerEmitter"/> its
/// plan names, and the element-wise helpers (<see cref="HelperEmitter"/>).
/// </summary>
internal static class KernelsEmitter
{
    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        if (plan.Int8)
        {
            Int8KernelsEmitter.Emit(w, plan);
            return;
        }
        NetworkModel m = plan.Model;
        w.Summary($"The math of {Vocabulary.Xml(plan.FullName)} ({m.Topology}, {plan.T}), with every size a constant. Parameters p are laid out as "
            + $"{string.Join(", ", plan.Layers.Select(layer => $"{layer.W}, b{layer.Index}"))}; a gradient g has the same layout.");
        if (m.SkipLocalsInit)
        {
            w.Line("// The stack buffers are written before they are read: they need not be zeroed first.");
            w.Line(Vocabulary.SkipLocalsInit);
        }
        using (Vocabulary.HelperClass(w, plan, plan.KernelsClass))
        {
            EmitLayerSizes(w, plan);
            w.Line();
            w.Line("// Where each layer's weights W and biases b start in the parameter vector.");
            foreach (LayerPlan layer in plan.Layers) w.Line($"private const int {layer.W} = {layer.WeightOffset}, {layer.B} = {layer.BiasOffset};");
            w.Line();
            w.Line("// Training keeps the activations and deltas of this many samples on the stack at once.");
            w.Line($"private const int Chunk = {plan.Chunk};");
            w.Line();
            w.Line("// The grouped feedforward kernels compute this many samples at once.");
            w.Line($"private const int Group = {NetworkPlan.Group};");
            w.Line();
            w.Line("// PredictBatch takes this many samples (whole groups) layer by layer, their activations on the stack.");
            w.Line($"private const int Tile = {plan.Tile};");
            EmitLeakyReLUSlope(w, plan);

            EmitPredict(w, plan);
            EmitPredictBatch(w, plan);
            EmitCost(w, plan);
            EmitBackpropagate(w, plan);
            foreach (LayerPlan layer in plan.Layers)
            {
                ILayerEmitter emitter = layer.Kernel == LayerKernel.Simd ? SimdLayerEmitter.Instance : StraightLineLayerEmitter.Instance;
                emitter.EmitForward(w, plan, layer);
                if (layer.Index > 1) emitter.EmitTransposed(w, plan, layer);
                emitter.EmitGradient(w, plan, layer);
            }
            HelperEmitter.Emit(w, plan);
        }
    }

    /// <summary>The constants N0..NL, the layer sizes: the kernels of float and int8 networks name sizes by them.</summary>
    internal static void EmitLayerSizes(CodeWriter w, NetworkPlan plan)
    {
        w.Line("// Layer sizes, input first.");
        w.Line($"private const int {string.Join(", ", plan.Model.LayerSizes.Select((size, l) => $"N{l} = {size}"))};");
    }

    /// <summary>The constant LeakyReLUSlope, where a layer is leaky ReLU (its activation kernel reads it).</summary>
    internal static void EmitLeakyReLUSlope(CodeWriter w, NetworkPlan plan)
    {
        if (!plan.UsesLeakyReLU) return;
        w.Line();
        w.Line("// Leaky ReLU's slope for z ≤ 0: LeakyReLU(z) = z for z > 0, else LeakyReLUSlope·z (PyTorch's default).");
        w.Line($"private const {plan.T} LeakyReLUSlope = {plan.Model.Literal(NetworkRules.LeakyReLUSlope.ToString("R", System.Globalization.CultureInfo.InvariantCulture))};");
    }

    private static void EmitPredict(CodeWriter w, NetworkPlan plan)
    {
        string t = plan.T, span = Vocabulary.SpanOf(t), readOnlySpan = Vocabulary.ReadOnlySpanOf(t);
        w.Line();
        w.Summary($"Feedforward of one sample: {Equations(plan)}.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method("public static void Predict", $"{readOnlySpan} p", $"{readOnlySpan} a0", $"{span} output"))
        {
            foreach (LayerPlan hidden in plan.Layers.Take(plan.L - 1)) w.Line($"{span} a{hidden.Index} = stackalloc {t}[{hidden.Out}];");
            foreach (LayerPlan layer in plan.Layers)
            {
                int l = layer.Index;
                string target = l == plan.L ? "output" : $"a{l}";
                w.Line($"Layer{l}(p, a{l - 1}, {target});".PadRight(28) + $"// z{l} = W{l}·a{l - 1} + b{l}");
                if (Vocabulary.Kernel(layer.Activation) is { } kernel) w.Line($"{kernel}({target});".PadRight(28) + $"// a{l} = {Vocabulary.Apply(layer.Activation, $"z{l}")}");
                else w.Line($"// a{l} = z{l}: the identity, nothing to apply.");
            }
        }
    }

    private static void EmitPredictBatch(CodeWriter w, NetworkPlan plan)
    {
        string t = plan.T, output = plan.Output.Out, span = Vocabulary.SpanOf(t), readOnlySpan = Vocabulary.ReadOnlySpanOf(t);
        int L = plan.L, g = NetworkPlan.Group;
        w.Line();
        w.Summary($"Feedforward of many samples: tiles of up to Tile ({plan.Tile}) samples, layer by layer through the grouped kernels "
            + $"({g} samples share each weight load, and every group of the tile shares each block of weight rows while it is in the cache), "
            + $"the last count % {g} samples one by one. Every sample's outputs equal Predict's bit for bit.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method("public static void PredictBatch", $"{readOnlySpan} p", $"{readOnlySpan} inputs", $"{span} outputs"))
        {
            w.Line("int count = inputs.Length / N0;");
            w.Line($"int tile = {Vocabulary.Math}.Min(Tile, count);   // the stack a call takes (and zeroes) grows with its samples up to a tile");
            foreach (LayerPlan hidden in plan.Layers.Take(L - 1)) w.Line($"{span} a{hidden.Index} = stackalloc {t}[tile * {hidden.Out}];");
            w.Line("int whole = count - count % Group;");
            using (w.Block("for (int s = 0; s < whole; s += Tile)"))
            {
                w.Line($"int n = {Vocabulary.Math}.Min(Tile, whole - s), groups = n / Group;");
                w.Line($"{readOnlySpan} a0 = inputs.Slice(s * N0, n * N0);");
                w.Line($"{span} a{L} = outputs.Slice(s * {output}, n * {output});");
                foreach (LayerPlan layer in plan.Layers)
                {
                    int l = layer.Index;
                    w.Line($"Layer{l}Group(p, a{l - 1}, a{l}, groups);".PadRight(40) + $"// z{l} = W{l}·a{l - 1} + b{l} for the n samples");
                    if (Vocabulary.Kernel(layer.Activation) is { } kernel) w.Line($"for (int i = 0; i < n; i++) {kernel}(a{l}.Slice(i * {layer.Out}, {layer.Out}));");
                    else w.Line($"// a{l} = z{l}: the identity, nothing to apply.");
                }
            }
            w.Line($"for (int s = whole; s < count; s++) Predict(p, inputs.Slice(s * N0, N0), outputs.Slice(s * {output}, {output}));");
        }
    }

    private static void EmitCost(CodeWriter w, NetworkPlan plan)
    {
        string t = plan.T, output = plan.Output.Out, readOnlySpan = Vocabulary.ReadOnlySpanOf(t);
        w.Line();
        w.Summary($"C summed over the samples of outputs a and targets y: Σ_s {Vocabulary.CostFormula(plan.Model.Cost, "a_s", plan.Output.Activation)}.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"public static {t} Cost", $"{readOnlySpan} outputs", $"{readOnlySpan} targets"))
        {
            w.Line($"{t} cost = 0;");
            using (w.Block($"for (int s = 0; s < outputs.Length / {output}; s++)"))
            {
                w.Line($"cost += SampleCost(outputs.Slice(s * {output}, {output}), targets.Slice(s * {output}, {output}));");
            }
            w.Line("return cost;");
        }
    }

    private static void EmitBackpropagate(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, output = plan.Output.Out, span = Vocabulary.SpanOf(t), readOnlySpan = Vocabulary.ReadOnlySpanOf(t);
        int L = plan.L;
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Adds ∇C summed over the samples to g and returns the summed cost. Per sample: feedforward keeping");
        string outputError = Vocabulary.OutputErrorFormula(plan.Output.Activation, m.Cost, $"a{L}");
        if (plan.Hidden.All(layer => layer.Activation == ActivationFunction.Sigmoid))
        {
            w.Line($"/// every layer, the output error δ{L} = {outputError}, then δ_(l−1) = (W_lᵀ·δ_l) ⊙ σ'(z_(l−1)), with");
            w.Line("/// σ'(z) = σ(z)(1 − σ(z)) = a(1 − a). Per chunk of samples: ∇W_l += Σ δ_l·a_(l−1)ᵀ and ∇b_l += Σ δ_l,");
        }
        else
        {
            w.Line($"/// every layer, the output error δ{L} = {Vocabulary.Xml(outputError)} ({Vocabulary.ActivationName(plan.Output.Activation)} output, {Vocabulary.CostName(m.Cost)} cost),");
            w.Line("/// then δ_(l−1) = (W_lᵀ·δ_l) ⊙ f'_(l−1)(z_(l−1)), with each hidden layer's f' written through its activations a"
                + (plan.Hidden.Any(layer => layer.KeepsZ) ? "," : ":"));
            if (plan.Hidden.Any(layer => layer.KeepsZ)) w.Line("/// or through z where a does not tell z (the chunk keeps those layers' z):");
            w.Line($"/// {string.Join("; ", plan.DerivativeKernels.Select(DerivativeInProse))}.");
            w.Line("/// Per chunk of samples: ∇W_l += Σ δ_l·a_(l−1)ᵀ and ∇b_l += Σ δ_l,");
        }
        w.Line("/// each gradient row updated once per chunk.");
        w.Line("/// </summary>");
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"public static {t} Backpropagate", $"{readOnlySpan} p", $"{readOnlySpan} inputs", $"{readOnlySpan} targets", $"{span} g"))
        {
            w.Line("int count = inputs.Length / N0;");
            foreach (LayerPlan layer in plan.Layers)
            {
                int l = layer.Index;
                w.Line($"{span} a{l} = stackalloc {t}[Chunk * {layer.Out}];   // activations of layer {l}, sample after sample");
                w.Line($"{span} d{l} = stackalloc {t}[Chunk * {layer.Out}];   // errors δ{l} = ∂C/∂z{l}");
                if (layer.KeepsZ && l < L) w.Line($"{span} z{l} = stackalloc {t}[Chunk * {layer.Out}];   // weighted inputs z{l}: {Vocabulary.ActivationName(layer.Activation)}'s derivative needs them");
            }
            w.Line($"{t} cost = 0;");
            using (w.Block("for (int first = 0; first < count; first += Chunk)"))
            {
                w.Line($"int n = {Vocabulary.Math}.Min(Chunk, count - first);");
                w.Line($"{readOnlySpan} a0 = inputs.Slice(first * N0, n * N0);");
                w.Line($"{readOnlySpan} y = targets.Slice(first * {output}, n * {output});");
                w.Line("int s;");
                EmitChunkForward(w, plan);
                w.Line();
                using (w.Block("for (s = 0; s < n; s++)"))
                {
                    foreach (LayerPlan layer in plan.Layers) w.Line($"{span} a{layer.Index}s = a{layer.Index}.Slice(s * {layer.Out}, {layer.Out});");
                    w.Line($"// Output error: δ{L} = {outputError}; C = {Vocabulary.CostFormula(m.Cost, $"a{L}", plan.Output.Activation)}.");
                    w.Line($"{readOnlySpan} ys = y.Slice(s * {output}, {output});");
                    w.Line($"cost += SampleCost(a{L}s, ys);");
                    w.Line($"OutputError(a{L}s, ys, d{L}.Slice(s * {output}, {output}));");
                    foreach (LayerPlan layer in plan.Layers.Skip(1).Reverse())
                    {
                        int l = layer.Index;
                        w.Line();
                        LayerPlan before = plan.Layers[l - 2];
                        ActivationFunction f = before.Activation;
                        w.Line($"// δ{l - 1} = (W{l}ᵀ·δ{l}) ⊙ {Vocabulary.Derivative(f, $"a{l - 1}", $"z{l - 1}")}" + (f == ActivationFunction.Sigmoid ? "" : $", the derivative of {Vocabulary.ActivationName(f)} at z{l - 1}"));
                        w.Line($"{span} d{l - 1}s = d{l - 1}.Slice(s * {layer.In}, {layer.In});");
                        w.Line($"Layer{l}Transposed(p, d{l}.Slice(s * {layer.Out}, {layer.Out}), d{l - 1}s);");
                        string derivativeOf = before.KeepsZ ? $"z{l - 1}.Slice(s * {layer.In}, {layer.In})" : $"a{l - 1}s";
                        w.Line($"{Vocabulary.DerivativeKernel(f)}({derivativeOf}, d{l - 1}s);");
                    }
                }
                w.Line();
                w.Line("// ∇W_l += Σ_s δ_l,s · a_(l−1),sᵀ and ∇b_l += Σ_s δ_l,s over the chunk.");
                foreach (LayerPlan layer in plan.Layers)
                {
                    int l = layer.Index;
                    string input = l == 1 ? "a0" : $"a{l - 1}.Slice(0, n * {layer.In})";
                    w.Line($"Layer{l}Gradient({input}, d{l}.Slice(0, n * {layer.Out}), n, g);");
                }
            }
            w.Line("return cost;");
        }
    }

    /// <summary>
    /// The layers' equations for a summary: <c>a_l = σ(W_l·a_(l−1) + b_l) for l = 1..L</c> when every layer has the
    /// same activation, else one per layer (<c>a1 = ReLU(W1·a0 + b1), a2 = softmax(W2·a1 + b2)</c>).
    /// </summary>
    internal static string Equations(NetworkPlan plan)
    {
        ActivationFunction first = plan.Layers[0].Activation;
        if (plan.Layers.All(layer => layer.Activation == first)) return $"a_l = {Vocabulary.Apply(first, "W_l·a_(l−1) + b_l")} for l = 1..{plan.L}";
        return string.Join(", ", plan.Layers.Select(layer => $"a{layer.Index} = {Vocabulary.Apply(layer.Activation, $"W{layer.Index}·a{layer.Index - 1} + b{layer.Index}")}"));
    }

    private static string DerivativeInProse(ActivationFunction activation) => activation switch
    {
        ActivationFunction.Sigmoid => "σ'(z) = a(1 − a)",
        ActivationFunction.Tanh => "tanh'(z) = 1 − a²",
        ActivationFunction.ReLU => "ReLU'(z) = 1 where a &gt; 0, else 0 (0 at z = 0 too, as PyTorch)",
        ActivationFunction.GELU => "GELU'(z) = Φ(z) + z·φ(z), from z",
        ActivationFunction.SiLU => "SiLU'(z) = σ(z)(1 + z(1 − σ(z))), from z",
        _ => "LeakyReLU'(z) = 1 where a &gt; 0, else LeakyReLUSlope (0.01)",
    };

    /// <summary>Feedforward of the n samples of a training chunk, layer by layer, <see cref="NetworkPlan.Group"/> at a time where it can.</summary>
    private static void EmitChunkForward(CodeWriter w, NetworkPlan plan)
    {
        w.Line($"// Feedforward of the chunk, layer by layer, {NetworkPlan.Group} samples at a time, keeping every layer's activations.");
        foreach (LayerPlan layer in plan.Layers)
        {
            int l = layer.Index;
            string source = $"a{l - 1}", nIn = layer.In, nOut = layer.Out;
            bool keepZ = layer.KeepsZ && l < plan.L;
            string target = keepZ ? $"z{l}" : $"a{l}";
            w.Line($"Layer{l}Group(p, {source}, {target}, n / Group);");
            w.Line($"for (s = n - n % Group; s < n; s++) Layer{l}(p, {source}.Slice(s * {nIn}, {nIn}), {target}.Slice(s * {nOut}, {nOut}));");
            if (keepZ) w.Line($"z{l}.Slice(0, n * {nOut}).CopyTo(a{l});   // z{l} stays for the derivative; the activation applies to a copy");
            if (Vocabulary.Kernel(layer.Activation) is { } kernel) w.Line($"for (s = 0; s < n; s++) {kernel}(a{l}.Slice(s * {nOut}, {nOut}));");
            else w.Line($"// a{l} = z{l}: the identity, nothing to apply.");
        }
    }
}
