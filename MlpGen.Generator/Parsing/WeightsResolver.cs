using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;
using MlpGen.Persistence;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// Bakes trained weights into network models: reads and checks the project's <c>.mlpw</c> additional files
/// and gives each network that names one on its attribute the file's fingerprint and where its parameters
/// come from (a resource, or literals), or the diagnostic that says why it cannot have them.
/// </summary>
internal static class WeightsResolver
{
    /// <summary>
    /// How the names of the additional files the generator reads as weights end: <c>.mlpw</c>, or Unity's form of an additional
    /// file for this generator, <c>digits.MlpGen.Generator.additionalfile</c> (the Unity editor passes an analyzer only the
    /// files of its project named <c>Filename.[Analyzer Name].additionalfile</c>). Other additional files are never read.
    /// </summary>
    public static readonly string[] Endings = { ".mlpw", ".MlpGen.Generator.additionalfile" };

    public static bool IsWeightsFile(AdditionalText file) => Endings.Any(ending => file.Path.EndsWith(ending, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The editorconfig key of the <c>MlpGenWeightsResource</c> metadata that MlpGen.Generator's build targets give a weights
    /// file when they embed its parameters as a resource (build/MlpGen.Generator.targets): the resource's name.
    /// </summary>
    public const string ResourceMetadata = "build_metadata.AdditionalFiles.MlpGenWeightsResource";

    /// <summary>
    /// Parses and checks one weights file with the format code the runtime uses, and keeps its fingerprint (path, CRC-32,
    /// size) and the resource its parameters are embedded as, if any; not its bytes.
    /// </summary>
    public static WeightsFileModel Read(AdditionalText file, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        string? resource = options.GetOptions(file).TryGetValue(ResourceMetadata, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        WeightsFormat.Result result = Parse(file, cancellationToken);
        return result.Value is { } contents
            ? new WeightsFileModel(file.Path, new EquatableArray<int>(contents.LayerSizes), contents.Element,
                contents.Activations is { } activations ? new EquatableArray<string>(activations) : EquatableArray<string>.Empty, contents.Crc32,
                contents.Parameters.Length, resource, Pairing(contents), WeightsFormat.Problem.None, 0, "")
            : new WeightsFileModel(file.Path, EquatableArray<int>.Empty, "", EquatableArray<string>.Empty, 0, 0, resource, EquatableArray<PairedSums.CodeSign?>.Empty,
                result.Problem, result.Line, result.Message);
    }

    /// <summary>
    /// For each layer of an int8 file, the widest sign of codes whose paired 16-bit sums its weights fit (<see cref="PairedSums"/>:
    /// any codes, only non-negative ones, or none: null); empty for a float file.
    /// </summary>
    private static EquatableArray<PairedSums.CodeSign?> Pairing(WeightsFormat.Contents contents)
    {
        if (contents.Element != WeightsFormat.Int8) return EquatableArray<PairedSums.CodeSign?>.Empty;
        int[] sizes = contents.LayerSizes;
        var pairing = new PairedSums.CodeSign?[sizes.Length - 1];
        long offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int n = sizes[l - 1], m = sizes[l];
            var codes = new sbyte[(long)m * n];
            Buffer.BlockCopy(contents.Parameters, (int)(offset + 4 + 8L * m), codes, 0, codes.Length);   // the layer's Q[m×n], after s_in, s_w and b
            pairing[l - 1] = PairedSums.LayerSign(codes, 0, n, m);
            offset += WeightsFormat.Int8LayerBytes(n, m);
        }
        return new EquatableArray<PairedSums.CodeSign?>(pairing);
    }

    /// <summary>The parameters of a weights file whose fingerprint the pipeline holds, read again to be written as literals; null if the file no longer matches it.</summary>
    public static byte[]? ReadParameters(AdditionalText file, BakedWeights weights, CancellationToken cancellationToken) =>
        Parse(file, cancellationToken).Value is { } contents && contents.Crc32 == weights.Crc32 && contents.Parameters.Length == weights.ByteCount
            ? contents.Parameters
            : null;

    private static WeightsFormat.Result Parse(AdditionalText file, CancellationToken cancellationToken)
    {
        string? text = file.GetText(cancellationToken)?.ToString();
        return text is null
            ? WeightsFormat.Result.Failure(WeightsFormat.Problem.Malformed, 1, "the file could not be read")
            : WeightsFormat.Parse(text);
    }

    /// <summary>The parameters of the weights file a declaration names, or the diagnostic that says why it cannot have them.</summary>
    public static (BakedWeights? Weights, DiagnosticInfo? Problem) Resolve(NetworkDeclaration declaration, WeightsRequest request, ImmutableArray<WeightsFileModel> files)
    {
        string name = declaration.Name;
        List<WeightsFileModel> matches = files.Where(f => Matches(f.Path, request.FileName)).ToList();
        if (matches.Count == 0) return (null, Diagnostic(DiagnosticDescriptors.WeightsNotFound, request, name));
        if (matches.Count > 1) return (null, Diagnostic(DiagnosticDescriptors.WeightsAmbiguous, request, name, string.Join(", ", matches.Select(f => f.Path))));

        WeightsFileModel file = matches[0];
        string element = WeightsFormat.ElementName(declaration.Element.Size());
        string[] declared = declaration.Activations.Select(NetworkRules.Name).ToArray();
        // An int8 (quantized) file bakes into a float32 declaration: the int8 network takes and gives float32 values.
        bool int8 = file.Element == WeightsFormat.Int8;
        string computesIn = int8 ? WeightsFormat.ElementName(sizeof(float)) : file.Element;
        DiagnosticInfo? problem = file.Problem switch
        {
            WeightsFormat.Problem.None when !file.LayerSizes.SequenceEqual(declaration.LayerSizes) || computesIn != element =>
                Diagnostic(DiagnosticDescriptors.WeightsTopologyMismatch, request, name, ParameterLayout.Topology(file.LayerSizes), file.Element, ParameterLayout.Topology(declaration.LayerSizes), element,
                    int8 && file.LayerSizes.SequenceEqual(declaration.LayerSizes)
                        ? "an int8 (quantized) network takes and gives float32 values: declare the network with ElementType = typeof(float), the default (docs/quantization.md)"
                        : "save the weights of a network with this topology and element type, or correct the attribute"),
            // A version 1 file does not say what it was trained with (no activations): it bakes into any network of its shape.
            WeightsFormat.Problem.None when file.Activations.Count > 0 && !file.Activations.SequenceEqual(declared) =>
                Diagnostic(DiagnosticDescriptors.WeightsActivationMismatch, request, name, string.Join(" ", file.Activations), string.Join(" ", declared)),
            WeightsFormat.Problem.None => null,
            WeightsFormat.Problem.UnsupportedVersion => Diagnostic(DiagnosticDescriptors.WeightsUnsupportedVersion, request, name, file.Path, file.Message),
            _ => Diagnostic(DiagnosticDescriptors.WeightsCorrupt, request, name, file.Path, file.Line, file.Message),
        };
        return problem is null ? (new BakedWeights(request.FileName, file.Path, file.Crc32, file.ByteCount, file.ResourceName, int8, file.Pairing), null) : (null, problem);
    }

    /// <summary>A diagnostic on the Weights argument; its first two message arguments are the file's name and the network's.</summary>
    private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, WeightsRequest request, string network, params object[] rest) =>
        DiagnosticInfo.At(descriptor, request.Location, new object[] { request.FileName, network }.Concat(rest).ToArray());

    /// <summary>
    /// Whether the additional file at <paramref name="path"/> is the one named <paramref name="name"/>:
    /// the same path, or a path ending in it (so <c>digits.mlpw</c> or <c>models/digits.mlpw</c> both
    /// name <c>/src/app/models/digits.mlpw</c>). Separators and letter case do not matter.
    /// </summary>
    internal static bool Matches(string path, string name)
    {
        string file = Normalize(path);
        string wanted = Normalize(name);
        while (wanted.StartsWith("./", StringComparison.Ordinal) || wanted.StartsWith("../", StringComparison.Ordinal))
        {
            wanted = wanted.Substring(wanted.IndexOf('/') + 1);
        }
        if (wanted.Length == 0) return false;
        return string.Equals(file, wanted, StringComparison.OrdinalIgnoreCase)
            || file.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalize(string path) => path.Replace('\\', '/');
}
