using System;
using System.Collections.Generic;
using System.Linq;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Model;

/// <summary>How one weight layer's kernels are written.</summary>
internal enum LayerKernel
{
    /// <summary>SIMD multiply-add loops with constant trip counts, in a <c>Vector256</c> and a <c>Vector128</c> form (and a scalar-loop path).</summary>
    Simd,

    /// <summary>Every multiply-add written out as a statement with constant indices.</summary>
    StraightLine,
}

/// <summary>
/// One SIMD width the kernels are written for: <c>Vector256</c> or <c>Vector128</c>. Every SIMD kernel is emitted
/// once per width from the same emitter code, and the generated code picks the widest one the machine accelerates
/// (<see cref="NetworkPlan.Widths"/>, widest first). There is no Vector512 form: on the Zen 4 prototypes it was
/// 3–15% slower than Vector256 (docs/design/codegen-evidence.md), and no AVX-512 machine was at hand to measure it in
/// the project's benchmarks.
/// </summary>
internal sealed class SimdWidth
{
    public static readonly SimdWidth Vector256 = new(256, "AVX2 on x64");
    public static readonly SimdWidth Vector128 = new(128, "SSE on x64 without AVX2, e.g. NativeAOT's default target; NEON on Arm64; SIMD128 on WebAssembly");

    private SimdWidth(int bits, string where)
    {
        Bits = bits;
        Where = where;
    }

    /// <summary>256 or 128.</summary>
    public int Bits { get; }

    /// <summary>Where this width is the widest one accelerated, in prose for a comment.</summary>
    public string Where { get; }

    /// <summary>The vector class's name, <c>Vector256</c> or <c>Vector128</c>, as prose says it (the code names it through <c>Vocabulary.Vector</c>).</summary>
    public string Name => $"Vector{Bits}";

    /// <summary>Lanes of one vector of an element of <paramref name="elementSize"/> bytes.</summary>
    public int Lanes(int elementSize) => Bits / 8 / elementSize;
}

/// <summary>
/// The decisions about weight layer l (1 ≤ l ≤ L) of a network: its sizes, where its parameters live,
/// and the shape of its kernels. The names are those of the constants the kernel class declares, so
/// that emitted code says <c>N0</c> where it means the input width.
/// </summary>
internal sealed class LayerPlan
{
    public LayerPlan(int index, int inputSize, int outputSize, long weightOffset, long biasOffset, LayerKernel kernel, ActivationFunction activation,
        int initFrom, ActivationFunction initFor)
    {
        Activation = activation;
        InitFrom = initFrom;
        InitFor = initFor;
        Init = NetworkRules.InitializerFor(initFor);
        (WeightScale, BiasScale) = NetworkRules.NormalScales(Init, inputSize, outputSize);
        Index = index;
        InputSize = inputSize;
        OutputSize = outputSize;
        WeightOffset = weightOffset;
        BiasOffset = biasOffset;
        Kernel = kernel;
    }

    /// <summary>l: the layer's weights W_l take a_(l−1) to z_l.</summary>
    public int Index { get; }

    /// <summary>n_in, the width of a_(l−1).</summary>
    public int InputSize { get; }

    /// <summary>n_out, the width of a_l.</summary>
    public int OutputSize { get; }

    /// <summary>Where W_l (n_out × n_in, row-major) starts in the parameter vector.</summary>
    public long WeightOffset { get; }

    /// <summary>Where b_l (n_out) starts in the parameter vector.</summary>
    public long BiasOffset { get; }

    public LayerKernel Kernel { get; }

    /// <summary>a_l = f(z_l): the layer's activation function.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>
    /// The activation whose scheme initialises this layer: its own for a hidden layer; for the output layer
    /// the last hidden layer's (the output's own when there is no hidden layer).
    /// </summary>
    public ActivationFunction InitFor { get; }

    /// <summary>The layer whose activation <see cref="InitFor"/> is: this one, or the last hidden layer for the output.</summary>
    public int InitFrom { get; }

    /// <summary>How the seeded constructor scales this layer's N(0, 1) draws.</summary>
    public Initializer Init { get; }

    /// <summary>W_l = z · WeightScale for the draws z (computed in double): 1, √(2/(n_in + n_out)) or √(2/n_in).</summary>
    public double WeightScale { get; }

    /// <summary>b_l = z · BiasScale for the draws z: 1 for the standard normal scheme, else 0.</summary>
    public double BiasScale { get; }

    /// <summary>n_in × n_out.</summary>
    public long MultiplyAdds => (long)InputSize * OutputSize;

    /// <summary>
    /// Whether backpropagation keeps this layer's z as well as its activations: its derivative needs z (GELU, SiLU;
    /// <see cref="NetworkRules.DerivativeNeedsZ"/>). Only hidden layers are ever differentiated this way.
    /// </summary>
    public bool KeepsZ => NetworkRules.DerivativeNeedsZ(Activation);

    /// <summary>The name of the constant holding n_in: <c>N{l−1}</c>.</summary>
    public string In => $"N{Index - 1}";

    /// <summary>The name of the constant holding n_out: <c>N{l}</c>.</summary>
    public string Out => $"N{Index}";

    /// <summary>The name of the constant holding the offset of W_l: <c>W{l}</c>.</summary>
    public string W => $"W{Index}";

    /// <summary>The name of the constant holding the offset of b_l: <c>B{l}</c>.</summary>
    public string B => $"B{Index}";

    /// <summary>
    /// An int8 network's row length K_l: n_in rounded up to <see cref="NetworkPlan.Int8RowBytes"/>. Each row of int8 weights is
    /// padded with zero weights to K_l bytes, and each sample's input codes with zero codes, so that the SIMD loops load whole
    /// vectors and the padding adds nothing to the sums.
    /// </summary>
    public int PaddedInputs => (InputSize + NetworkPlan.Int8RowBytes - 1) / NetworkPlan.Int8RowBytes * NetworkPlan.Int8RowBytes;

    /// <summary>The name of the constant holding <see cref="PaddedInputs"/>: <c>K{l}</c>.</summary>
    public string K => $"K{Index}";
}

/// <summary>
/// Everything decided about a network before a line is emitted: one <see cref="LayerPlan"/> per weight
/// layer (sizes, offsets, kernel shape), the samples a training chunk keeps on the stack, the samples a
/// grouped kernel computes at once. Derived from a <see cref="NetworkModel"/> by <see cref="For"/> in one
/// place, so the emitters only read decisions and the rules can be tested without emitting code.
/// </summary>
internal sealed class NetworkPlan
{
    /// <summary>Samples the grouped feedforward kernels (<c>Layer{l}Group</c>) compute together, sharing each weight load.</summary>
    public const int Group = 4;

    /// <summary>Bytes of stack a training chunk may use for its activations and deltas.</summary>
    public const int ChunkStackBudget = 64 * 1024;

    /// <summary>Most samples whose activations a training chunk keeps at once.</summary>
    public const int MaxChunk = 16;

    /// <summary>Bytes of stack PredictBatch may use for the hidden activations of a tile.</summary>
    public const int TileStackBudget = 128 * 1024;

    /// <summary>Most samples PredictBatch takes through the layers at once.</summary>
    public const int MaxTile = 32;

    /// <summary>
    /// The bytes an int8 network pads each row of weights (and each sample's input codes) to: one <c>Vector256</c> of bytes,
    /// so that every SIMD path loads whole vectors.
    /// </summary>
    public const int Int8RowBytes = PairedSums.RowBytes;


    /// <summary>Rows of int8 weights the AVX2 kernels sum at once, sharing each load of a sample's codes.</summary>
    public const int Int8Rows = 4;

    private NetworkPlan(NetworkModel model, IReadOnlyList<LayerPlan> layers, int chunk, int tile)
    {
        Model = model;
        Layers = layers;
        Chunk = chunk;
        Tile = tile;
    }

    public NetworkModel Model { get; }

    /// <summary>Whether the network is int8 (a baked quantized file, <see cref="NetworkModel.Int8"/>): integer kernels, inference only.</summary>
    public bool Int8 => Model.Int8;

    /// <summary>
    /// Whether the kernels declare their own exponential (<c>VectorMathEmitter</c>) instead of calling .NET 9's vector
    /// <c>Exp</c>: on .NET 8, which has none, and in every int8 network, whose scalar loops then take the same exponential
    /// (no <c>MathF.Exp</c>), so that all its paths give the same bits.
    /// </summary>
    public bool OwnExp => Target.OwnVectorMath || Int8;

    /// <summary>Samples the grouped kernels of PredictBatch compute at once: <see cref="Group"/>, or 1 for an int8 network, whose tile kernels take one sample at a time.</summary>
    public int BatchGroup => BatchGroupOf(Model);

    private static int BatchGroupOf(NetworkModel m) => m.Int8 ? 1 : Group;

    /// <summary>The weight layers 1..L, in order (<c>Layers[0]</c> is layer 1).</summary>
    public IReadOnlyList<LayerPlan> Layers { get; }

    /// <summary>L, the number of weight layers.</summary>
    public int L => Layers.Count;

    /// <summary>The output layer's plan, layer L.</summary>
    public LayerPlan Output => Layers[Layers.Count - 1];

    /// <summary>Samples per training chunk.</summary>
    public int Chunk { get; }

    /// <summary>
    /// Samples PredictBatch takes layer by layer at once, whole groups: each block of weight rows the grouped kernel loads
    /// serves every group of the tile, so that a layer's weights stream from memory once per tile instead of once per group.
    /// </summary>
    public int Tile { get; }

    /// <summary>The C# keyword of the element type, e.g. <c>float</c>.</summary>
    public string T => Model.ElementKeyword;

    /// <summary>Lanes of one <c>Vector256</c> of the element type: the widest vector, which decides the layers' kernel shapes.</summary>
    public int Lanes => Model.Lanes;

    /// <summary>
    /// The SIMD widths every SIMD kernel is written for, widest first: the generated code takes the first one the machine
    /// accelerates, else scalar loops. None where the framework has no vectors (netstandard2.0): scalar loops only.
    /// </summary>
    public IReadOnlyList<SimdWidth> Widths => Target.HasVectors ? AllWidths : Array.Empty<SimdWidth>();

    /// <summary>Every SIMD width, widest first.</summary>
    public static IReadOnlyList<SimdWidth> AllWidths { get; } = new[] { SimdWidth.Vector256, SimdWidth.Vector128 };

    /// <summary>Lanes of one vector of <paramref name="width"/> of the element type.</summary>
    public int LanesOf(SimdWidth width) => width.Lanes(Model.ElementSize);

    /// <summary>What the generated code may use of the language and the framework.</summary>
    public CodeTarget Target => Model.Target;

    /// <summary>
    /// The class holding the math: file-local, named after the network (<c>NetKernels</c>); below C# 11 internal, named
    /// after the network's full metadata name (<c>Demo_Net_Kernels</c>), so that no two networks' kernels share a name.
    /// </summary>
    public string KernelsClass => HelperClass("Kernels");

    /// <summary>The class holding baked-in parameters, named as <see cref="KernelsClass"/> is.</summary>
    public string WeightsClass => HelperClass("Weights");

    /// <summary>
    /// How the helper classes (kernels, baked weights) are declared, up to their name: <c>file static class</c>, or below
    /// C# 11 <c>internal static class</c>, which the emitter keeps out of IntelliSense (<c>Vocabulary.NotBrowsable</c>).
    /// </summary>
    public string HelperDeclaration => Target.FileLocalTypes ? "file static class" : "internal static class";

    private string HelperClass(string role) => Target.FileLocalTypes ? Model.TypeName + role : Model.UniqueName + "_" + role;

    /// <summary>The network class as the user would name it: namespace, containing types, name.</summary>
    public string FullName => Model.FullName;

    /// <summary>The cost the network trains on.</summary>
    public CostFunction Cost => Model.Cost;

    /// <summary>The hidden layers 1..L−1, whose activations' derivatives backpropagation multiplies by.</summary>
    public IEnumerable<LayerPlan> Hidden => Layers.Take(Layers.Count - 1);

    /// <summary>
    /// The activation kernels the network calls, each once, in enum order (identity needs none; nor does an int8 network's
    /// ReLU hidden layer, whose activation is part of the next layer's coding, <see cref="CodesReLU"/>).
    /// </summary>
    public IReadOnlyList<ActivationFunction> ActivationKernels =>
        Layers.Where(l => !(l.Index < L && CodesReLU(Layers[l.Index])))
            .Select(l => l.Activation).Where(a => a != ActivationFunction.Identity).Distinct().OrderBy(a => a).ToList();

    /// <summary>
    /// Whether an int8 network codes the inputs of <paramref name="layer"/> with <c>CodeReLU</c>: the layer before it is a
    /// ReLU hidden layer, whose activation and the coding of its values are one pass (no negative codes, no separate ReLU).
    /// </summary>
    public bool CodesReLU(LayerPlan layer) => Int8 && layer.Index > 1 && Layers[layer.Index - 2].Activation == ActivationFunction.ReLU;

    /// <summary>
    /// Whether the x64 kernels of an int8 network's <paramref name="layer"/> take the paired form for codes of
    /// <paramref name="codes"/>' sign: add the 16-bit pair sums of two 32-byte blocks before widening them, which the
    /// baked weights allow when every lane stays within 16 bits (<see cref="PairedSums"/>, checked on the file's weights:
    /// <see cref="BakedWeights.Pairing"/>). A layer that allows it for any codes allows it for non-negative ones.
    /// </summary>
    public bool Paired(LayerPlan layer, PairedSums.CodeSign codes) =>
        Int8 && Model.Weights is { Pairing: { Count: > 0 } pairing } && pairing[layer.Index - 1] is { } fits
            && (fits == PairedSums.CodeSign.Any || codes == PairedSums.CodeSign.NonNegative);

    /// <summary>The derivative kernels backpropagation calls: those of the hidden layers' activations, each once, in enum order.</summary>
    public IReadOnlyList<ActivationFunction> DerivativeKernels => Hidden.Select(l => l.Activation).Distinct().OrderBy(a => a).ToList();

    /// <summary>True when any layer is GELU: the kernel class then has the normal distribution's helpers (Φ and φ).</summary>
    public bool UsesGELU => Layers.Any(l => l.Activation == ActivationFunction.GELU);

    /// <summary>True when any layer is leaky ReLU: the kernel class then declares the slope.</summary>
    public bool UsesLeakyReLU => Layers.Any(l => l.Activation == ActivationFunction.LeakyReLU);

    /// <summary>True when every layer is sigmoid (network.py's network).</summary>
    public bool AllSigmoid => Layers.All(l => l.Activation == ActivationFunction.Sigmoid);

    /// <summary>True when every layer draws N(0, 1) unscaled: the constructor is network.py's, one N(0, 1) draw per parameter.</summary>
    public bool StandardNormalEverywhere => Layers.All(l => l.Init == Initializer.StandardNormal);

    public static NetworkPlan For(NetworkModel m)
    {
        ParameterLayout layout = m.Layout;
        var layers = new LayerPlan[m.WeightLayerCount];
        for (int l = 1; l <= layers.Length; l++)
        {
            int nIn = m.LayerSizes[l - 1], nOut = m.LayerSizes[l];
            int initFrom = NetworkRules.InitializerSourceLayer(l, layers.Length);
            layers[l - 1] = new LayerPlan(l, nIn, nOut, layout.WeightOffset(l), layout.BiasOffset(l), KernelFor(m.Shape, nIn, m.Lanes), m.Activations[l - 1],
                initFrom, m.Activations[initFrom - 1]);
        }
        // Per sample of a chunk: a_l and δ_l of every layer, and z_l of the layers whose derivative needs it.
        long perSample = (2L * m.LayerSizes.Skip(1).Sum(s => (long)s) + layers.Where(l => l.KeepsZ).Sum(l => (long)l.OutputSize)) * m.ElementSize;
        int chunk = (int)Math.Max(1, Math.Min(MaxChunk, ChunkStackBudget / perSample));
        // A tile keeps its hidden activations on the stack; an int8 tile also every layer's input codes (K_l bytes a sample).
        long hiddenPerSample = Math.Max(1, m.LayerSizes.Skip(1).Take(layers.Length - 1).Sum(s => (long)s) * m.ElementSize
            + (m.Int8 ? layers.Sum(layer => (long)layer.PaddedInputs) : 0));
        int group = BatchGroupOf(m);
        int tile = (int)Math.Max(group, Math.Min(MaxTile, TileStackBudget / hiddenPerSample / group * group));
        return new NetworkPlan(m, layers, chunk, tile);
    }

    /// <summary>
    /// The kernel shape of a layer. Auto: SIMD wherever the layer's input fills at least one vector (writing
    /// 16→16 and 16→10 out as straight-line code measured 1.1–1.5× slower), straight-line code for narrower
    /// layers, where SIMD would have no full vector to work with. The forced shapes apply to every layer.
    /// </summary>
    internal static LayerKernel KernelFor(CodeShape shape, int inputSize, int lanes) => shape switch
    {
        CodeShape.UnrolledScalar => LayerKernel.StraightLine,
        CodeShape.Simd => LayerKernel.Simd,
        _ => inputSize < lanes ? LayerKernel.StraightLine : LayerKernel.Simd,
    };
}
