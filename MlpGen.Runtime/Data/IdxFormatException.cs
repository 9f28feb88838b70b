using System.IO;

namespace MlpGen.Data;

/// <summary>A file that is not the IDX data it should be; the message names the file, the byte offset, what was expected and what was found.</summary>
public sealed class IdxFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> at <paramref name="offset"/>; <paramref name="problem"/> says what was expected and found.</summary>
    public IdxFormatException(string path, long offset, string problem, System.Exception? inner = null)
        : base($"{path}: at byte {offset}: {problem}", inner)
    {
        FilePath = path;
        Offset = offset;
    }

    /// <summary>The file that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>The byte offset (in the decompressed data, for a .gz file) where the problem was found.</summary>
    public long Offset { get; }
}
