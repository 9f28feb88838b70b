using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace MlpGen.Data;

/// <summary>A file to download and the SHA-256 its bytes must have.</summary>
public sealed record DownloadFile(string Name, string Sha256);

/// <summary>
/// Downloads the MNIST files into a directory: each missing file is fetched from the first mirror
/// that serves it with the right SHA-256, written to a temporary file and renamed into place, so an
/// interrupted or corrupted download never leaves a file that looks complete.
/// </summary>
public sealed class MnistDownloader
{
    /// <summary>Public mirrors of the original MNIST files, tried in order.</summary>
    public static readonly IReadOnlyList<Uri> DefaultMirrors =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
    ];

    /// <summary>The four original MNIST files and their SHA-256 hashes.</summary>
    public static readonly IReadOnlyList<DownloadFile> DefaultFiles =
    [
        new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ];

    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _mirrors;
    private readonly IReadOnlyList<DownloadFile> _files;

    /// <summary>Creates a downloader; by default the public mirrors and the original files.</summary>
    public MnistDownloader(HttpClient http, IReadOnlyList<Uri>? mirrors = null, IReadOnlyList<DownloadFile>? files = null)
    {
        _http = http;
        _mirrors = mirrors ?? DefaultMirrors;
        _files = files ?? DefaultFiles;
    }

    /// <summary>The per-user directory where MNIST is cached when no other directory is given.</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "MlpGen", "mnist");

    /// <summary>
    /// Makes sure every file is in <paramref name="directory"/>, downloading the missing ones. Files
    /// already present are kept as they are (the IDX reader checks them when they are loaded).
    /// </summary>
    /// <param name="directory">Where the files go; created when missing.</param>
    /// <param name="log">Receives one line per action, for the user to see what happens.</param>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <exception cref="IOException">A file could not be had from any mirror; the message lists every attempt.</exception>
    public async Task EnsureAsync(string directory, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        foreach (DownloadFile file in _files)
        {
            string target = Path.Combine(directory, file.Name);
            string rawName = file.Name.EndsWith(".gz", StringComparison.Ordinal) ? file.Name[..^3] : file.Name;
            if (File.Exists(target) || File.Exists(Path.Combine(directory, rawName))) continue;

            var failures = new List<string>();
            bool done = false;
            foreach (Uri mirror in _mirrors)
            {
                var url = new Uri(mirror, file.Name);
                log?.Invoke($"Downloading {url} ...");
                try
                {
                    await DownloadVerifiedAsync(url, file, target, cancellationToken).ConfigureAwait(false);
                    done = true;
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    failures.Add($"{url}: {e.Message}");
                    log?.Invoke($"  failed: {e.Message}");
                }
            }
            if (!done)
            {
                throw new IOException(
                    $"Could not download {file.Name} into {directory} from any mirror:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", failures)
                    + $"{Environment.NewLine}Download the MNIST files by hand into that directory, or pass a directory that holds them.");
            }
        }
    }

    private async Task DownloadVerifiedAsync(Uri url, DownloadFile file, string target, CancellationToken cancellationToken)
    {
        string temporary = target + $".{Environment.ProcessId}.{Guid.NewGuid():N}.part";
        try
        {
            using (HttpResponseMessage response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                response.EnsureSuccessStatusCode();
                await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
#if NET9_0_OR_GREATER
                string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
#else
                string actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
#endif
                if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"SHA-256 mismatch: expected {file.Sha256}, found {actual}");
                }
            }
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
