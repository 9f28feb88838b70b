using System.Globalization;
using Microsoft.CodeAnalysis;

namespace MlpGen.Generator;

/// <summary>
/// Every diagnostic MlpGen reports, each linked to its own heading in <c>docs/diagnostics.md</c>
/// (what triggers it, an example, the fix). IDs are never reused: a retired ID stays retired, and
/// MLPG034 was never assigned.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "MlpGen";

    /// <summary>The page that documents every ID, one heading each; <see cref="HelpLink"/> adds the heading's anchor.</summary>
    public const string HelpLinkBase = "https://github.com/mlpgen/mlpgen/blob/main/docs/diagnostics.md";

    /// <summary>The limit on neurons in the hidden and output layers together (their activations and deltas live on the stack).</summary>
    public const int MaxNeurons = 8_192;

    /// <summary>The limit on the input width.</summary>
    public const int MaxInputs = 1_048_576;

    /// <summary>The limit on the number of weights and biases.</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>
    /// The most parameters baked in as C# literals without MLPG039: about 1 MB of generated source (some 16 characters a
    /// parameter), the size at which editors and other generators draw the line for one generated file.
    /// </summary>
    public const long LiteralWeightsBudget = 65_536;

    /// <summary>The link to the heading of <paramref name="id"/> in docs/diagnostics.md: the page's address and the heading's anchor (the ID in lower case).</summary>
    public static string HelpLink(string id) => HelpLinkBase + "#" + id.ToLowerInvariant();

    /// <summary>A count as the messages write it: 8,192.</summary>
    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static readonly DiagnosticDescriptor NotPartial = new(
        "MLPG001", "Network class must be partial",
        "The class '{0}' has [Network] but is not declared partial; declare it 'partial class {0}' so that MlpGen can add the generated members",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG001"));

    public static readonly DiagnosticDescriptor TooFewLayers = new(
        "MLPG002", "A network needs at least two layer sizes",
        "[Network] on '{0}' lists {1}; list at least an input size and an output size, for example [Network(784, 30, 10)]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG002"));

    public static readonly DiagnosticDescriptor NonPositiveSize = new(
        "MLPG003", "Layer sizes must be positive",
        "Layer {0} of the network '{1}' has size {2}; every layer size must be at least 1",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG003"));

    public static readonly DiagnosticDescriptor TooLarge = new(
        "MLPG004", "Network is too large to emit",
        "The network '{0}' ({1}) is too large: {2}; MlpGen supports at most " + Count(MaxInputs) + " inputs, " + Count(MaxNeurons)
            + " neurons in the hidden and output layers together (their activations live on the stack), and " + Count(MaxParameters) + " parameters",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG004"));

    public static readonly DiagnosticDescriptor Generic = new(
        "MLPG005", "Network class cannot be generic",
        "The class '{0}' is generic; [Network] needs a non-generic class because its sizes and element type are fixed at compile time",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG005"));

    public static readonly DiagnosticDescriptor Static = new(
        "MLPG006", "Network class cannot be static",
        "The class '{0}' is static; a network holds its parameters in instance storage, so remove 'static'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG006"));

    public static readonly DiagnosticDescriptor Duplicate = new(
        "MLPG007", "Only one [Network] per class",
        "The class '{0}' has more than one [Network] attribute; keep one, or declare the other topology on another class",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG007"));

    public static readonly DiagnosticDescriptor UnsupportedElementType = new(
        "MLPG008", "Unsupported element type",
        "ElementType '{0}' on the network '{1}' is not supported; use typeof(float) or typeof(double)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG008"));

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = new(
        "MLPG009", "Containing type must be partial",
        "The network class '{0}' is nested in '{1}', which is not partial; declare every containing type partial",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG009"));

    public static readonly DiagnosticDescriptor UnsupportedCost = new(
        "MLPG010", "Unsupported cost",
        "Cost value {0} on the network '{1}' is not a NetworkCost; use NetworkCost.Quadratic, NetworkCost.CrossEntropy or NetworkCost.LogLikelihood",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG010"));

    public static readonly DiagnosticDescriptor WeightsNotFound = new(
        "MLPG011", "Weights file not found",
        "The weights file '{0}' named on the network '{1}' is not among the project's additional files; add it with <AdditionalFiles Include=\"{0}\" /> (MlpGen reads additional files whose name ends in .mlpw, or in Unity .MlpGen.Generator.additionalfile)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG011"));

    public static readonly DiagnosticDescriptor WeightsTopologyMismatch = new(
        "MLPG012", "Weights file is of another network",
        "The weights file '{0}' holds a {2} network in {3}, but '{1}' is {4} in {5}; {6}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG012"));

    public static readonly DiagnosticDescriptor WeightsCorrupt = new(
        "MLPG013", "Weights file is corrupt",
        "The weights file '{0}' for the network '{1}' cannot be read: {2}: line {3}: {4}; save the weights again",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG013"));

    public static readonly DiagnosticDescriptor WeightsUnsupportedVersion = new(
        "MLPG014", "Unsupported weights file version",
        "The weights file '{0}' for the network '{1}' is of a format this generator does not read: {2}: line 1: {3}; save the weights again with the MlpGen version of this generator",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG014"));

    public static readonly DiagnosticDescriptor WeightsAmbiguous = new(
        "MLPG015", "Weights file name is ambiguous",
        "The weights file '{0}' named on the network '{1}' matches more than one additional file ({2}); name it by a longer path",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG015"));

    public static readonly DiagnosticDescriptor UnsupportedCodeShape = new(
        "MLPG016", "Unsupported code shape",
        "CodeShape value {0} on the network '{1}' is not a NetworkCodeShape; use NetworkCodeShape.Auto, NetworkCodeShape.Simd or NetworkCodeShape.UnrolledScalar",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG016"));

    public static readonly DiagnosticDescriptor UnrolledScalarIsSlower = new(
        "MLPG017", "Unrolled scalar code is slower",
        "The network '{0}' writes out all {1} multiply-adds of its feedforward as scalar statements (CodeShape = UnrolledScalar): this runs several times slower than the default Vector256 kernels on wide layers, because the JIT does not vectorise the statements, and the large methods cost build and JIT time; use NetworkCodeShape.Auto unless you are comparing shapes",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG017"));

    public static readonly DiagnosticDescriptor InternalError = new(
        "MLPG018", "MlpGen failed on a network",
        "MlpGen failed while generating the network '{0}': {1}: {2}; no code was generated for this class (other networks are not affected); please report this with the declaration",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG018"));

    public static readonly DiagnosticDescriptor Abstract = new(
        "MLPG019", "Network class cannot be abstract",
        "The class '{0}' is abstract; a network is instantiated by its own generated code (Replicate, trainers), so remove 'abstract'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG019"));

    public static readonly DiagnosticDescriptor PrimaryConstructor = new(
        "MLPG020", "Network class cannot have a primary constructor",
        "The class '{0}' has a primary constructor; MlpGen generates the constructors '{0}(int seed)' and '{0}()', which could not chain to it; remove the parameter list and declare the state as members",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG020"));

    public static readonly DiagnosticDescriptor BaseWithoutParameterlessConstructor = new(
        "MLPG021", "Base class needs a constructor callable without arguments",
        "The network class '{0}' derives from '{1}', which has no accessible constructor callable without arguments; the generated constructors call base(), so give '{1}' one or derive from another class",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG021"));

    public static readonly DiagnosticDescriptor MemberConflict = new(
        "MLPG022", "Member conflicts with a generated member",
        "The member '{0}' of the network '{1}' conflicts with '{2}', which MlpGen generates; rename the member",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG022"));

    public static readonly DiagnosticDescriptor NamedLikeMember = new(
        "MLPG023", "Network class is named like a generated member",
        "The class '{0}' is named like the member '{1}' that MlpGen generates into it, and a member cannot have the name of its class; rename the class",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG023"));

    public static readonly DiagnosticDescriptor LanguageVersionBelow11 = new(
        "MLPG024", "Below C# 11 the kernels are internal classes",
        "The network '{0}' is generated for C# {1}: its kernels are internal classes named after the network's full name, hidden from IntelliSense, instead of file-local classes (which need C# 11); nothing else changes (see docs/hosts.md)",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG024"));

    public static readonly DiagnosticDescriptor FrameworkBelowNet9 = new(
        "MLPG025", "Below .NET 9 the kernels are compatible ones",
        "The network '{0}' is generated for a framework older than .NET 9: {1} (see docs/hosts.md)",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG025"));

    public static readonly DiagnosticDescriptor FileLocal = new(
        "MLPG026", "Network class cannot be file-local",
        "The network class '{0}' is {1}; MlpGen adds its members in another file, where a file-local type cannot be extended; remove 'file'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG026"));

    public static readonly DiagnosticDescriptor UnsupportedActivation = new(
        "MLPG027", "Unsupported hidden activation",
        "{0} value {1} on the network '{2}' is not a NetworkActivation; use NetworkActivation.Sigmoid, NetworkActivation.Tanh, NetworkActivation.ReLU, NetworkActivation.LeakyReLU, NetworkActivation.GELU or NetworkActivation.SiLU",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG027"));

    public static readonly DiagnosticDescriptor UnsupportedOutput = new(
        "MLPG028", "Unsupported output activation",
        "Output value {0} on the network '{1}' is not a NetworkOutput; use NetworkOutput.Sigmoid, NetworkOutput.Softmax, NetworkOutput.Identity or NetworkOutput.LogSoftmax",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG028"));

    public static readonly DiagnosticDescriptor HiddenLayersMismatch = new(
        "MLPG029", "Hidden layer activations do not fit the network",
        "HiddenLayers on the network '{0}' {1}; give one NetworkActivation per hidden layer ({2}) in HiddenLayers, or one for all of them in Hidden",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG029"));

    public static readonly DiagnosticDescriptor CostNeedsOtherOutput = new(
        "MLPG030", "Cost does not fit the output activation",
        "Cost = NetworkCost.{0} on the network '{1}' needs a {2} output layer, but the output is {3}; {4}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG030"));

    public static readonly DiagnosticDescriptor QuadraticWithSoftmax = new(
        "MLPG031", "Quadratic cost on a softmax output learns slowly",
        "The network '{0}' trains its softmax output on the quadratic cost: this is legal, but its output error δ = a ⊙ (d − (d·a)), d = a − y, vanishes when an output saturates; the log-likelihood cost (δ = a − y, the default for softmax) learns faster: remove Cost or use NetworkCost.LogLikelihood",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG031"));

    public static readonly DiagnosticDescriptor NamedLikeUsedType = new(
        "MLPG032", "Network class takes the name of a type the generated code uses",
        "The class '{0}' has the full name of '{1}', which the generated code names (the runtime's types and the namespace of the kernels); rename the class or move it out of the namespace MlpGen",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG032"));

    /// <summary>
    /// Opt-in (off by default): the network's summary at compile time, the figures of the runtime's ModelSummary.
    /// Turned on in .editorconfig or a .globalconfig: <c>dotnet_diagnostic.MLPG033.severity = suggestion</c>.
    /// </summary>
    public static readonly DiagnosticDescriptor ModelSummary = new(
        "MLPG033", "Network summary",
        "The network '{0}' is {1}",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: false,
        description: "The layers (shape, activation, weights, biases), the parameters and their bytes, and the floating-point operations per sample to infer and to train (2 per multiply-add), as MlpGen.ModelSummary computes them at run time. Off by default; turn it on with 'dotnet_diagnostic.MLPG033.severity = suggestion' in .editorconfig.",
        helpLinkUri: HelpLink("MLPG033"));

    public static readonly DiagnosticDescriptor WeightsActivationMismatch = new(
        "MLPG035", "Weights file was trained with other activations",
        "The weights file '{0}' was trained with the activations {2} (hidden layers first, the output's last), but '{1}' declares {3}; its outputs would be wrong: declare the activations the weights were trained with (Hidden, HiddenLayers, Output), or name a weights file trained for these",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG035"));

    public static readonly DiagnosticDescriptor UsesGeneratedMember = new(
        "MLPG036", "Attribute argument uses a generated member",
        "The argument '{0}' of [Network] on '{1}' {2}: the generator reads the arguments before any generated code exists, so '{1}' gets no code; write {3} or a const of your own that both attributes use",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG036"));

    public static readonly DiagnosticDescriptor DerivesFromNetwork = new(
        "MLPG037", "Network class cannot derive from another network class",
        "The network class '{0}' derives from the network class '{1}'; a network cannot derive from another network, because the members MlpGen generates into '{0}' would hide the ones it generates into '{1}': hold a '{1}' in a field of '{0}' instead (composition), or derive both from a common base class that is not a network",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG037"));

    public static readonly DiagnosticDescriptor SoftmaxOverOneOutput = new(
        "MLPG038", "Softmax over a single output cannot learn",
        "The network '{0}' has a {1} output layer of one neuron: softmax makes its outputs sum to 1, so that output is always {2} whatever the input and the parameters, and no cost can train it; for one output in (0, 1) use Output = NetworkOutput.Sigmoid (with Cost = NetworkCost.CrossEntropy for a yes/no label), or give the network one output per class",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG038"));

    public static readonly DiagnosticDescriptor WeightsAsLiterals = new(
        "MLPG039", "Weights baked as C# literals",
        "The weights file '{0}' is baked into '{1}' as {2} C# literals, which the compiler parses on every build, because this build does not embed it as a resource; MlpGen.Generator's build targets do that (binary data, no literals): reference MlpGen.Generator as a package, or, with a project or analyzer reference to the generator, import its build/MlpGen.Generator.targets, and leave MlpGenEmbedWeights unset or true",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG039"));

    public static readonly DiagnosticDescriptor LanguageVersionTooOld = new(
        "MLPG040", "C# 9 or later is needed",
        "The network '{0}' cannot be generated for C# {1}: the generated code needs C# 9 or later; set <LangVersion> to 9 or later (or remove it to use the SDK's default)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG040"));

    public static readonly DiagnosticDescriptor NoSpan = new(
        "MLPG041", "System.Memory is needed",
        "The network '{0}' cannot be generated: the target framework lacks {1}, which the generated code uses; reference the System.Memory package, which brings System.Runtime.CompilerServices.Unsafe with it (netstandard2.0 and .NET Framework need both; netstandard2.1 and Unity, which have the spans, need System.Runtime.CompilerServices.Unsafe)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpLink("MLPG041"));
}
