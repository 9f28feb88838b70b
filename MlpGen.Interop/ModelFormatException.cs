using System.IO;

namespace MlpGen.Interop;

/// <summary>A model file that cannot be converted; the message is one line naming the file and where and what the problem is.</summary>
public sealed class ModelFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>; <paramref name="problem"/> says where and what.</summary>
    public ModelFormatException(string path, string problem)
        : base($"{path}: {problem}")
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that could not be converted.</summary>
    public string FilePath { get; }

    /// <summary>The message without the file name.</summary>
    public string Problem { get; }
}
