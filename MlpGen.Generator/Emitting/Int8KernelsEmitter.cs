using System.Linq;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Emitting;

/// <summary>
/// Writes the kernel class of an int8 network (<see cref="NetworkPlan.Int8"/>): the constants, the int8 data unpacked once
/// from the baked bytes, Predict and PredictBatch, and per layer l
/// <list type="bullet">
/// <item><c>Layer{l}(q, negative, z)</c>: z = float(Q·q) ⊙ m + b for one sample's codes q;</item>
/// <item><c>Layer{l}Tile(q, negative, z, n)</c>: the same for the n samples of a tile, each block of rows serving every sample while it is in the cache;</item>
/// </list>
/// and the coders <c>Code</c> (float values to int8 codes) and <c>CodeReLU</c> (ReLU and coding in one pass). Four paths:
/// AVX2 and SSSE3 (<c>pmaddubsw</c> multiplies unsigned by signed bytes and adds pairs into 16 bits, <c>pmaddwd</c> by ones adds
/// those pairs into 32 bits; 256 and 128 bits wide), Vector128 without SSSE3 (widening signed multiplies: NEON, WebAssembly)
/// and scalar. The integer sums are exact, whatever their order, and each float step is one IEEE operation in a fixed order,
/// so every path gives the same bits.
/// </summary>
internal static class Int8KernelsEmitter
{
    /// <summary>A statement padded to the column of its trailing comment, with at least three spaces before it.</summary>
    private static string Padded(this string statement) => statement.Length >= 53 ? statement + "   " : statement.PadRight(56);

    private const string Avx = "X86::Avx";
    private const string Avx2 = "X86::Avx2";

    /// <summary>
    /// An x86 instruction set with the byte multiply-add (<c>pmaddubsw</c>): AVX2 on 256-bit vectors, or SSSE3 on 128-bit ones (x64
    /// without AVX2, e.g. NativeAOT's default target), whose kernels are the same but for the width. <paramref name="Multiply"/>
    /// names the class of <c>pmaddubsw</c>, <c>psignb</c>, <c>pabsb</c> and <c>phaddd</c>; <paramref name="Widen"/> that of
    /// <c>pmaddwd</c>.
    /// </summary>
    private sealed record ByteInstructions(SimdWidth Width, string Name, string Multiply, string Widen)
    {
        public static readonly ByteInstructions Avx2Set = new(SimdWidth.Vector256, "AVX2", Avx2, Avx2);
        public static readonly ByteInstructions Ssse3Set = new(SimdWidth.Vector128, "SSSE3", "X86::Ssse3", "X86::Sse2");

        /// <summary>Bytes of one vector: the step of the loops over a row.</summary>
        public int Bytes => Width.Bits / 8;

        public string Vector => Vocabulary.Vector(Width);

        public string Of(string element) => Vocabulary.VectorOf(Width, element);
    }

    /// <summary>The instruction sets of the byte kernels, widest first, each tried with its <c>IsSupported</c>.</summary>
    private static readonly ByteInstructions[] ByteSets = { ByteInstructions.Avx2Set, ByteInstructions.Ssse3Set };

    public static void Emit(CodeWriter w, NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        w.Summary($"The int8 math of {Vocabulary.Xml(plan.FullName)} ({m.Topology}): each layer codes its inputs as int8, sums each row of its "
            + "int8 weights against the codes in int32, and scales the sums back to float32 (the class's remarks give the arithmetic).");
        if (m.SkipLocalsInit)
        {
            w.Line("// The stack buffers are written before they are read (the coders write the padding's zero codes too): they need not be zeroed first.");
            w.Line(Vocabulary.SkipLocalsInit);
        }
        using (Vocabulary.HelperClass(w, plan, plan.KernelsClass))
        {
            EmitConstants(w, plan);
            EmitData(w, plan);
            EmitPredict(w, plan);
            EmitPredictBatch(w, plan);
            foreach (LayerPlan layer in plan.Layers)
            {
                EmitLayer(w, plan, layer);
                EmitLayerTile(w, plan, layer);
            }
            if (plan.Layers.Any(layer => !FusedCoding(plan, layer))) EmitCode(w, plan, relu: false);
            if (plan.Layers.Any(layer => FusedCoding(plan, layer))) EmitCode(w, plan, relu: true);
            HelperEmitter.Emit(w, plan);
        }
    }

    /// <summary>Whether layer l's input codes come from <c>CodeReLU</c> (<see cref="NetworkPlan.CodesReLU"/>).</summary>
    private static bool FusedCoding(NetworkPlan plan, LayerPlan layer) => plan.CodesReLU(layer);

    private static void EmitConstants(CodeWriter w, NetworkPlan plan)
    {
        KernelsEmitter.EmitLayerSizes(w, plan);
        w.Line();
        w.Line($"// K_l: layer l's rows of int8 weights, and each sample's codes of its inputs, padded with zeros to a multiple of {NetworkPlan.Int8RowBytes} bytes,");
        w.Line("// so that the SIMD loops load whole vectors; the zeros add nothing to the sums.");
        w.Line($"private const int {string.Join(", ", plan.Layers.Select(layer => $"{layer.K} = {layer.PaddedInputs}"))};");
        w.Line();
        w.Line("// Where each layer's padded rows Q_l start in Weights (after Start), and its m_l and b_l in Multipliers and Biases.");
        long q = 0, offset = 0;
        foreach (LayerPlan layer in plan.Layers)
        {
            w.Line($"private const int Q{layer.Index} = {q}, M{layer.Index} = {offset};");
            q += (long)layer.OutputSize * layer.PaddedInputs;
            offset += layer.OutputSize;
        }
        w.Line($"private const int WeightBytes = {q}, OutputCount = {offset};");
        w.Line();
        w.Line("// The parallel PredictBatch cuts its pieces at whole groups of this many samples: the int8 kernels take any number.");
        w.Line("private const int Group = 1;");
        w.Line();
        w.Line("// PredictBatch takes this many samples layer by layer, their codes and activations on the stack.");
        w.Line($"private const int Tile = {plan.Tile};");
        KernelsEmitter.EmitLeakyReLUSlope(w, plan);
    }

    /// <summary>The unpacked data, and the static constructor that unpacks it from the baked bytes.</summary>
    private static void EmitData(CodeWriter w, NetworkPlan plan)
    {
        string weightsClass = $"global::MlpGen.Generated.{plan.WeightsClass}";
        bool modern = plan.Target.ModernBcl;
        w.Line();
        w.Line("// The int8 data, unpacked once from the baked bytes (the static constructor) and shared by every instance:");
        w.Line(modern
            ? "// Weights holds the padded rows of every layer from Start, where the first is 64-byte aligned (the array is pinned),"
            : "// Weights holds the padded rows of every layer from Start (0: .NET Standard cannot pin an array; its kernels are scalar),");
        w.Line("// Multipliers each layer's m_l[j] = s_w,l[j]·s_l and Biases its b_l[j], and InverseScale{l} is 1/s_l: all in float32.");
        w.Line("private static readonly sbyte[] Weights;");
        w.Line("private static readonly int Start;");
        w.Line("private static readonly float[] Multipliers, Biases;");
        w.Line($"private static readonly float {string.Join(", ", plan.Layers.Select(layer => $"InverseScale{layer.Index}"))};");
        w.Line();
        w.Summary($"Unpacks the baked data ({weightsClass.Replace("global::MlpGen.Generated.", "")}.Parameters): for each layer s_in, s_w[m], b[m] "
            + "and Q[m×n], into the arrays above, each row of Q padded with zero weights to K_l bytes.");
        using (w.Block($"static {plan.KernelsClass}()"))
        {
            w.Line($"{Vocabulary.ReadOnlySpanOf("byte")} data = {weightsClass}.Parameters;");
            if (modern)
            {
                w.Line($"Weights = {Vocabulary.GC}.AllocateArray<sbyte>(WeightBytes + 63, pinned: true);   // zeroed: the padding");
                w.Line($"long misalignment = (long){Vocabulary.Marshal}.UnsafeAddrOfPinnedArrayElement(Weights, 0) & 63;");
                w.Line("Start = (int)((64 - misalignment) & 63);");
            }
            else
            {
                w.Line("Weights = new sbyte[WeightBytes];   // zeroed: the padding");
                w.Line("Start = 0;");
            }
            w.Line("Multipliers = new float[OutputCount];");
            w.Line("Biases = new float[OutputCount];");
            w.Line("int offset = 0;");
            foreach (LayerPlan layer in plan.Layers)
            {
                int l = layer.Index;
                w.Line($"// Layer {l}: s_in, then s_w[{layer.Out}], b[{layer.Out}], Q[{layer.Out}×{layer.In}].");
                w.Line($"float scale{l} = ReadSingle(data, offset);");
                w.Line($"InverseScale{l} = 1f / scale{l};");
                w.Line($"for (int j = 0; j < {layer.Out}; j++) Multipliers[M{l} + j] = ReadSingle(data, offset + 4 + 4 * j) * scale{l};");
                w.Line($"for (int j = 0; j < {layer.Out}; j++) Biases[M{l} + j] = ReadSingle(data, offset + 4 + 4 * ({layer.Out} + j));");
                w.Line($"offset += 4 + 8 * {layer.Out};");
                using (w.Block($"for (int j = 0; j < {layer.Out}; j++)"))
                {
                    w.Line($"{Vocabulary.ReadOnlySpanOf("sbyte")} row = {Vocabulary.MemoryMarshal}.Cast<byte, sbyte>(data.Slice(offset + j * {layer.In}, {layer.In}));");
                    w.Line($"row.CopyTo(new {Vocabulary.SpanOf("sbyte")}(Weights, Start + Q{l} + j * {layer.K}, {layer.In}));");
                }
                w.Line($"offset += {layer.Out} * {layer.In};");
            }
        }
        w.Line();
        w.Summary("The little-endian float32 at <paramref name=\"offset\"/>.");
        using (w.Method("private static float ReadSingle", $"{Vocabulary.ReadOnlySpanOf("byte")} data", "int offset"))
        {
            w.Line($"int bits = {Vocabulary.BinaryPrimitives}.ReadInt32LittleEndian(data.Slice(offset));");
            w.Line($"return {Vocabulary.Unsafe}.As<int, float>(ref bits);");
        }
    }

    /// <summary>How layer l's input codes are made from the previous layer's z (or from a0): the statements, in Predict's form.</summary>
    private static void EmitCoding(CodeWriter w, NetworkPlan plan, LayerPlan layer, string source, string target, string negative, bool accumulate)
    {
        int l = layer.Index;
        string assign = accumulate ? "|=" : "=";
        if (l > 1 && FusedCoding(plan, layer))
        {
            w.Line($"CodeReLU({source}, {target}, InverseScale{l});".Padded() + $"// q{l - 1} = codes of a{l - 1} = ReLU(z{l - 1}), in one pass: none negative");
            return;
        }
        if (l > 1 && Vocabulary.Kernel(plan.Layers[l - 2].Activation) is { } kernel)
        {
            w.Line($"{kernel}({source});".Padded() + $"// a{l - 1} = {Vocabulary.Apply(plan.Layers[l - 2].Activation, $"z{l - 1}")}");
        }
        w.Line($"{negative} {assign} Code({source}, {target}, InverseScale{l});".Padded() + $"// q{l - 1} = int8 codes of a{l - 1}; {negative}: any below zero");
    }

    private static void EmitPredict(CodeWriter w, NetworkPlan plan)
    {
        string span = Vocabulary.SpanOf("float"), readOnlySpan = Vocabulary.ReadOnlySpanOf("float"), codes = Vocabulary.SpanOf("sbyte");
        w.Line();
        w.Summary($"Feedforward of one sample: {KernelsEmitter.Equations(plan)}, each layer on int8 codes of its inputs.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method("public static void Predict", $"{readOnlySpan} a0", $"{span} output"))
        {
            foreach (LayerPlan layer in plan.Layers)
            {
                w.Line($"{codes} q{layer.Index - 1} = stackalloc sbyte[{layer.K}];");
                if (layer.Index < plan.L) w.Line($"{span} z{layer.Index} = stackalloc float[{layer.Out}];");
            }
            w.Line("bool negative;   // whether any code of the layer's inputs is below zero");
            foreach (LayerPlan layer in plan.Layers)
            {
                int l = layer.Index;
                string source = l == 1 ? "a0" : $"z{l - 1}", target = l == plan.L ? "output" : $"z{l}";
                EmitCoding(w, plan, layer, source, $"q{l - 1}", "negative", accumulate: false);
                w.Line($"Layer{l}(q{l - 1}, {(FusedCoding(plan, layer) ? "false" : "negative")}, {target});".Padded() + $"// z{l} = float(Q{l}·q{l - 1}) ⊙ m{l} + b{l}");
            }
            if (Vocabulary.Kernel(plan.Output.Activation) is { } kernel) w.Line($"{kernel}(output);".Padded() + $"// a{plan.L} = {Vocabulary.Apply(plan.Output.Activation, $"z{plan.L}")}");
            else w.Line($"// a{plan.L} = z{plan.L}: the identity, nothing to apply.");
        }
    }

    private static void EmitPredictBatch(CodeWriter w, NetworkPlan plan)
    {
        string span = Vocabulary.SpanOf("float"), readOnlySpan = Vocabulary.ReadOnlySpanOf("float"), codes = Vocabulary.SpanOf("sbyte");
        int L = plan.L;
        string output = plan.Output.Out;
        w.Line();
        w.Summary($"Feedforward of many samples: tiles of up to Tile ({plan.Tile}) samples, layer by layer through the tile kernels "
            + $"(each block of {NetworkPlan.Int8Rows} weight rows serves every sample of the tile while it is in the cache). "
            + "Every sample's outputs equal Predict's bit for bit: the sums are exact.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method("public static void PredictBatch", $"{readOnlySpan} inputs", $"{span} outputs"))
        {
            w.Line("int count = inputs.Length / N0;");
            foreach (LayerPlan layer in plan.Layers)
            {
                w.Line($"{codes} q{layer.Index - 1} = stackalloc sbyte[Tile * {layer.K}];");
                if (layer.Index < L) w.Line($"{span} z{layer.Index} = stackalloc float[Tile * {layer.Out}];");
            }
            using (w.Block("for (int s = 0; s < count; s += Tile)"))
            {
                w.Line($"int n = {Vocabulary.Math}.Min(Tile, count - s);");
                w.Line($"{span} z{L} = outputs.Slice(s * {output}, n * {output});");
                w.Line("bool negative;");
                foreach (LayerPlan layer in plan.Layers)
                {
                    int l = layer.Index;
                    bool fused = FusedCoding(plan, layer);
                    if (!fused) w.Line("negative = false;");
                    string source = l == 1 ? $"inputs.Slice((s + i) * N0, N0)" : $"z{l - 1}.Slice(i * {layer.In}, {layer.In})";
                    using (w.Block("for (int i = 0; i < n; i++)"))
                    {
                        EmitCoding(w, plan, layer, source, $"q{l - 1}.Slice(i * {layer.K}, {layer.K})", "negative", accumulate: true);
                    }
                    w.Line($"Layer{l}Tile(q{l - 1}, {(fused ? "false" : "negative")}, z{l}, n);".Padded() + $"// z{l} = float(Q{l}·q{l - 1}) ⊙ m{l} + b{l} for the n samples");
                }
                if (Vocabulary.Kernel(plan.Output.Activation) is { } kernel) w.Line($"for (int i = 0; i < n; i++) {kernel}(z{L}.Slice(i * {output}, {output}));");
                else w.Line($"// a{L} = z{L}: the identity, nothing to apply.");
            }
        }
    }

    /// <summary>The layer kernel of one sample, on each path.</summary>
    private static void EmitLayer(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        w.Line();
        w.Summary($"z = float(Q{l}·q) ⊙ m{l} + b{l} for one sample: q holds {layer.K} codes (zeros past {layer.In}); negative says whether any is below zero.");
        Vocabulary.WriteHot(w, plan, layer: true);
        using (w.Method($"private static void Layer{l}", $"{Vocabulary.ReadOnlySpanOf("sbyte")} q", "bool negative", $"{Vocabulary.SpanOf("float")} z"))
        {
            if (plan.Target.HasVectors)
            {
                foreach (ByteInstructions set in ByteSets)
                {
                    string condition = $"{(set == ByteSets[0] ? "if" : "else if")} ({set.Multiply}.IsSupported)";
                    using (w.Block(condition + (set == ByteSets[0] ? "   // constants to the JIT: only one of the paths is compiled" : "")))
                    {
                        w.Line($"ref sbyte weights = ref {Vocabulary.Unsafe}.Add(ref {Vocabulary.MemoryMarshal}.GetArrayDataReference(Weights), Start + Q{l});");
                        w.Line($"ref sbyte codes = ref {Vocabulary.Reference("q")};");
                        EmitScaleReferences(w, layer);
                        w.Line($"{set.Of("short")} ones = {set.Vector}.Create((short)1);");
                        w.Line("int j = 0;");
                        using (w.Block($"for (; j <= {layer.Out} - {NetworkPlan.Int8Rows}; j += {NetworkPlan.Int8Rows})"))
                        {
                            ByteRows(w, plan, set, layer, NetworkPlan.Int8Rows, "j", "codes", "z", "0");
                        }
                        using (w.Block($"for (; j < {layer.Out}; j++)"))
                        {
                            ByteRows(w, plan, set, layer, 1, "j", "codes", "z", "0");
                        }
                    }
                }
                using (w.Block($"else if ({Vocabulary.Vector(SimdWidth.Vector128)}.IsHardwareAccelerated)   // Arm64's NEON, WebAssembly's SIMD128"))
                {
                    EmitVector128Rows(w, layer);
                }
                using (w.Block("else")) EmitScalarRows(w, layer);
            }
            else
            {
                EmitScalarRows(w, layer);
            }
        }
    }

    /// <summary>The tile's layer kernel: on AVX2 and SSSE3 each block of rows serves every sample of the tile; elsewhere the one-sample kernel per sample.</summary>
    private static void EmitLayerTile(CodeWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        w.Line();
        w.Summary($"Layer{l} for the n samples of a tile: q holds each sample's {layer.K} codes, z receives each sample's {layer.Out} values, one after another. "
            + $"On AVX2 and SSSE3, {NetworkPlan.Int8Rows} rows at a time for every sample, so that each block of rows is read from memory once "
            + $"and from the cache by the other samples; on the other paths, Layer{l} sample by sample.");
        Vocabulary.WriteHot(w, plan, layer: true);
        using (w.Method($"private static void Layer{l}Tile", $"{Vocabulary.ReadOnlySpanOf("sbyte")} q", "bool negative", $"{Vocabulary.SpanOf("float")} z", "int n"))
        {
            if (plan.Target.HasVectors)
            {
                foreach (ByteInstructions set in ByteSets)
                {
                    using (w.Block($"{(set == ByteSets[0] ? "if" : "else if")} ({set.Multiply}.IsSupported)"))
                    {
                        w.Line($"ref sbyte weights = ref {Vocabulary.Unsafe}.Add(ref {Vocabulary.MemoryMarshal}.GetArrayDataReference(Weights), Start + Q{l});");
                        EmitScaleReferences(w, layer);
                        w.Line($"{set.Of("short")} ones = {set.Vector}.Create((short)1);");
                        w.Line("int j = 0;");
                        foreach (int rows in new[] { NetworkPlan.Int8Rows, 1 })
                        {
                            using (w.Block(rows > 1 ? $"for (; j <= {layer.Out} - {rows}; j += {rows})" : $"for (; j < {layer.Out}; j++)"))
                            {
                                using (w.Block("for (int s = 0; s < n; s++)"))
                                {
                                    w.Line($"ref sbyte codes = ref {Vocabulary.Unsafe}.Add(ref {Vocabulary.Reference("q")}, s * {layer.K});");
                                    ByteRows(w, plan, set, layer, rows, "j", "codes", "z", $"s * {layer.Out}");
                                }
                            }
                        }
                        w.Line("return;");
                    }
                }
            }
            w.Line($"for (int s = 0; s < n; s++) Layer{l}(q.Slice(s * {layer.K}, {layer.K}), negative, z.Slice(s * {layer.Out}, {layer.Out}));");
        }
    }

    /// <summary>References to the layer's first multiplier and bias, for the four-row vector loads.</summary>
    private static void EmitScaleReferences(CodeWriter w, LayerPlan layer)
    {
        w.Line($"ref float multipliers = ref {Vocabulary.MemoryMarshal}.GetArrayDataReference(Multipliers), biases = ref {Vocabulary.MemoryMarshal}.GetArrayDataReference(Biases);");
        w.Line($"multipliers = ref {Vocabulary.Unsafe}.Add(ref multipliers, M{layer.Index});");
        w.Line($"biases = ref {Vocabulary.Unsafe}.Add(ref biases, M{layer.Index});");
    }

    private static string Vector256 => Vocabulary.Vector(SimdWidth.Vector256);

    private static string V256(string element) => Vocabulary.VectorOf(SimdWidth.Vector256, element);

    /// <summary>
    /// The sums of <paramref name="rows"/> rows from row <paramref name="j"/> against one sample's codes (from
    /// <paramref name="codes"/>), with <paramref name="set"/>'s byte multiply-adds, then each z = float(sum)·m + b, the sample's
    /// from <paramref name="first"/>. Two loops: one for codes that are all non-negative, the unsigned operand of
    /// <c>pmaddubsw</c> as they are, and one for signed codes, where |q| is the unsigned operand and each weight takes q's sign
    /// (<c>psignb</c>): Q·q = (sign(q)·Q)·|q|. Either way no 16-bit pair sum can saturate: |q|, |Q| ≤ 127, so a pair is at most
    /// 2·127² = 32,258. Where the baked weights allow it for the loop's codes (<see cref="NetworkPlan.Paired"/>), the loop
    /// adds the pair sums of two 32-byte blocks in 16 bits before widening them (<see cref="PairedSums"/>).
    /// </summary>
    private static void ByteRows(CodeWriter w, NetworkPlan plan, ByteInstructions set, LayerPlan layer, int rows, string j, string codes, string z, string first)
    {
        string k = layer.K, vector = set.Vector, multiply = set.Multiply;
        w.Line($"ref sbyte row = ref {Vocabulary.Unsafe}.Add(ref weights, {j} * {k});");
        w.Line($"{set.Of("int")} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"sum{r} = default"))};");
        foreach (bool signed in new[] { true, false })
        {
            using (w.Block(signed ? "if (negative)" : "else"))
            {
                w.Line(signed
                    ? "// Some codes are negative: |q| is the unsigned operand, and each weight takes the sign of its code."
                    : "// No code is negative: the codes are the unsigned operand as they are.");
                bool paired = plan.Paired(layer, signed ? PairedSums.CodeSign.Any : PairedSums.CodeSign.NonNegative);
                int block = 2 * NetworkPlan.Int8RowBytes;
                if (paired)
                {
                    w.Line($"// Paired: every 16-bit lane of two blocks' pair sums added stays within ±32,767 for these weights (checked when they were baked),");
                    w.Line($"// so one pmaddwd widens the products of {block} bytes.");
                    bool tail = layer.PaddedInputs % block != 0;
                    if (tail) w.Line("int k = 0;");
                    using (w.Block(tail ? $"for (; k < {k} - {NetworkPlan.Int8RowBytes}; k += {block})" : $"for (int k = 0; k < {k}; k += {block})"))
                    {
                        BlockSteps(withPartners: true);
                    }
                    if (tail)
                    {
                        w.Line($"// The last {NetworkPlan.Int8RowBytes} bytes (k = {k} − {NetworkPlan.Int8RowBytes}) have no partner: widened alone.");
                        BlockSteps(withPartners: false);
                    }
                }
                else
                {
                    using (w.Block($"for (int k = 0; k < {k}; k += {set.Bytes})"))
                    {
                        ByteProducts(w, set, k, rows, signed, codes, Offset(0), null);
                    }
                }

                // The 32 bytes from k (with their partners 32 bytes on, when paired) in vectors of the set's width: one step on
                // AVX2, two on SSSE3. Each step is a block of its own, but the one step of the paired loop's body, so that the
                // names of one step's locals can be used again.
                void BlockSteps(bool withPartners)
                {
                    int steps = NetworkPlan.Int8RowBytes / set.Bytes;
                    for (int u = 0; u < NetworkPlan.Int8RowBytes; u += set.Bytes)
                    {
                        string? partner = withPartners ? Offset(u + NetworkPlan.Int8RowBytes) : null;
                        if (steps == 1 && withPartners)
                        {
                            ByteProducts(w, set, k, rows, signed, codes, Offset(u), partner);
                            continue;
                        }
                        if (steps > 1) w.Line($"// Bytes k + {u} … k + {u + set.Bytes - 1}" + (withPartners ? $", with k + {u + NetworkPlan.Int8RowBytes} … k + {u + NetworkPlan.Int8RowBytes + set.Bytes - 1}." : "."));
                        using (w.Block("")) ByteProducts(w, set, k, rows, signed, codes, Offset(u), partner);
                    }
                }
            }
        }
        string v128 = Vocabulary.Vector(SimdWidth.Vector128);
        string at = first == "0" ? "" : first + " + ";
        if (rows == 4)
        {
            // The four rows' sums at once: horizontal adds leave each row's total (of each 128-bit half, on AVX2) in one lane,
            // and z = float(sum)·m + b for the four rows in one vector: the same IEEE operations, lane by lane.
            string pairs = $"{multiply}.HorizontalAdd({multiply}.HorizontalAdd(sum0, sum1), {multiply}.HorizontalAdd(sum2, sum3))";
            if (set.Width == SimdWidth.Vector256)
            {
                w.Line($"{set.Of("int")} pairs = {pairs};");
                w.Line($"{Vocabulary.VectorOf(SimdWidth.Vector128, "int")} sums = {vector}.GetLower(pairs) + {vector}.GetUpper(pairs);");
            }
            else
            {
                w.Line($"{Vocabulary.VectorOf(SimdWidth.Vector128, "int")} sums = {pairs};");
            }
            w.Line($"{Vocabulary.VectorOf(SimdWidth.Vector128, "float")} products = {v128}.ConvertToSingle(sums) * {v128}.LoadUnsafe(ref multipliers, (nuint){j});");
            w.Line($"{v128}.StoreUnsafe(products + {v128}.LoadUnsafe(ref biases, (nuint){j}), ref {Vocabulary.Reference(z)}, (nuint)({at}{j}));");
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            string jr = r == 0 ? j : $"{j} + {r}";
            w.Line($"{z}[{at}{jr}] = {vector}.Sum(sum{r}) * Multipliers[M{layer.Index} + {jr}] + Biases[M{layer.Index} + {jr}];");
        }
    }

    /// <summary>The index <paramref name="u"/> bytes after k, as a LoadUnsafe argument.</summary>
    private static string Offset(int u) => u == 0 ? "(nuint)k" : $"(nuint)(k + {u})";

    /// <summary>
    /// One step of <see cref="ByteRows"/>: the sample's codes at <paramref name="at"/> (and, paired, at <paramref name="next"/>),
    /// and for each row its weights there, multiplied, the pair sums (of both blocks, paired) widened into the row's sum.
    /// </summary>
    private static void ByteProducts(CodeWriter w, ByteInstructions set, string k, int rows, bool signed, string codes, string at, string? next)
    {
        string vector = set.Vector, multiply = set.Multiply;
        string Row(int r) => r == 0 ? "row" : $"{Vocabulary.Unsafe}.Add(ref row, {(r == 1 ? k : $"{r} * {k}")})";
        var halves = next is null ? new[] { (Offset: at, Suffix: "") } : new[] { (Offset: at, Suffix: ""), (Offset: next, Suffix: "Next") };
        foreach ((string offset, string suffix) in halves)
        {
            string load = $"{vector}.LoadUnsafe(ref {codes}, {offset})";
            if (signed)
            {
                w.Line($"{set.Of("sbyte")} c{suffix} = {load};");
                w.Line($"{set.Of("byte")} a{suffix} = {multiply}.Abs(c{suffix});");
            }
            else
            {
                w.Line($"{set.Of("byte")} a{suffix} = {vector}.AsByte({load});");
            }
        }
        // Signed codes: each weight vector is loaded into a register for psignb. Non-negative codes: each pmaddubsw reads its
        // weights from memory itself (the JIT folds the load), which leaves the vector registers to the sums.
        for (int r = 0; r < rows; r++)
        {
            string Product((string Offset, string Suffix) half)
            {
                string weight = signed ? $"{multiply}.Sign(w{r}{half.Suffix}, c{half.Suffix})" : $"{vector}.LoadUnsafe(ref {Row(r)}, {half.Offset})";
                return $"{multiply}.MultiplyAddAdjacent(a{half.Suffix}, {weight})";
            }
            if (signed)
            {
                foreach ((string offset, string suffix) in halves) w.Line($"{set.Of("sbyte")} w{r}{suffix} = {vector}.LoadUnsafe(ref {Row(r)}, {offset});");
            }
            string pairs = string.Join(" + ", halves.Select(Product));
            w.Line($"sum{r} += {set.Widen}.MultiplyAddAdjacent({pairs}, ones);");
        }
    }

    /// <summary>
    /// The Vector128 rows, one at a time: 16 codes and 16 weights widened to 16 bits and multiplied (each product at most 127²),
    /// two products added (at most 2·127², no overflow), and the pairs widened to 32 bits into the sum.
    /// </summary>
    private static void EmitVector128Rows(CodeWriter w, LayerPlan layer)
    {
        string vector = Vocabulary.Vector(SimdWidth.Vector128), shorts = Vocabulary.VectorOf(SimdWidth.Vector128, "short"), ints = Vocabulary.VectorOf(SimdWidth.Vector128, "int");
        int l = layer.Index;
        w.Line("// Signed by signed: the sign of the codes needs no care here.");
        w.Line($"ref sbyte weights = ref {Vocabulary.Unsafe}.Add(ref {Vocabulary.MemoryMarshal}.GetArrayDataReference(Weights), Start + Q{l});");
        w.Line($"ref sbyte codes = ref {Vocabulary.Reference("q")};");
        using (w.Block($"for (int j = 0; j < {layer.Out}; j++)"))
        {
            w.Line($"ref sbyte row = ref {Vocabulary.Unsafe}.Add(ref weights, j * {layer.K});");
            w.Line($"{ints} sum = default;");
            using (w.Block($"for (int k = 0; k < {layer.K}; k += 16)"))
            {
                w.Line($"({shorts} codesLow, {shorts} codesHigh) = {vector}.Widen({vector}.LoadUnsafe(ref codes, (nuint)k));");
                w.Line($"({shorts} rowLow, {shorts} rowHigh) = {vector}.Widen({vector}.LoadUnsafe(ref row, (nuint)k));");
                w.Line($"({ints} pairsLow, {ints} pairsHigh) = {vector}.Widen(codesLow * rowLow + codesHigh * rowHigh);");
                w.Line("sum += pairsLow + pairsHigh;");
            }
            w.Line($"z[j] = {vector}.Sum(sum) * Multipliers[M{l} + j] + Biases[M{l} + j];");
        }
    }

    /// <summary>The scalar rows: the plain integer sum, as MlpGen.Quantization.QuantizedLayer has it.</summary>
    private static void EmitScalarRows(CodeWriter w, LayerPlan layer)
    {
        int l = layer.Index;
        using (w.Block($"for (int j = 0; j < {layer.Out}; j++)"))
        {
            w.Line($"int row = Start + Q{l} + j * {layer.K};");
            w.Line("int sum = 0;");
            w.Line($"for (int i = 0; i < {layer.In}; i++) sum += Weights[row + i] * q[i];   // exact: |sum| ≤ 127²·{layer.In}");
            w.Line($"z[j] = sum * Multipliers[M{l} + j] + Biases[M{l} + j];");
        }
    }

    /// <summary>
    /// <c>Code</c>: q[i] = clamp(round(a[i]·inverse), −127, 127), rounding half to even, for the values of a, and zero codes
    /// for the rest of q (the padding); it returns whether any code is negative. <c>CodeReLU</c>: the codes of ReLU(a), with 0
    /// as the clamp's floor, so that no code is negative. A NaN is clamped to the floor on every path (the comparisons are
    /// written so), as MlpGen.Quantization.QuantizedLayer.Code does.
    /// </summary>
    private static void EmitCode(CodeWriter w, NetworkPlan plan, bool relu)
    {
        string floor = relu ? "0f" : "-127f";
        w.Line();
        w.Summary(relu
            ? "q[i] = clamp(round(ReLU(a[i])·inverse), 0, 127), rounding half to even, for the values of a (ReLU and coding in one pass); zero codes for the rest of q."
            : "q[i] = clamp(round(a[i]·inverse), −127, 127), rounding half to even, for the values of a; zero codes for the rest of q. Returns whether any code is negative.");
        Vocabulary.WriteHot(w, plan);
        using (w.Method($"private static {(relu ? "void" : "bool")} {(relu ? "CodeReLU" : "Code")}", $"{Vocabulary.ReadOnlySpanOf("float")} a", $"{Vocabulary.SpanOf("sbyte")} q", "float inverse"))
        {
            w.Line("int i = 0;");
            if (!relu) w.Line("bool negative = false;");
            if (plan.Target.HasVectors)
            {
                using (w.Block($"if ({Avx2}.IsSupported)"))
                {
                    w.Line($"ref float values = ref {Vocabulary.Reference("a")};");
                    w.Line($"ref sbyte codes = ref {Vocabulary.Reference("q")};");
                    w.Line($"{V256("float")} scale = {Vector256}.Create(inverse), ceiling = {Vector256}.Create(127f);");
                    w.Line($"{V256("sbyte")} floor = {Vector256}.Create((sbyte){floor.TrimEnd('f')});");
                    if (!relu) w.Line($"{V256("sbyte")} least = default;");
                    using (w.Block("for (; i <= a.Length - 32; i += 32)"))
                    {
                        w.Line("// min(127, a·(1/s)): vminps gives its second operand where either is NaN, so a NaN goes on. vcvtps2dq rounds half");
                        w.Line("// to even, and makes a NaN or a value below int32's range int.MinValue.");
                        for (int v = 0; v < 4; v++)
                        {
                            string offset = v == 0 ? "(nuint)i" : $"(nuint)(i + {8 * v})";
                            w.Line($"{V256("int")} c{v} = {Avx}.ConvertToVector256Int32({Avx}.Min(ceiling, {Vector256}.LoadUnsafe(ref values, {offset}) * scale));");
                        }
                        w.Line($"// The saturating packs take everything below −128 to −128 (a NaN too), and vpmaxsb lifts it to the floor, {floor.TrimEnd('f').Replace("-", "−")}.");
                        w.Line($"{V256("sbyte")} packed = {Avx2}.Max({Avx2}.PackSignedSaturate({Avx2}.PackSignedSaturate(c0, c1), {Avx2}.PackSignedSaturate(c2, c3)), floor);");
                        if (!relu) w.Line($"least = {Avx2}.Min(least, packed);");
                        w.Line("// The packs work within 128-bit lanes: one permute of 32-bit elements puts the 32 codes back in order.");
                        w.Line($"{V256("int")} ordered = {Avx2}.PermuteVar8x32({Vector256}.AsInt32(packed), {Vector256}.Create(0, 4, 1, 5, 2, 6, 3, 7));");
                        w.Line($"{Vector256}.StoreUnsafe({Vector256}.AsSByte(ordered), ref codes, (nuint)i);");
                    }
                    if (!relu) w.Line($"negative = {Vector256}.LessThanAny(least, {V256("sbyte")}.Zero);");
                }
                string vector = Vocabulary.Vector(SimdWidth.Vector128), floats = Vocabulary.VectorOf(SimdWidth.Vector128, "float"), ints = Vocabulary.VectorOf(SimdWidth.Vector128, "int");
                using (w.Block($"else if ({vector}.IsHardwareAccelerated)"))
                {
                    w.Line($"ref float values = ref {Vocabulary.Reference("a")};");
                    w.Line($"ref sbyte codes = ref {Vocabulary.Reference("q")};");
                    w.Line($"{floats} scale = {vector}.Create(inverse), floor = {vector}.Create({floor}), ceiling = {vector}.Create(127f);");
                    w.Line("// Adding 1.5·2^23 leaves no bits below the units: the sum is x rounded half to even, and subtracting it again is exact.");
                    w.Line($"{floats} round = {vector}.Create(12582912f);");
                    if (!relu) w.Line($"{ints} least = default;");
                    using (w.Block("for (; i <= a.Length - 16; i += 16)"))
                    {
                        for (int v = 0; v < 4; v++)
                        {
                            string offset = v == 0 ? "(nuint)i" : $"(nuint)(i + {4 * v})";
                            w.Line($"{floats} x{v} = {vector}.LoadUnsafe(ref values, {offset}) * scale;");
                            w.Line($"x{v} = {vector}.ConditionalSelect({vector}.GreaterThan(x{v}, floor), x{v}, floor);   // NaN: the floor");
                            w.Line($"x{v} = {vector}.ConditionalSelect({vector}.LessThan(x{v}, ceiling), x{v}, ceiling);");
                            w.Line($"{ints} c{v} = {vector}.ConvertToInt32(x{v} + round - round);");
                        }
                        if (!relu) w.Line($"least = {vector}.Min(least, {vector}.Min({vector}.Min(c0, c1), {vector}.Min(c2, c3)));");
                        w.Line($"{vector}.StoreUnsafe({vector}.Narrow({vector}.Narrow(c0, c1), {vector}.Narrow(c2, c3)), ref codes, (nuint)i);");
                    }
                    if (!relu) w.Line($"negative = {vector}.LessThanAny(least, {ints}.Zero);");
                }
            }
            using (w.Block("for (; i < a.Length; i++)"))
            {
                w.Line("float x = a[i] * inverse;");
                w.Line($"x = x > {floor} ? x : {floor};   // NaN: the floor");
                w.Line("x = x < 127f ? x : 127f;");
                string round = plan.Target.ModernBcl ? $"{Vocabulary.MathF}.Round(x)" : $"{Vocabulary.Math}.Round(x)";   // a float is exact in double
                w.Line($"sbyte code = (sbyte){round};");
                w.Line("q[i] = code;");
                if (!relu) w.Line("negative |= code < 0;");
            }
            w.Line("q.Slice(a.Length).Clear();");
            if (!relu) w.Line("return negative;");
        }
    }
}
