using System.Linq;
using MlpGen.Generator.Rules;

namespace MlpGen.Generator.Model;

/// <summary>The numeric type a network computes in.</summary>
internal enum ElementKind
{
    Single,
    Double,
}

/// <summary>What follows from the element type.</summary>
internal static class ElementKinds
{
    /// <summary>Size of one element in bytes.</summary>
    public static int Size(this ElementKind element) => element == ElementKind.Single ? 4 : 8;

    /// <summary>The C# keyword of the element type.</summary>
    public static string Keyword(this ElementKind element) => element == ElementKind.Single ? "float" : "double";
}

/// <summary>The code shape of the layers; the values match the generated <c>MlpGen.NetworkCodeShape</c> enum.</summary>
internal enum CodeShape
{
    Auto = 0,
    UnrolledScalar = 1,
    Simd = 2,
}

/// <summary>A type that encloses the network class; emitted again as a <c>partial</c> declaration.</summary>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The type's name with its type parameter list, e.g. <c>Outer&lt;T&gt;</c>.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>
/// Everything the emitter needs to write one network class: plain values only (no symbols, no
/// syntax), so that equal declarations give equal models and the pipeline can cache the output.
/// </summary>
/// <param name="Keyword">The declaration keyword of the network class: <c>class</c> or <c>record</c>.</param>
/// <param name="Activations">The activation of each layer 1..L (the output layer's last), one per weight layer.</param>
/// <param name="UniqueName">An identifier made from the class's full metadata name, which no other type's makes (<c>Demo_Net</c>): the kernels' name where they cannot be file-local.</param>
/// <param name="Target">What the generated code may use of the language and the framework.</param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Keyword,
    string TypeName,
    string HintName,
    string UniqueName,
    EquatableArray<int> LayerSizes,
    ElementKind Element,
    CostFunction Cost,
    EquatableArray<ActivationFunction> Activations,
    CodeShape Shape,
    bool ImplementsRuntimeInterface,
    bool SkipLocalsInit,
    CodeTarget Target,
    BakedWeights? Weights = null)
{
    /// <summary>The C# keyword of the element type.</summary>
    public string ElementKeyword => Element.Keyword();

    /// <summary>A numeric literal of the element type, e.g. <c>0.5f</c> or <c>0.5d</c>.</summary>
    public string Literal(string value) => value + (Element == ElementKind.Single ? "f" : "d");

    /// <summary>Size of one element in bytes.</summary>
    public int ElementSize => Element.Size();

    /// <summary>
    /// Whether this is an int8 network: a float32 declaration baking an int8 (quantized) weights file. Its class predicts
    /// through integer kernels (float inputs and outputs) and has nothing to train.
    /// </summary>
    public bool Int8 => Weights is { Int8: true };

    /// <summary>Lanes of one <c>Vector256</c> of the element type.</summary>
    public int Lanes => 32 / ElementSize;

    /// <summary>Number of weight layers (layer sizes minus one).</summary>
    public int WeightLayerCount => LayerSizes.Count - 1;

    public int InputSize => LayerSizes[0];

    public int OutputSize => LayerSizes[LayerSizes.Count - 1];

    /// <summary>Where each weight and bias lives in the parameter vector (the shared rule, <see cref="ParameterLayout"/>).</summary>
    public ParameterLayout Layout => new(LayerSizes);

    /// <summary>Total number of weights and biases.</summary>
    public long ParameterCount => ParameterLayout.CountOf(LayerSizes);

    /// <summary>The topology as written by people: <c>784-16-16-10</c>.</summary>
    public string Topology => ParameterLayout.Topology(LayerSizes);

    /// <summary>The network class as the user would name it: namespace, containing types, name.</summary>
    public string FullName =>
        string.Join(".", new[] { Namespace }.Concat(ContainingTypes.Select(c => c.Name)).Append(TypeName).Where(s => s is not null));
}

/// <summary>
/// Trained parameters to bake into a network class: the fingerprint of the weights file the attribute names (its path,
/// CRC-32 and size), never its bytes, so that the pipeline keeps no megabytes and compares models cheaply. The bytes
/// reach the assembly as a resource (<paramref name="ResourceName"/>), or, where the build embeds none, are read
/// again from the file when the class is emitted and written as literals.
/// </summary>
/// <param name="FileName">The name as written on the attribute.</param>
/// <param name="Path">The additional file's path, as the compiler knows it.</param>
/// <param name="ByteCount">Bytes of the parameters: parameters × the element's size, or an int8 file's data (<c>WeightsFormat.Int8DataBytes</c>).</param>
/// <param name="ResourceName">The embedded resource holding the parameters' bytes (MlpGen.Generator's build targets add it), or null: baked as literals.</param>
/// <param name="Int8">Whether the file holds an int8 (quantized) network (format version 3): the class is then the int8 network, which predicts with integer kernels and does not train.</param>
/// <param name="Pairing">An int8 file's layers (index l − 1): the codes whose pair sums each layer's weights let the x64 kernels add two at a time in 16 bits (<see cref="PairedSums"/>), null where they do not; empty for a float file.</param>
internal sealed record BakedWeights(string FileName, string Path, uint Crc32, long ByteCount, string? ResourceName, bool Int8 = false, EquatableArray<PairedSums.CodeSign?> Pairing = default)
{
    /// <summary>Whether the parameters are written into the generated source as literals: the build embeds no resource for them.</summary>
    public bool AsLiterals => ResourceName is null;
}

/// <summary>The weights file an attribute names, and where, for diagnostics.</summary>
internal sealed record WeightsRequest(string FileName, LocationInfo? Location);

/// <summary>
/// What the pipeline makes of one network class: the model to emit (none when something stops it) and
/// the diagnostics to report. The two go to separate outputs, so that a diagnostic that only moved
/// (an edit above the class) does not emit the class again.
/// </summary>
internal sealed record ModelResult(NetworkModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>An additional file ending in <c>.mlpw</c>, parsed: its contents, or what is wrong with it.</summary>
/// <param name="Path">The file's path as the compiler knows it.</param>
/// <param name="Element"><c>float32</c> or <c>float64</c>; empty when the file has a problem.</param>
/// <param name="Activations">The activation names the file records (format version 2); empty for a version 1 file, which does not say, and when the file has a problem.</param>
/// <param name="Crc32">The CRC-32 of the parameter bytes, checked against the data: with the path and the size, the file's fingerprint.</param>
/// <param name="ByteCount">Bytes of the parameters; 0 when the file has a problem. The bytes themselves are not kept.</param>
/// <param name="ResourceName">The file's <c>MlpGenWeightsResource</c> metadata: the resource the build embeds its parameters as; null when the build embeds none.</param>
/// <param name="Pairing">An int8 file's <see cref="BakedWeights.Pairing"/>, read from its weights; empty for a float file and when the file has a problem.</param>
/// <param name="Problem">What kind of defect the file has, if any.</param>
/// <param name="Line">The 1-based line of the defect.</param>
/// <param name="Message">What was expected and what was found.</param>
internal sealed record WeightsFileModel(
    string Path,
    EquatableArray<int> LayerSizes,
    string Element,
    EquatableArray<string> Activations,
    uint Crc32,
    long ByteCount,
    string? ResourceName,
    EquatableArray<PairedSums.CodeSign?> Pairing,
    MlpGen.Persistence.WeightsFormat.Problem Problem,
    int Line,
    string Message);
