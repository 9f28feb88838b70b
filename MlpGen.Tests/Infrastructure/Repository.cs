using System;
using System.IO;

namespace MlpGen.Tests.Infrastructure;

/// <summary>Paths in the source checkout the tests run from.</summary>
internal static class Repository
{
    /// <summary>The directory holding MlpGen.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlpGen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"MlpGen.sln was not found above {AppContext.BaseDirectory}.");
    }
}
