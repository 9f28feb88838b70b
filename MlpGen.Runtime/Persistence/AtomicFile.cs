using System;
using System.IO;
using System.Runtime.InteropServices;

namespace MlpGen.Persistence;

/// <summary>
/// Writes a file so that a crash never leaves it half written: the bytes go to a temporary file beside
/// the target, which is then renamed over it. A symbolic link is written through (its final target gets
/// the data, the link stays a link), and an existing file keeps its permissions (on Unix). A file its user
/// could not write in place is refused (<see cref="IsReadOnly"/>), as <c>cp</c> refuses it, rather than
/// replaced by the rename. Weights files, the converters' outputs (ONNX, JSON) and reports are written this way.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically; <paramref name="what"/> says what the file holds, for the error message ("Cannot save {what} to {path}: …").</summary>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> once and says why (a <see cref="DirectoryNotFoundException"/> for a missing directory). Nothing is left behind.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission to write the file is denied, or it is read-only (<see cref="IsReadOnly"/>); the message names <paramref name="path"/>.</exception>
    public static void Write(string path, ReadOnlySpan<byte> bytes, string what = "the file")
    {
        string? target = null, temporary = null;
        try
        {
            target = FinalTarget(Path.GetFullPath(path));
            if (IsReadOnly(target)) throw new UnauthorizedAccessException(ReadOnlyReason);
            temporary = TemporaryBeside(target);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                try
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }
                catch (ArgumentOutOfRangeException e)
                {
                    // EFBIG: .NET reports a file grown past the file system's or the process's size limit as an argument error.
                    throw new IOException("File too large", e);
                }
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

    /// <summary>
    /// Checks, before long work, that <see cref="Write"/> could write <paramref name="path"/>: the file is not
    /// read-only, and the temporary file a save writes beside it can be created there (it is created and deleted).
    /// </summary>
    /// <exception cref="IOException">It could not; the message is <see cref="Write"/>'s ("Cannot save {what} to {path}: …"), naming <paramref name="path"/> once and no temporary file.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission is denied, or the file is read-only.</exception>
    public static void CheckWritable(string path, string what = "the file")
    {
        string? target = null, temporary = null;
        try
        {
            target = FinalTarget(Path.GetFullPath(path));
            if (IsReadOnly(target)) throw new UnauthorizedAccessException(ReadOnlyReason);
            temporary = TemporaryBeside(target);
            using (new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
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

    /// <summary>
    /// Whether <paramref name="path"/> (or the file its symbolic links end at) is an existing file its user could not
    /// write in place: one the operating system denies them write access to, or, since root may write anything, one
    /// whose mode grants nobody write permission (<c>chmod 444</c>; on Windows, the read-only attribute). Replacing it
    /// by a rename would succeed, and silently undo that protection: <see cref="Write"/> refuses it instead.
    /// </summary>
    public static bool IsReadOnly(string path)
    {
        string target = FinalTarget(Path.GetFullPath(path));
        if (!File.Exists(target)) return false;
        if (OperatingSystem.IsWindows()) return File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly);
        const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        return (File.GetUnixFileMode(target) & AnyWrite) == 0 || Access(target, WriteAccess) != 0;
    }

    /// <summary>The reason a read-only file is not replaced, after "Cannot save … to {path}: ".</summary>
    private const string ReadOnlyReason = "the file is read-only; make it writable or choose another file.";

    private const int WriteAccess = 2;   // W_OK

    /// <summary>access(2): 0 when the calling user may open the file for writing.</summary>
    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);

    /// <summary>A new hidden file name in the target's directory: <c>.name.{guid}.tmp</c>.</summary>
    private static string TemporaryBeside(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>The file a path finally names: itself, or the end of its chain of symbolic links.</summary>
    private static string FinalTarget(string fullPath)
    {
        var file = new FileInfo(fullPath);
        if (file.LinkTarget is null) return fullPath; // not a link (or nothing there yet)
        FileSystemInfo? target = file.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? fullPath : Path.GetFullPath(target.FullName);
    }

    /// <summary>
    /// The exception for a write that failed: "Cannot save {what} to {path}: {reason}", the path as the caller gave it
    /// (and the link's target, if that differs), once: the reason does not repeat it, nor name the hidden temporary file.
    /// A path left in the reason, in a wording of .NET's not foreseen here, is shortened to its file name.
    /// </summary>
    private static Exception Failed(string path, string? target, string? temporary, string what, Exception e)
    {
        string reason = e.Message;
        foreach (string? named in new[] { temporary, target })
        {
            if (named is null) continue;
            // .NET's "No space left on device : '/dir/.x.tmp'", "Access to the path '/dir/x' is denied.": the prefix names the file.
            reason = reason.Replace($" : '{named}'", "").Replace($" '{named}'", "").Replace(named, Path.GetFileName(target ?? path));
        }
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
