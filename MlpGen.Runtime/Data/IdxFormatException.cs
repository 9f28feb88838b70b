using System.IO;

namespace MlpGen.Data;

/// <summary>A file that is not the IDX data it should be; the message names the file, the byte offset, what was expected and what was found.</summary>
public sealed class IdxFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> at <paramref name="offset"/>; <paramref name="problem"/> says what was expected and found.</summary>
    public IdxFormatException(string path, long offset, string problem, System.Exception? inner = null)
        : this(path, offset, inCompressedFile: false, problem, inner)
    {
    }

    /// <summary>Creates the exception for a problem of the gzip container of a .gz file, at <paramref name="offset"/> in the compressed file.</summary>
    internal IdxFormatException(string path, long offset, bool inCompressedFile, string problem, System.Exception? inner = null)
        : base($"{path}: at byte {offset}{(inCompressedFile ? " of the compressed file" : "")}: {problem}", inner)
    {
        FilePath = path;
        Offset = offset;
        OffsetInCompressedFile = inCompressedFile;
    }

    /// <summary>The file that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>
    /// The byte offset where the problem was found: in the decompressed data, for a .gz file, unless
    /// <see cref="OffsetInCompressedFile"/> (a defect of the gzip container itself).
    /// </summary>
    public long Offset { get; }

    /// <summary>True when the problem is in the gzip container of a .gz file (truncated or corrupt member, trailing garbage), and <see cref="Offset"/> counts bytes of the compressed file.</summary>
    public bool OffsetInCompressedFile { get; }
}
