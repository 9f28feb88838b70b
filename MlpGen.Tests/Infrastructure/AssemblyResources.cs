using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MlpGen.Tests.Infrastructure;

/// <summary>What an assembly file carries, read from its metadata without loading it.</summary>
internal static class AssemblyResources
{
    /// <summary>The names of the manifest resources embedded in the assembly at <paramref name="path"/>.</summary>
    public static string[] Names(string path)
    {
        using FileStream file = File.OpenRead(path);
        using var pe = new PEReader(file);
        MetadataReader metadata = pe.GetMetadataReader();
        return metadata.ManifestResources.Select(handle => metadata.GetString(metadata.GetManifestResource(handle).Name)).ToArray();
    }
}
