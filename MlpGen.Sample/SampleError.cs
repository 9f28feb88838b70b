using System;
using System.IO;

namespace MlpGen.Sample;

/// <summary>
/// Stops the sample with a one-line message on stderr and an exit code: <see cref="Usage"/> (2) when the
/// command line asks for something that cannot be (a path that does not exist or is of the wrong kind, a
/// topology that does not fit the data), <see cref="Failure"/> (1) when something fails while it runs.
/// </summary>
internal sealed class SampleError(int exitCode, string message) : Exception(message)
{
    public const int UsageExitCode = 2, FailureExitCode = 1;

    public int ExitCode { get; } = exitCode;

    public static SampleError Usage(string message) => new(UsageExitCode, message);

    public static SampleError Failure(string message) => new(FailureExitCode, message);

    /// <summary>
    /// Runs a command: a <see cref="SampleError"/> ends it with its line and exit code; a file that cannot be read or
    /// written (an IdxFormatException, WeightsFormatException or ModelFormatException names the file, where and what;
    /// a failed save or download the file and why) with its message and exit code 1. No stack trace either way.
    /// </summary>
    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (SampleError e)
        {
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            return FailureExitCode;
        }
    }
}
