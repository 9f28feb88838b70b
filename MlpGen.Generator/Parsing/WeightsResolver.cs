using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using MlpGen.Generator.Model;
using MlpGen.Generator.Rules;
using MlpGen.Persistence;
using Microsoft.CodeAnalysis;

namespace MlpGen.Generator.Parsing;

/// <summary>
/// Bakes trained weights into network models: reads the project's <c>.mlpw</c> additional files
/// and gives each network that names one on its attribute the file's parameters, or the
/// diagnostic that says why it cannot have them.
/// </summary>
internal static class WeightsResolver
{
    /// <summary>Extension of the additional files the generator reads as weights.</summary>
    public const string Extension = ".mlpw";

    public static bool IsWeightsFile(AdditionalText file) => file.Path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses one weights file with the format code the runtime uses.</summary>
    public static WeightsFileModel Read(AdditionalText file, CancellationToken cancellationToken)
    {
        string? text = file.GetText(cancellationToken)?.ToString();
        WeightsFormat.Result result = text is null
            ? WeightsFormat.Result.Failure(WeightsFormat.Problem.Malformed, 1, "the file could not be read")
            : WeightsFormat.Parse(text);
        return result.Value is { } contents
            ? new WeightsFileModel(file.Path, new EquatableArray<int>(contents.LayerSizes), contents.Element,
                contents.Activations is { } activations ? new EquatableArray<string>(activations) : EquatableArray<string>.Empty, contents.Crc32,
                new EquatableArray<byte>(contents.Parameters), WeightsFormat.Problem.None, 0, "")
            : new WeightsFileModel(file.Path, EquatableArray<int>.Empty, "", EquatableArray<string>.Empty, 0, EquatableArray<byte>.Empty, result.Problem, result.Line, result.Message);
    }

    /// <summary>Gives the parse result's model the weights its attribute names, or replaces the model by the diagnostic that says why not.</summary>
    public static ParseResult Resolve(ParseResult parsed, ImmutableArray<WeightsFileModel> files)
    {
        if (parsed.Model is not { } model || parsed.Weights is not { } request) return parsed;

        string name = model.TypeName.TrimStart('@');   // the model holds it as source, escaped where it is a keyword
        List<WeightsFileModel> matches = files.Where(f => Matches(f.Path, request.FileName)).ToList();
        DiagnosticInfo? problem = null;
        if (matches.Count == 0)
        {
            problem = Diagnostic(DiagnosticDescriptors.WeightsNotFound, request, name);
        }
        else if (matches.Count > 1)
        {
            problem = Diagnostic(DiagnosticDescriptors.WeightsAmbiguous, request, name, string.Join(", ", matches.Select(f => f.Path)));
        }
        else
        {
            WeightsFileModel file = matches[0];
            string element = WeightsFormat.ElementName(model.ElementSize);
            string[] declared = model.Activations.Select(NetworkRules.Name).ToArray();
            problem = file.Problem switch
            {
                WeightsFormat.Problem.None when !file.LayerSizes.SequenceEqual(model.LayerSizes) || file.Element != element =>
                    Diagnostic(DiagnosticDescriptors.WeightsTopologyMismatch, request, name, string.Join("-", file.LayerSizes), file.Element, model.Topology, element),
                // A version 1 file does not say what it was trained with (no activations): it bakes into any network of its shape.
                WeightsFormat.Problem.None when file.Activations.Count > 0 && !file.Activations.SequenceEqual(declared) =>
                    Diagnostic(DiagnosticDescriptors.WeightsActivationMismatch, request, name, string.Join(" ", file.Activations), string.Join(" ", declared)),
                WeightsFormat.Problem.None => null,
                WeightsFormat.Problem.UnsupportedVersion => Diagnostic(DiagnosticDescriptors.WeightsUnsupportedVersion, request, name, file.Path, file.Message),
                _ => Diagnostic(DiagnosticDescriptors.WeightsCorrupt, request, name, file.Path, file.Line, file.Message),
            };
            if (problem is null)
            {
                return parsed with { Model = model with { Weights = new BakedWeights(request.FileName, file.Crc32, file.Data) } };
            }
        }
        return new ParseResult(null, new EquatableArray<DiagnosticInfo>(parsed.Diagnostics.Append(problem)), request);
    }

    private static DiagnosticInfo Diagnostic(DiagnosticDescriptor descriptor, WeightsRequest request, string network, params object[] rest) =>
        new(descriptor.Id, request.Location, new EquatableArray<string>(new[] { request.FileName, network }.Concat(rest.Select(r => r.ToString()))));

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
