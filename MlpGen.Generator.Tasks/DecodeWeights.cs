using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using MlpGen.Persistence;

namespace MlpGen.Generator.Tasks;

/// <summary>
/// Decodes <c>.mlpw</c> weights files to their parameters, as raw little-endian bytes (the layout of the parameter
/// vector), for the build to embed in the assembly as resources: the compiler then copies bytes instead of parsing
/// C# literals, and the generated code reads them straight into the network's storage.
/// </summary>
/// <remarks>
/// The file is read with the format code the generator and the runtime use (<see cref="WeightsFormat"/>). A file
/// that does not parse gets no binary (a stale one is deleted): the generator reads the same file and reports
/// what is wrong with it on the attribute that names it (MLPG013, MLPG014), so the task only says so at low importance.
/// A file that cannot be read at all (missing, no access) is this task's error, before the compiler runs.
/// </remarks>
public sealed class DecodeWeights : ITask
{
    /// <summary>The weights files; each one's <c>MlpGenBinary</c> metadata is the file to write.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>
    /// Only check that no two files come to the same resource or binary name (a build error), and decode nothing: run on
    /// every build, where the decoding itself runs only when a file changed.
    /// </summary>
    public bool CheckNamesOnly { get; set; }

    /// <inheritdoc />
    public IBuildEngine? BuildEngine { get; set; }

    /// <inheritdoc />
    public ITaskHost? HostObject { get; set; }

    /// <inheritdoc />
    public bool Execute()
    {
        if (SameName("MlpGenWeightsResource", StringComparer.Ordinal, "be embedded as the resource")
            || SameName("MlpGenBinary", StringComparer.OrdinalIgnoreCase, "be decoded to"))
        {
            return false;
        }
        if (CheckNamesOnly) return true;
        foreach (ITaskItem file in Files)
        {
            string source = file.GetMetadata("FullPath");
            string binary = file.GetMetadata("MlpGenBinary");
            try
            {
                WeightsFormat.Result result = WeightsFormat.Parse(File.ReadAllText(source, Encoding.UTF8));
                if (result.Value is not { } contents)
                {
                    if (File.Exists(binary)) File.Delete(binary);
                    Log($"MlpGen: {source} is not embedded (line {result.Line}: {result.Message}); the compiler reports it where a network names it.");
                    continue;
                }
                WriteAtomically(binary, contents.Parameters);
                Log($"MlpGen: {source} → {binary} ({contents.Parameters.Length} bytes, CRC-32 {contents.Crc32:x8})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                BuildEngine?.LogErrorEvent(new BuildErrorEventArgs(
                    "MlpGen", "", source, 0, 0, 0, 0, $"MlpGen could not decode the weights file to {binary}: {e.Message}", "", nameof(DecodeWeights)));
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes a temporary file beside <paramref name="path"/> and renames it over it: a build stopped halfway leaves the old file or the new one, never part of one.</summary>
    private static void WriteAtomically(string path, byte[] bytes)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        File.WriteAllBytes(temporary, bytes);
        if (File.Exists(path)) File.Replace(temporary, path, null);
        else File.Move(temporary, path);
    }

    /// <summary>
    /// Reports two weights files that the targets' naming (letters, digits and <c>. _ - /</c> kept, the rest made
    /// <c>_</c>, leading <c>../</c> dropped) gives the same <paramref name="metadata"/>: one file's bytes would stand
    /// for both. True when it reported one.
    /// </summary>
    private bool SameName(string metadata, StringComparer comparer, string what)
    {
        foreach (var group in Files.GroupBy(f => f.GetMetadata(metadata), comparer))
        {
            string[] paths = group.Select(f => f.GetMetadata("FullPath")).Distinct(StringComparer.Ordinal).ToArray();
            if (paths.Length < 2) continue;
            BuildEngine?.LogErrorEvent(new BuildErrorEventArgs("MlpGen", "", paths[1], 0, 0, 0, 0,
                $"MlpGen: the weights files {paths[0]} and {paths[1]} would both {what} '{group.Key}' (a name keeps letters, digits and . _ - / "
                + "and makes every other character _); rename one of them", "", nameof(DecodeWeights)));
            return true;
        }
        return false;
    }

    private void Log(string message) =>
        BuildEngine?.LogMessageEvent(new BuildMessageEventArgs(message, "", nameof(DecodeWeights), MessageImportance.Low));
}
