using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MlpGen.Generator.Model;

/// <summary>A location as plain values (a <see cref="Location"/> would keep the syntax tree alive).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>
/// A diagnostic as plain values: its descriptor (one of <see cref="DiagnosticDescriptors"/>, compared by
/// value like the rest), its location and its message arguments.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object[] arguments) =>
        At(descriptor, LocationInfo.From(location), arguments);

    public static DiagnosticInfo At(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        new(descriptor, location, new EquatableArray<string>(Array.ConvertAll(arguments, a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "")));

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, Arguments.Cast<object>().ToArray());
}
