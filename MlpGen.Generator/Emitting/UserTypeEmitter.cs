using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Model;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Writes the user's partial class: a thin public shell (constants, the aligned parameter storage,
/// constructors, Predict, PredictBatch, Classify, Backpropagate, TrainMiniBatch, and the runtime's
/// interface when the project references it) that checks arguments and calls the kernels.
/// </summary>
internal static class UserTypeEmitter
{
    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        var scopes = new Stack<IDisposable>();
        if (m.Namespace is not null) scopes.Push(w.Block($"namespace {m.Namespace}"));
        foreach (ContainingTypeModel outer in m.ContainingTypes) scopes.Push(w.Block($"partial {outer.Keyword} {outer.Name}"));

        // An int8 network has no parameters to train: it does not implement the runtime's interface, which trains.
        bool runtimeInterface = m.ImplementsRuntimeInterface && !plan.Int8;
        if (plan.Int8) EmitInt8Documentation(w, plan);
        else EmitDocumentation(w, plan);
        w.Line(Vocabulary.GeneratedCode);
        string iface = runtimeInterface ? $" : global::MlpGen.INetwork<{plan.T}>" : "";
        using (w.Block($"partial {m.Keyword} {m.TypeName}{iface}"))
        {
            EmitSizes(w, plan);
            if (plan.Int8)
            {
                EmitInt8Constructor(w, plan);
                EmitInference(w, plan);
            }
            else
            {
                EmitStorageAndConstructors(w, plan);
                EmitInference(w, plan);
                EmitTraining(w, plan);
            }
            if (runtimeInterface) EmitRuntimeInterface(w, plan);
        }
        while (scopes.Count > 0) scopes.Pop().Dispose();
    }

    private static void EmitDocumentation(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        int L = plan.L;
        string neurons = plan.AllSigmoid ? "of sigmoid neurons" : $"({Neurons(plan)})";
        w.Summary($"A fully connected feedforward network {m.Topology} {neurons} computing in <see cref=\"{plan.T}\"/>: "
            + $"{Vocabulary.Num(m.ParameterCount)} parameters (weights and biases), trained by backpropagation on the {Vocabulary.CostName(m.Cost)} cost.");
        w.Line("/// <remarks>");
        string definitions = plan.AllSigmoid
            ? "σ is the logistic sigmoid, σ(z) = 1 / (1 + e^−z)"
            : string.Join("; ", plan.Layers.Select(layer => layer.Activation).Distinct().OrderBy(a => a).Select(Vocabulary.Definition));
        w.Comment("/// ", $"<para>Layer 0 is the input a0. For each layer l = 1..L ({Vocabulary.Xml(definitions)}):</para>");
        w.Line("/// <code>");
        foreach (LayerPlan layer in plan.Layers)
        {
            int l = layer.Index;
            w.Line($"/// a{l} = {Vocabulary.Apply(layer.Activation, $"W{l}·a{l - 1} + b{l}")}    W{l}: {layer.OutputSize}×{layer.InputSize}, b{l}: {layer.OutputSize}");
        }
        w.Line($"/// C  = {Vocabulary.CostFormula(m.Cost, $"a{L}", plan.Output.Activation)}");
        w.Line("/// </code>");
        w.Comment("/// ", $"<para>Parameter layout (see <see cref=\"Parameters\"/>): "
            + $"{string.Join(", ", plan.Layers.Select(layer => $"W{layer.Index} (row-major [out, in]), b{layer.Index}"))}.</para>");
        if (m.Weights is { } baked)
        {
            w.Comment("/// ", $"<para>Trained parameters are baked in from <c>{Vocabulary.Xml(baked.FileName)}</c> (CRC-32 {baked.Crc32:x8}): "
                + $"<c>new {m.TypeName}()</c> starts from them, and <see cref=\"BakedParameters\"/> reads them from {BakedWeightsEmitter.Source(plan, baked)}.</para>");
        }
        w.Line("/// </remarks>");
    }

    /// <summary>The documentation of an int8 network's class: its arithmetic, layer by layer, and what it cannot do.</summary>
    private static void EmitInt8Documentation(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        BakedWeights baked = m.Weights!;
        w.Summary($"A fully connected feedforward network {m.Topology} ({Neurons(plan)}) with 8-bit integer weights, baked in from "
            + $"<c>{Vocabulary.Xml(baked.FileName)}</c> (CRC-32 {baked.Crc32:x8}): {Vocabulary.Num(m.ParameterCount)} parameters in "
            + $"{Vocabulary.Num(baked.ByteCount)} bytes. It takes and gives <see cref=\"float\"/> values, and predicts only.");
        w.Line("/// <remarks>");
        w.Comment("/// ", "<para>Each layer l codes its inputs a as int8, q = clamp(round(a·(1/s_l)), −127, 127) (rounding half to even; 1/s_l "
            + "rounded to float32 once), sums each row of its int8 weights Q_l against the codes exactly in int32, and scales the sum back "
            + "in float32 with m_l[j] = s_w,l[j]·s_l, then adds the bias: a multiply and an add, two roundings.</para>");
        w.Line("/// <code>");
        w.Line("/// z_l[j] = float(Σ_i Q_l[j, i]·q_l[i]) · m_l[j] + b_l[j]");
        foreach (LayerPlan layer in plan.Layers)
        {
            int l = layer.Index;
            w.Line($"/// a{l} = {Vocabulary.Apply(layer.Activation, $"z{l}")}    Q{l}: {layer.OutputSize}×{layer.InputSize} int8, s_w{l}, b{l}: {layer.OutputSize} float32");
        }
        w.Line("/// </code>");
        w.Comment("/// ", "<para>The sums are exact and every other step is one IEEE operation in a fixed order (the exponentials are the kernels' "
            + "own, on every path), so every kernel path (AVX2, SSSE3, Vector128, scalar) gives the same bits; where no exponential follows the "
            + "sums (ReLU, leaky ReLU, identity), they are MlpGen.Quantization.QuantizedNetwork's. "
            + "The data is unpacked once per process, at the first use of the class, and shared by every instance. An int8 network has no "
            + "parameters to train and does not implement MlpGen.INetwork: train the float network, then quantize it again "
            + "(the Sample's <c>quantize</c> command).</para>");
        w.Line("/// </remarks>");
    }

    /// <summary>An int8 network's constructor and its baked data.</summary>
    private static void EmitInt8Constructor(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string file = Vocabulary.Xml(m.Weights!.FileName);
        w.Summary($"Creates the network. It holds nothing of its own: the int8 data baked in from <c>{file}</c> is unpacked once, "
            + "at the first use of the class, and every instance shares it.");
        using (w.Block($"public {m.TypeName}()"))
        {
        }
        w.Line();
        w.Summary($"The int8 data baked in from <c>{file}</c>, in the layout of the weights file: for each layer s_in, s_w[m] and b[m] "
            + "(little-endian float32), then Q[m×n] (int8, row-major).");
        w.Line($"public static {Vocabulary.Global(Vocabulary.ReadOnlySpanOf("byte"))} BakedParameters => global::MlpGen.Generated.{plan.WeightsClass}.Parameters;");
        w.Line();
    }

    /// <summary>The network's activations in prose: <c>ReLU hidden layers, softmax output</c>.</summary>
    private static string Neurons(NetworkPlan plan)
    {
        var hidden = plan.Hidden.Select(layer => layer.Activation).ToList();
        string output = $"{Vocabulary.ActivationName(plan.Output.Activation)} output";
        if (hidden.Count == 0) return output;
        string hiddenText = hidden.Distinct().Count() == 1
            ? $"{Vocabulary.ActivationName(hidden[0])} hidden layer{(hidden.Count == 1 ? "" : "s")}"
            : $"hidden layers {string.Join(", ", hidden.Select(Vocabulary.ActivationName))}";
        return $"{hiddenText}; {output}";
    }

    private static void EmitSizes(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        w.Line("/// <summary>Width of the input layer a0.</summary>");
        w.Line($"public const int InputSize = {m.InputSize};");
        w.Line();
        w.Line($"/// <summary>Width of the output layer a{plan.L}.</summary>");
        w.Line($"public const int OutputSize = {m.OutputSize};");
        w.Line();
        w.Line("/// <summary>Number of layers, the input layer included.</summary>");
        w.Line($"public const int LayerCount = {m.LayerSizes.Count};");
        w.Line();
        w.Line("/// <summary>Number of weights and biases.</summary>");
        w.Line($"public const int ParameterCount = {m.ParameterCount};");
        foreach (LayerPlan hidden in plan.Layers.Take(plan.L - 1))
        {
            w.Line();
            w.Line($"/// <summary>Width of hidden layer a{hidden.Index}.</summary>");
            w.Line($"public const int Layer{hidden.Index}Size = {hidden.OutputSize};");
        }
        w.Line();
        w.Line("/// <summary>The layer sizes, input first.</summary>");
        w.Line($"public static {Vocabulary.Global(Vocabulary.ReadOnlySpan)}<int> LayerSizes => new int[] {{ {string.Join(", ", m.LayerSizes)} }};");
        w.Line();
    }

    private static void EmitStorageAndConstructors(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, kernels = Kernels(plan);
        w.Line(plan.Target.ModernBcl
            ? "// The parameters live in one pinned array; _start makes the first weight 64-byte aligned for vector loads."
            : "// The parameters live in one array (.NET Standard's kernels are scalar: no alignment to seek), from _start = 0.");
        w.Line("// Not readonly: a replica (Replicate) is a member-wise copy that then gets storage of its own.");
        w.Line($"private {t}[] _storage;");
        w.Line("private int _start;");
        w.Line();
        w.Line("// Gradient scratch of TrainMiniBatch, allocated on first use and reused.");
        w.Line($"private {t}[]? _gradient;");
        w.Line();

        bool standard = plan.StandardNormalEverywhere;
        if (standard)
        {
            w.Summary("Creates a network whose weights and biases are drawn from the standard normal distribution N(0, 1).");
        }
        else
        {
            w.Summary("Creates a network whose weights are seeded normal draws scaled for each layer's activation, and whose biases are set as the remarks say.");
        }
        w.Line("/// <param name=\"seed\">Seed of the random draw: the same seed gives the same parameters.</param>");
        if (!standard)
        {
            w.Line("/// <remarks>");
            w.Line("/// One N(0, 1) draw z per parameter, in the layout order of <see cref=\"Parameters\"/> (Box–Muller on");
            w.Line("/// <c>new Random(seed)</c>, as network.py draws), scaled per layer by the scheme the layer's activation asks for");
            w.Line("/// (the output layer's by the last hidden layer's activation):");
            w.Line("/// <code>");
            foreach (LayerPlan layer in plan.Layers) w.Line($"/// {HelperEmitter.InitLine(layer)}");
            w.Line("/// </code>");
            w.Line("/// </remarks>");
        }
        using (w.Block($"public {m.TypeName}(int seed)"))
        {
            AllocateStorage(w, plan, "");
            w.Line(standard ? $"{kernels}.InitializeStandardNormal(Parameters, seed);" : $"{kernels}.Initialize(Parameters, seed);");
        }
        w.Line();
        if (m.Weights is { } weights)
        {
            string file = Vocabulary.Xml(weights.FileName);
            w.Summary($"Creates a network holding the trained parameters baked in from <c>{file}</c>, ready to predict.");
            using (w.Block($"public {m.TypeName}()"))
            {
                AllocateStorage(w, plan, "");
                w.Line($"global::MlpGen.Generated.{plan.WeightsClass}.CopyTo(Parameters);");
            }
            w.Line();
            w.Summary($"The trained parameters baked in from <c>{file}</c>, in the layout of <see cref=\"Parameters\"/>.");
            w.Comment("/// ", $"<remarks>{BakedWeightsEmitter.BakedParametersRemarks(plan, weights)}</remarks>");
            w.Line($"public static {Vocabulary.Global(Vocabulary.ReadOnlySpanOf(t))} BakedParameters => global::MlpGen.Generated.{plan.WeightsClass}.Parameters;");
            w.Line();
        }
        else
        {
            w.Summary(standard
                ? "Creates a network with N(0, 1) parameters from a random seed."
                : "Creates a network initialised as the seeded constructor does, from a random seed.");
            w.Line(Vocabulary.Global(Vocabulary.NotForSecurity));
            // netstandard2.0 has no Random.Shared, and its new Random() seeds from the clock, so two networks made within one
            // tick would start alike: there a new Guid's hash is the seed.
            string seed = plan.Target.ModernBcl ? $"{Vocabulary.Global(Vocabulary.Random)}.Shared.Next()" : $"{Vocabulary.Global(Vocabulary.Guid)}.NewGuid().GetHashCode()";
            w.Line($"public {m.TypeName}() : this({seed})");
            using (w.Block(""))
            {
            }
            w.Line();
        }
        w.Summary($"All {Vocabulary.Num(m.ParameterCount)} weights and biases, in the layout described on the class; writable, for loading and saving.");
        w.Line($"public {Vocabulary.Global(Vocabulary.SpanOf(t))} Parameters => new(_storage, _start, ParameterCount);");
        w.Line();
    }

    /// <summary>The kernel class, from global::.</summary>
    private static string Kernels(NetworkPlan plan) => $"global::MlpGen.Generated.{plan.KernelsClass}";

    /// <summary>Allocates the parameter storage of <c>this</c> (<paramref name="owner"/> empty) or of another instance (<c>copy.</c>).</summary>
    private static void AllocateStorage(CodeWriter w, NetworkPlan plan, string owner)
    {
        string t = plan.T;
        if (!plan.Target.ModernBcl)
        {
            // netstandard2.0 cannot allocate pinned arrays, and its scalar kernels gain nothing from aligned storage.
            w.Line($"{owner}_storage = new {t}[ParameterCount];");
            w.Line($"{owner}_start = 0;");
            return;
        }
        w.Line($"{owner}_storage = {Vocabulary.Global(Vocabulary.GC)}.AllocateUninitializedArray<{t}>(ParameterCount + 64 / sizeof({t}), pinned: true);");
        w.Line($"{owner}_start = {Kernels(plan)}.AlignedStart({owner}_storage);");
    }

    /// <summary>The arguments before the samples in a call of the kernels' Predict and PredictBatch: the parameters, which an int8 network's kernels hold themselves.</summary>
    private static string ParametersArgument(NetworkPlan plan) => plan.Int8 ? "" : "Parameters, ";

    /// <summary>Predict, PredictBatch (serial and parallel), Classify and ClassOf.</summary>
    private static void EmitInference(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, kernels = Kernels(plan), p = ParametersArgument(plan);
        string span = Vocabulary.Global(Vocabulary.SpanOf(t)), readOnlySpan = Vocabulary.Global(Vocabulary.ReadOnlySpanOf(t));
        int L = plan.L;
        string argumentException = $"<exception cref=\"{Vocabulary.Global(Vocabulary.ArgumentException)}\">";

        w.Summary("Feedforward: computes the output activations for one input.");
        w.Line($"/// <param name=\"input\">The {m.InputSize} input activations a0.</param>");
        w.Line($"/// <param name=\"output\">Receives the {m.OutputSize} output activations a{L}.</param>");
        w.Comment("/// ", $"{argumentException}A span has the wrong length.</exception>");
        using (w.Method("public void Predict", $"{readOnlySpan} input", $"{span} output"))
        {
            w.Line($"{kernels}.CheckLength(input.Length, InputSize, \"input\");");
            w.Line($"{kernels}.CheckLength(output.Length, OutputSize, \"output\");");
            w.Line($"{kernels}.Predict({p}input, output);");
        }
        w.Line();
        w.Summary("Feedforward of many samples at once; faster per sample than <see cref=\"Predict\"/>, because each weight loaded serves several samples.");
        w.Line($"/// <param name=\"inputs\">The samples' inputs, {Vocabulary.Values(m.InputSize)} each, one after another.</param>");
        w.Line($"/// <param name=\"outputs\">Receives the samples' output activations, {Vocabulary.Values(m.OutputSize)} each.</param>");
        w.Comment("/// ", $"{argumentException}The inputs do not hold whole samples, or the outputs do not hold one output per sample.</exception>");
        using (w.Method("public void PredictBatch", $"{readOnlySpan} inputs", $"{span} outputs"))
        {
            w.Line($"{kernels}.CheckBatch(inputs.Length, outputs.Length, \"outputs\");");
            w.Line($"{kernels}.PredictBatch({p}inputs, outputs);");
        }
        w.Line();
        EmitParallelPredictBatch(w, plan);
        w.Line();
        w.Summary("Returns the index of the largest output activation (the first one on ties): the predicted class.");
        w.Line($"/// <param name=\"input\">The {m.InputSize} input activations a0.</param>");
        w.Comment("/// ", $"{argumentException}The input has the wrong length.</exception>");
        using (w.Method("public int Classify", $"{readOnlySpan} input"))
        {
            w.Line($"{span} output = stackalloc {t}[OutputSize];");
            w.Line("Predict(input, output);");
            w.Line("return ClassOf(output);");
        }
        w.Line();
        w.Summary("The class that output activations predict: the index of the largest (the first one on ties). For outputs "
            + $"already computed by <see cref=\"Predict\"/> or <see cref=\"PredictBatch({CrefSpans(plan)})\"/>, one sample's at a time.");
        w.Line($"/// <param name=\"output\">One sample's output activations: {Vocabulary.Values(m.OutputSize)}.</param>");
        w.Comment("/// ", $"{argumentException}The span has the wrong length.</exception>");
        using (w.Method("public static int ClassOf", $"{readOnlySpan} output"))
        {
            w.Line($"{kernels}.CheckLength(output.Length, OutputSize, \"output\");");
            if (m.OutputSize == 1)
            {
                w.Line("return 0;   // the one output is the only class");
            }
            else
            {
                w.Line("int best = 0;");
                w.ForLine("i", Bound.Number(1), Bound.Size(m.OutputSize, "OutputSize"), 1, i => $"if (output[{i}] > output[best]) best = {i};");
                w.Line("return best;");
            }
        }
    }

    /// <summary>Cost, Backpropagate and TrainMiniBatch.</summary>
    private static void EmitTraining(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, kernels = Kernels(plan);
        string span = Vocabulary.Global(Vocabulary.SpanOf(t)), readOnlySpan = Vocabulary.Global(Vocabulary.ReadOnlySpanOf(t));
        string cost = Vocabulary.CostName(m.Cost);
        string argumentException = $"<exception cref=\"{Vocabulary.Global(Vocabulary.ArgumentException)}\">";
        w.Line();
        w.Summary($"The {cost} cost, C = {Vocabulary.CostFormula(m.Cost, "a", plan.Output.Activation)} per sample, summed over the samples: "
            + "output activations a against desired outputs y.");
        w.Comment("/// ", $"<param name=\"outputs\">The samples' output activations, as <see cref=\"PredictBatch({CrefSpans(plan)})\"/> writes them, {Vocabulary.Values(m.OutputSize)} each.</param>");
        w.Line($"/// <param name=\"targets\">The samples' desired outputs y, {Vocabulary.Values(m.OutputSize)} each.</param>");
        w.Comment("/// ", $"{argumentException}The outputs do not hold whole samples, or the targets do not hold one per sample.</exception>");
        using (w.Method($"public {t} Cost", $"{readOnlySpan} outputs", $"{readOnlySpan} targets"))
        {
            w.Line($"{kernels}.CheckOutputs(outputs.Length, targets.Length);");
            w.Line($"return {kernels}.Cost(outputs, targets);");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Backpropagation: adds the gradient of the {cost} cost, summed over the given samples, to");
        w.Line("/// <paramref name=\"gradient\"/> (laid out like <see cref=\"Parameters\"/>), and returns the summed cost.");
        w.Line("/// </summary>");
        w.Line($"/// <param name=\"inputs\">The samples' inputs, {Vocabulary.Values(m.InputSize)} each, one after another.</param>");
        w.Line($"/// <param name=\"targets\">The samples' desired outputs y, {Vocabulary.Values(m.OutputSize)} each (one-hot for classification).</param>");
        w.Line("/// <param name=\"gradient\">Accumulates ∂C/∂w and ∂C/∂b for every parameter.</param>");
        w.Line("/// <remarks>Only reads this network: several threads may call it at once, each with a gradient of its own (data-parallel");
        w.Line("/// training does).</remarks>");
        using (w.Method($"public {t} Backpropagate", $"{readOnlySpan} inputs", $"{readOnlySpan} targets", $"{span} gradient"))
        {
            w.Line($"{kernels}.CheckBatch(inputs.Length, targets.Length);");
            w.Line($"{kernels}.CheckLength(gradient.Length, ParameterCount, \"gradient\");");
            w.Line($"return {kernels}.Backpropagate(Parameters, inputs, targets, gradient);");
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// One step of gradient descent on a mini-batch of m samples: w ← w − (η/m)·∇w and b ← b − (η/m)·∇b,");
        w.Line("/// with the gradients summed over the mini-batch by <see cref=\"Backpropagate\"/>.");
        w.Line("/// </summary>");
        w.Line($"/// <param name=\"inputs\">The mini-batch's inputs, {Vocabulary.Values(m.InputSize)} each.</param>");
        w.Line($"/// <param name=\"targets\">The mini-batch's desired outputs, {Vocabulary.Values(m.OutputSize)} each.</param>");
        w.Line("/// <param name=\"eta\">The learning rate η.</param>");
        w.Comment("/// ", "<remarks>Not thread-safe: the step uses a gradient buffer of this instance. Predict and Classify are safe to call concurrently.</remarks>");
        using (w.Method("public void TrainMiniBatch", $"{readOnlySpan} inputs", $"{readOnlySpan} targets", $"{t} eta"))
        {
            w.Line($"int count = {kernels}.CheckBatch(inputs.Length, targets.Length);");
            w.Line("if (count == 0) return;");
            w.Line($"{span} gradient = _gradient ??= new {t}[ParameterCount];");
            w.Line("gradient.Clear();");
            w.Line($"{kernels}.Backpropagate(Parameters, inputs, targets, gradient);");
            w.Line($"{kernels}.Descend(Parameters, gradient, eta / count);");
        }
    }

    /// <summary><c>ReadOnlySpan{float}, Span{float}</c>: the parameters of the serial PredictBatch, for a cref that tells the overloads apart.</summary>
    private static string CrefSpans(NetworkPlan plan) => $"{Vocabulary.Global(Vocabulary.ReadOnlySpan)}{{{plan.T}}}, {Vocabulary.Global(Vocabulary.Span)}{{{plan.T}}}";

    /// <summary>
    /// PredictBatch on several threads: the threads (the calling thread one of them) claim the batch piece by piece (whole
    /// groups, each 1/(2·threads) of what is left: guided self-scheduling), each piece the serial kernel, so a thread whose
    /// core is busier takes fewer pieces instead of holding the others up, and the small last pieces let them finish
    /// together. Every sample's outputs are the serial kernel's whatever the cut, because a sample's outputs do not depend
    /// on which group or tile it is computed in.
    /// </summary>
    private static void EmitParallelPredictBatch(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        string t = plan.T, kernels = Kernels(plan), p = ParametersArgument(plan);
        string memory = Vocabulary.Global($"{Vocabulary.Memory}<{t}>"), readOnlyMemory = Vocabulary.Global($"{Vocabulary.ReadOnlyMemory}<{t}>");
        w.Summary($"Feedforward of many samples on up to <paramref name=\"degreeOfParallelism\"/> threads: the threads (the calling thread one "
            + "of them) claim the samples piece by piece, each piece 1/(2·threads) of the samples left, and run "
            + $"<see cref=\"PredictBatch({CrefSpans(plan)})\"/> on each piece, so a thread that runs slower takes fewer. Every sample's "
            + "outputs are bit for bit the serial PredictBatch's (and Predict's), whatever the number of threads.");
        w.Line($"/// <param name=\"inputs\">The samples' inputs, {Vocabulary.Values(m.InputSize)} each, one after another.</param>");
        w.Line($"/// <param name=\"outputs\">Receives the samples' output activations, {Vocabulary.Values(m.OutputSize)} each.</param>");
        w.Comment("/// ", "<param name=\"degreeOfParallelism\">The most threads to use, at least 1 (<see cref=\"global::System.Environment.ProcessorCount\"/>: every core). "
            + (plan.BatchGroup > 1 ? $"Fewer are used when there are fewer than {plan.BatchGroup} samples per thread.</param>" : "Fewer are used when there are fewer samples than threads.</param>"));
        w.Comment("/// ", $"<exception cref=\"{Vocabulary.Global(Vocabulary.ArgumentException)}\">The inputs do not hold whole samples, or the outputs do not hold one output per sample.</exception>");
        w.Comment("/// ", $"<exception cref=\"{Vocabulary.Global(Vocabulary.ArgumentOutOfRangeException)}\"><paramref name=\"degreeOfParallelism\"/> is less than 1.</exception>");
        w.Comment("/// ", "<remarks>It allocates per call (the work items of the thread pool), never per sample. The threads only read this network, so other "
            + "threads may call Predict and PredictBatch meanwhile.</remarks>");
        using (w.Method("public void PredictBatch", $"{readOnlyMemory} inputs", $"{memory} outputs", "int degreeOfParallelism"))
        {
            w.Line($"int count = {kernels}.CheckBatch(inputs.Length, outputs.Length, \"outputs\");");
            w.Line($"int threads = {kernels}.Threads(count, degreeOfParallelism);");
            using (w.Block("if (threads == 1)"))
            {
                w.Line($"{kernels}.PredictBatch({p}inputs.Span, outputs.Span);");
                w.Line("return;");
            }
            w.Line("// Each thread claims the next piece (next is the first sample not yet claimed) until none is left, and writes only");
            w.Line("// its pieces' outputs: 1/(2·threads) of the samples left each time, whole groups, so the last pieces are small.");
            w.Line("int next = 0;");
            w.Line($"{Vocabulary.Global(Vocabulary.Parallel)}.For(0, threads, _ =>");
            using (w.Block("", closing: "});"))
            {
                w.Line("int first;");
                using (w.Block($"while ((first = {Vocabulary.Volatile}.Read(ref next)) < count)"))
                {
                    w.Line($"int end = first + {kernels}.PieceSize(count - first, threads);");
                    w.Line($"if ({Vocabulary.Interlocked}.CompareExchange(ref next, end, first) != first) continue;   // claimed by another thread");
                    w.Line($"{Vocabulary.Global(Vocabulary.ReadOnlySpanOf(t))} pieceInputs = inputs.Span.Slice(first * InputSize, (end - first) * InputSize);");
                    w.Line($"{Vocabulary.Global(Vocabulary.SpanOf(t))} pieceOutputs = outputs.Span.Slice(first * OutputSize, (end - first) * OutputSize);");
                    w.Line($"{kernels}.PredictBatch({p}pieceInputs, pieceOutputs);");
                }
            }
        }
    }

    /// <summary>The members of <c>MlpGen.INetwork&lt;T&gt;</c> that the class does not already have under the same name.</summary>
    private static void EmitRuntimeInterface(CodeWriter w, NetworkPlan plan)
    {
        string i = $"global::MlpGen.INetwork<{plan.T}>";
        const string activation = "global::MlpGen.ActivationFunction";
        w.Line();
        w.Line($"{Vocabulary.Global(Vocabulary.ReadOnlySpan)}<int> {i}.LayerSizes => LayerSizes;");
        w.Line();
        w.Line($"int {i}.InputSize => InputSize;");
        w.Line();
        w.Line($"int {i}.OutputSize => OutputSize;");
        w.Line();
        w.Line($"int {i}.ParameterCount => ParameterCount;");
        w.Line();
        w.Line($"{Vocabulary.Global(Vocabulary.ReadOnlySpan)}<{activation}> {i}.Activations => new[]");
        using (w.Block("", closing: "};"))
        {
            foreach (LayerPlan layer in plan.Layers) w.Line($"{activation}.{layer.Activation},");
        }
        w.Line();
        w.Line($"global::MlpGen.CostFunction {i}.CostFunction => global::MlpGen.CostFunction.{plan.Model.Cost};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// A replica for another thread: a member-wise copy of this instance (<see cref=\"object.MemberwiseClone\"/>; no");
        w.Line("/// constructor runs, so nothing is initialised only to be overwritten) that gets parameter storage of its own,");
        w.Line("/// holding a copy of these parameters, and gradient scratch of its own on first use. Members you declare in this");
        w.Line("/// class are copied as they are: a shallow copy, whose references point to the same objects as this instance's.");
        w.Line("/// </summary>");
        w.Line($"{i} {i}.Replicate()");
        using (w.Block(""))
        {
            string type = plan.Model.TypeName;
            w.Line($"{type} copy = ({type})MemberwiseClone();");
            AllocateStorage(w, plan, "copy.");
            w.Line("copy._gradient = null;");
            w.Line("Parameters.CopyTo(copy.Parameters);");
            w.Line("return copy;");
        }
    }
}
