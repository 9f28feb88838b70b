using System;
using System.Collections.Generic;
using System.IO;
using MlpGen.Data;
using MlpGen.Persistence;

namespace MlpGen.Sample;

/// <summary>The checks the sample makes before it downloads, loads or trains anything, so that no run is lost at its end.</summary>
internal static class Preflight
{
    /// <summary>
    /// A data directory the user gave (<paramref name="source"/> is <c>--data</c> or <c>MLPGEN_DATA</c>) must
    /// exist and be a directory: only the default per-user cache is created when missing.
    /// </summary>
    public static void CheckGivenDataDirectory(string directory, string source)
    {
        if (directory.Length == 0) throw SampleError.Usage($"{source}: expected a directory, found ''.");
        string full = Path.GetFullPath(directory);
        if (File.Exists(full)) throw SampleError.Usage($"{source}: {full} is a file; give the directory that holds the MNIST IDX files.");
        if (!Directory.Exists(full)) throw SampleError.Usage($"{source}: the directory {full} does not exist.");
    }

    /// <summary>
    /// The weights file can be written: the path is not a directory, its directory exists, a file that is there is
    /// not read-only (<see cref="AtomicFile.IsReadOnly"/>: the save would refuse it, as <c>cp</c> does), and a file
    /// can be created there (checked the way the weights are saved: a temporary file beside the target, then deleted).
    /// <paramref name="source"/> names the path in the messages: <c>--weights</c>, or <c>OUT</c> of <c>convert</c>.
    /// </summary>
    public static void CheckOutputPath(string path, string source = "--weights")
    {
        if (path.Length == 0) throw SampleError.Usage($"{source}: expected a file name, found ''.");
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw SampleError.Usage($"{source}: {full} is a directory; give the path of the {(source == "--weights" ? "weights file" : "file")} to write in it.");
        string parent = Path.GetDirectoryName(full)!;
        if (File.Exists(parent)) throw SampleError.Usage($"{source}: {parent} is a file, not a directory.");
        if (!Directory.Exists(parent)) throw SampleError.Usage($"{source}: the directory {parent} does not exist.");
        if (AtomicFile.IsReadOnly(full)) throw SampleError.Usage($"{source}: {full} is read-only; make it writable or choose another file.");
        try
        {
            AtomicFile.CheckWritable(full, source == "--weights" ? "the weights" : "the output");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SampleError.Failure(e.Message);
        }
    }

    /// <summary>
    /// The --report directory can take the report: it is not a file, its parent exists and is a directory, and the
    /// report can be written there. Nothing is left behind: an existing directory is probed with a temporary file, a
    /// missing one by creating and deleting a temporary directory beside it, so that a run that fails before its
    /// report leaves no empty report directory; the directory itself is created only when the report is written.
    /// </summary>
    public static void CheckReportDirectory(string directory)
    {
        if (directory.Length == 0) throw SampleError.Usage("--report: expected a directory, found ''.");
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (File.Exists(full)) throw SampleError.Usage($"--report: {full} is a file; give the directory to write the report in.");
        string? parent = Path.GetDirectoryName(full);
        if (parent is not null && File.Exists(parent)) throw SampleError.Usage($"--report: {parent} is a file, not a directory.");
        if (parent is not null && !Directory.Exists(parent)) throw SampleError.Usage($"--report: the directory {parent} does not exist.");
        // An existing directory: a file the report writes, probed as it is written. A missing one is created only when
        // the report is written: probe with a directory beside it, and name the report's directory in what fails.
        bool exists = Directory.Exists(full);
        string probe = exists ? full : Path.Combine(parent!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!exists) Directory.CreateDirectory(probe);
            AtomicFile.CheckWritable(Path.Combine(probe, "index.html"), "the report");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string message = e.Message.Replace(probe, full);
            throw SampleError.Failure(message.StartsWith("Cannot save", StringComparison.Ordinal) ? message : $"Cannot save the report to {full}: {message}");
        }
        finally
        {
            if (!exists && Directory.Exists(probe)) Directory.Delete(probe, recursive: true);
        }
    }

    /// <summary>The images of a split have as many pixels as the network has inputs; otherwise says which topology needs which image size.</summary>
    public static void CheckImageSize(IReadOnlyList<int> layerSizes, Dataset<float> data, string directory, MnistSplit split)
    {
        if (data.InputSize == layerSizes[0]) return;
        string topology = ParameterLayout.Topology(layerSizes);
        string images = Mnist.FileNames(split).Images;
        string path = File.Exists(Path.Combine(directory, images + ".gz")) ? Path.Combine(directory, images + ".gz") : Path.Combine(directory, images);
        int[] dimensions = IdxReader.Read(path, dimensionCount: 3).Dimensions;   // read again only to name the image size
        throw SampleError.Usage(
            $"The network {topology} needs images of {Pixels(layerSizes[0])}; the images in {Path.GetFullPath(path)} are {dimensions[1]}×{dimensions[2]} = {data.InputSize} pixels.");
    }

    private static string Pixels(int count)
    {
        int side = (int)Math.Round(Math.Sqrt(count));
        return side * side == count ? $"{count} pixels ({side}×{side})" : $"{count} pixels";
    }
}
