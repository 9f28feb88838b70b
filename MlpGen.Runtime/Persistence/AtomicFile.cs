using System;
using System.IO;

namespace MlpGen.Persistence;

/// <summary>
/// Writes a file so that a crash never leaves it half written: the bytes go to a temporary file beside
/// the target, which is then renamed over it. A symbolic link is written through (its final target gets
/// the data, the link stays a link), and an existing file keeps its permissions (on Unix). Weights files
/// and the converters' outputs (ONNX, JSON) are written this way.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically; <paramref name="what"/> says what the file holds, for the error message ("Cannot save {what} to {path}: …").</summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and says why (a <see cref="DirectoryNotFoundException"/> for a missing directory). Nothing is left behind.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission to write the file is denied; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, ReadOnlySpan<byte> bytes, string what = "the file")
    {
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
            throw Failed(path, target, temporary, what, e);
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

    /// <summary>The exception for a write that failed: it names the path the caller gave (and the link's target, if that differs), never the hidden temporary file.</summary>
    private static Exception Failed(string path, string? target, string? temporary, string what, Exception e)
    {
        string reason = e.Message;
        if (temporary is not null) reason = reason.Replace(temporary, target);
        string where = target is not null && target != Path.GetFullPath(path) ? $" (a link to {target})" : "";
        string message = $"Cannot save {what} to {path}{where}: {reason}";
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
}
