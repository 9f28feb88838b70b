using System;
using System.Collections.Immutable;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace Basic.Reference.Assemblies;

/// <summary>
/// The reference assemblies of the Basic.Reference.Assemblies.Net100 and .Net80 packages, which MlpGen.Tests references:
/// the same assemblies, under the same names, so that the linked tests compile against what MlpGen.Tests' do. Their own
/// code needs Roslyn 4.11 or later, so here the packages are only downloaded, their DLLs copied beside the tests, and the
/// assemblies they embed as resources read out of them without loading them.
/// </summary>
internal static class Net100
{
    public static class References
    {
        public static ImmutableArray<PortableExecutableReference> All { get; } = EmbeddedReferenceAssemblies.Read("Net100", "net100.");
    }
}

/// <inheritdoc cref="Net100" />
internal static class Net80
{
    public static class References
    {
        public static ImmutableArray<PortableExecutableReference> All { get; } = EmbeddedReferenceAssemblies.Read("Net80", "net80.");
    }
}

internal static class EmbeddedReferenceAssemblies
{
    /// <summary>Every resource named <paramref name="prefix"/>… of ReferenceAssemblies/Basic.Reference.Assemblies.{framework}.dll, as a reference.</summary>
    public static ImmutableArray<PortableExecutableReference> Read(string framework, string prefix)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "ReferenceAssemblies", $"Basic.Reference.Assemblies.{framework}.dll");
        using var pe = new PEReader(File.OpenRead(path));
        MetadataReader metadata = pe.GetMetadataReader();
        PEMemoryBlock resources = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
        var references = ImmutableArray.CreateBuilder<PortableExecutableReference>();
        foreach (ManifestResourceHandle handle in metadata.ManifestResources)
        {
            ManifestResource resource = metadata.GetManifestResource(handle);
            string name = metadata.GetString(resource.Name);
            if (!resource.Implementation.IsNil || !name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            // An embedded resource: a 4-byte length, then the bytes, at its offset in the resources directory.
            BlobReader reader = resources.GetReader((int)resource.Offset, resources.Length - (int)resource.Offset);
            int length = reader.ReadInt32();
            byte[] image = reader.ReadBytes(length);
            references.Add(MetadataReference.CreateFromImage(image, filePath: name.Substring(prefix.Length) + ".dll"));
        }
        if (references.Count == 0) throw new InvalidOperationException($"{path} holds no resource named {prefix}…");
        return references.ToImmutable();
    }
}
