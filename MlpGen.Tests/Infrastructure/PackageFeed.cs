using System;
using System.IO;
using System.Xml.Linq;

namespace MlpGen.Tests.Infrastructure;

/// <summary>
/// The repository's NuGet packages (MlpGen.Generator, MlpGen, MlpGen.Templates), packed from this checkout into a
/// temporary folder feed once per test run, at the first test that asks for them, and deleted after the last
/// (a fixture of <see cref="DotNetBuildsCollection"/>).
/// </summary>
public sealed class PackageFeed : IDisposable
{
    private static readonly string[] Projects =
    {
        Path.Combine("MlpGen.Generator", "MlpGen.Generator.csproj"),
        Path.Combine("MlpGen.Runtime", "MlpGen.Runtime.csproj"),
        Path.Combine("templates", "MlpGen.Templates", "MlpGen.Templates.csproj"),
    };

    private readonly TemporaryDirectory _directory = new();
    private readonly Lazy<string> _feed;

    public PackageFeed() => _feed = new Lazy<string>(Pack);

    /// <summary>The packages' version, as Directory.Build.props sets it for all of them.</summary>
    public static string Version { get; } =
        XDocument.Load(Path.Combine(Repository.Root, "Directory.Build.props")).Root!.Element("PropertyGroup")!.Element("Version")!.Value;

    /// <summary>The folder holding the packed .nupkg (and .snupkg) files; packs them at the first call.</summary>
    public string Directory => _feed.Value;

    /// <summary>The path of the package <paramref name="id"/> in the feed, e.g. "MlpGen.Templates".</summary>
    public string Package(string id) => Path.Combine(Directory, $"{id}.{Version}.nupkg");

    /// <summary>
    /// Writes a nuget.config into <paramref name="directory"/> whose only package source is this feed, so that projects
    /// in and under that directory restore offline, from these packages and nothing else.
    /// </summary>
    public void WriteNuGetConfig(string directory) => File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Directory}" />
          </packageSources>
        </configuration>
        """);

    private string Pack()
    {
        string feed = System.IO.Directory.CreateDirectory(_directory.File("feed")).FullName;
        foreach (string project in Projects)
        {
            DotNetCli.Dotnet(Repository.Root, null, "pack", Path.Combine(Repository.Root, project), "-c", "Release", "-o", feed, "--disable-build-servers")
                .Succeeded($"dotnet pack {project}");
        }
        return feed;
    }

    public void Dispose() => _directory.Dispose();
}
