using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace MlpGen.Tests.Infrastructure;

/// <summary>Runs a program (the dotnet CLI, or a built app) as a child process and captures what it prints.</summary>
internal static class DotNetCli
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>Asserts a zero exit code, showing the output otherwise.</summary>
        public Result Succeeded(string what)
        {
            Assert.True(ExitCode == 0, $"{what} exited with {ExitCode}:\n{Output}");
            return this;
        }
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, without build servers that would outlive it.</summary>
    public static Result Dotnet(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments) =>
        Run("dotnet", workingDirectory, environment, arguments);

    public static Result Run(string program, string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        Task readOut = Task.Run(() => { string? line; while ((line = process.StandardOutput.ReadLine()) is not null) lock (output) output.AppendLine(line); });
        Task readError = Task.Run(() => { string? line; while ((line = process.StandardError.ReadLine()) is not null) lock (output) output.AppendLine(line); });
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(" ", arguments)} ran for more than 10 minutes:\n{output}");
        }
        Task.WaitAll(readOut, readError);
        return new Result(process.ExitCode, output.ToString());
    }
}

/// <summary>
/// Tests that run the dotnet CLI on the repository's projects run one at a time, so that two builds never write the same
/// obj/ folder at once; those that need the packages take the <see cref="PackageFeed"/>, packed once for all of them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DotNetBuildsCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "dotnet builds";
}
