using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace MlpGen.Tests.Infrastructure;

/// <summary>What an assembly file depends on, read from its metadata without loading it.</summary>
internal static class AssemblyReferences
{
    /// <summary>The assemblies that the assembly image in <paramref name="image"/> references, by name and version.</summary>
    public static (string Name, Version Version)[] Of(Stream image)
    {
        using var pe = new PEReader(image, PEStreamOptions.PrefetchEntireImage);
        MetadataReader metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(metadata.GetAssemblyReference).Select(r => (metadata.GetString(r.Name), r.Version)).ToArray();
    }

    /// <summary>The value of the assembly's <c>[TargetFramework]</c> attribute, e.g. <c>.NETStandard,Version=v2.0</c>; null without one.</summary>
    public static string? TargetFramework(Stream image)
    {
        using var pe = new PEReader(image, PEStreamOptions.PrefetchEntireImage);
        MetadataReader metadata = pe.GetMetadataReader();
        foreach (CustomAttribute attribute in metadata.GetAssemblyDefinition().GetCustomAttributes().Select(metadata.GetCustomAttribute))
        {
            if (attribute.Constructor.Kind != HandleKind.MemberReference) continue;
            MemberReference constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference || metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != "TargetFrameworkAttribute") continue;
            BlobReader value = metadata.GetBlobReader(attribute.Value);
            value.ReadUInt16();   // the prolog, 0x0001
            return value.ReadSerializedString();
        }
        return null;
    }
}
