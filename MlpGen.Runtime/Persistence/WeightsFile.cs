using System;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace MlpGen.Persistence;

/// <summary>A weights file that cannot be loaded; the message names the file, the line, what was expected and what was found.</summary>
public sealed class WeightsFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> at <paramref name="line"/>; <paramref name="problem"/> says what was expected and found.</summary>
    public WeightsFormatException(string path, int line, string problem)
        : base($"{path}: line {line}: {problem}")
    {
        FilePath = path;
        Line = line;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line of the file where the problem is.</summary>
    public int Line { get; }
}

/// <summary>
/// Saves and loads a network's parameters in the MlpGen weights format (extension <c>.mlpw</c>),
/// version 1: ASCII text, so that the file can also be handed to the compiler as an
/// <c>AdditionalFiles</c> item and baked into a network class by the generator (the compiler
/// refuses binary additional files with CS2015). The layout is described on <see cref="FormatVersion"/>.
/// Loading checks every line, the parameter count against the topology, the data length and the
/// checksum before it touches the network. Saving writes a temporary file beside the target and
/// renames it into place, so a crash never leaves a half-written weights file under the real name;
/// a symbolic link is written through (its final target gets the data, the link stays a link), and
/// the file keeps its permissions.
/// </summary>
public static class WeightsFile
{
    /// <summary>
    /// The format version this library writes and reads:
    /// <code>
    /// MLPW 1                      magic and format version
    /// topology 784-16-16-10       layer sizes, input first
    /// element float32             float32 or float64
    /// parameters 13002            number of weights and biases
    /// crc32 1a2b3c4d              CRC-32 (IEEE) of the parameter bytes below
    /// data
    /// AAAAPz8/...                 the parameters as little-endian IEEE 754 bytes, base64, 76 characters a line:
    /// ...                         for each layer l, W_l row-major [out, in], then b_l
    /// end
    /// </code>
    /// Lines end in LF (CRLF is accepted).
    /// </summary>
    public const int FormatVersion = WeightsFormat.Version;

    /// <summary>
    /// Writes the network's topology and parameters to <paramref name="path"/>, atomically: through a
    /// temporary file beside the file that is written, renamed over it. When <paramref name="path"/> is a
    /// symbolic link, its final target is written and the link stays; an existing file keeps its
    /// permissions (on Unix).
    /// </summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and says why (a <see cref="DirectoryNotFoundException"/> for a missing directory). Nothing is left behind.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission to write the file is denied; the message names <paramref name="path"/>.</exception>
    public static void Save<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        byte[] bytes = Encoding.ASCII.GetBytes(WeightsFormat.Format(network.LayerSizes.ToArray(), ElementName<T>(), MemoryMarshal.AsBytes<T>(network.Parameters).ToArray()));
        string? target = null, temporary = null;
        try
        {
            target = FinalTarget(Path.GetFullPath(path));
            temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows() && File.Exists(target))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SaveFailed(path, target, temporary, e);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>The file a path finally names: itself, or the end of its chain of symbolic links.</summary>
    private static string FinalTarget(string fullPath)
    {
        var file = new FileInfo(fullPath);
        if (file.LinkTarget is null) return fullPath; // not a link (or nothing there yet)
        FileSystemInfo? target = file.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? fullPath : Path.GetFullPath(target.FullName);
    }

    /// <summary>The exception for a save that failed: it names the path the caller gave (and the link's target, if that differs), never the hidden temporary file.</summary>
    private static Exception SaveFailed(string path, string? target, string? temporary, Exception e)
    {
        string reason = e.Message;
        if (temporary is not null) reason = reason.Replace(temporary, target);
        string where = target is not null && target != Path.GetFullPath(path) ? $" (a link to {target})" : "";
        string message = $"Cannot save the weights to {path}{where}: {reason}";
        return e switch
        {
            UnauthorizedAccessException => new UnauthorizedAccessException(message, e),
            DirectoryNotFoundException => new DirectoryNotFoundException(message, e),
            _ => new IOException(message, e),
        };
    }

    private static void DeleteQuietly(string? temporary)
    {
        if (temporary is null) return;
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; the save's own outcome is what the caller needs to hear.
        }
    }

    /// <summary>Reads the parameters in <paramref name="path"/> into <paramref name="network"/>, after checking that the file is intact and of the same topology and element type.</summary>
    /// <exception cref="WeightsFormatException">The file is malformed or corrupt, of another version, element type or topology.</exception>
    public static void Load<T>(string path, INetwork<T> network) where T : unmanaged, IFloatingPointIeee754<T>
    {
        EnsureLittleEndian();
        WeightsFormat.Result result = WeightsFormat.Parse(File.ReadAllText(path, Encoding.ASCII));
        // The header first: a file of another network is that, whatever else is wrong with its data.
        if (result.LayerSizes is { } layerSizes)
        {
            string networkTopology = string.Join("-", network.LayerSizes.ToArray());
            string fileTopology = string.Join("-", layerSizes);
            Require(fileTopology == networkTopology, path, 2, $"expected the topology {networkTopology} of the network, found {fileTopology}");
            Require(result.Element == ElementName<T>(), path, 3, $"expected element {ElementName<T>()} for this network, found {result.Element}");
        }
        if (result.Value is not { } contents) throw new WeightsFormatException(path, result.Line, result.Message);
        contents.Parameters.CopyTo(MemoryMarshal.AsBytes(network.Parameters));
    }

    private static string ElementName<T>() => WeightsFormat.ElementName(Unsafe.SizeOf<T>());

    private static void Require(bool condition, string path, int line, string problem)
    {
        if (!condition) throw new WeightsFormatException(path, line, problem);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("MlpGen weights files are read and written on little-endian machines only.");
    }
}
