using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading.Tasks;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using Xunit;

namespace MlpGen.Tests.Runtime;

/// <summary>
/// The MNIST download path, against a loopback HTTP server that serves real digit files: mirrors are
/// tried in order, bytes are checked against SHA-256, and nothing unverified is left behind.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class DownloaderTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();
    private readonly Dictionary<string, byte[]> _files = new();
    private readonly List<DownloadFile> _manifest = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public DownloaderTests()
    {
        foreach (string name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(TestData.MnistDirectory, name));
            _files[name] = bytes;
            _manifest.Add(new DownloadFile(name, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _temporary.Dispose();
    }

    /// <summary>/missing/ answers 404, /corrupt/ serves altered bytes, /good/ serves the real files.</summary>
    private (int, byte[]) Serve(string path)
    {
        string[] parts = path.Trim('/').Split('/');
        if (parts.Length != 2 || !_files.TryGetValue(parts[1], out byte[]? bytes)) return (404, Array.Empty<byte>());
        return parts[0] switch
        {
            "good" => (200, bytes),
            "corrupt" => (200, bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)(b ^ 1) : b).ToArray()),
            _ => (404, Array.Empty<byte>()),
        };
    }

    [Fact]
    public async Task FallsBackAcrossMirrors_VerifiesAndLoads()
    {
        using var server = new LoopbackServer(Serve);
        var mirrors = new[] { new Uri(server.BaseAddress, "missing/"), new Uri(server.BaseAddress, "corrupt/"), new Uri(server.BaseAddress, "good/") };
        var log = new List<string>();
        await new MnistDownloader(_http, mirrors, _manifest).EnsureAsync(_temporary.Path, log.Add);

        foreach ((string name, byte[] bytes) in _files) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_temporary.Path, name)));
        Assert.Equal(_files.Keys.Order(), Directory.GetFiles(_temporary.Path).Select(Path.GetFileName).Order());
        Assert.Contains(log, l => l.Contains("404"));
        Assert.Contains(log, l => l.Contains("SHA-256 mismatch"));
        Assert.Equal(12, server.Requests.Count);

        var expected = Mnist.Load(TestData.MnistDirectory, MnistSplit.Test);
        var downloaded = Mnist.Load(_temporary.Path, MnistSplit.Test);
        Assert.Equal(expected.Count, downloaded.Count);
        Assert.Equal(expected.Labels.ToArray(), downloaded.Labels.ToArray());

        // Everything is there now: a second run asks for nothing.
        await new MnistDownloader(_http, mirrors, _manifest).EnsureAsync(_temporary.Path);
        Assert.Equal(12, server.Requests.Count);
    }

    [Fact]
    public async Task NoMirrorWithTheRightBytes_FailsClearly_AndLeavesNothing()
    {
        using var server = new LoopbackServer(Serve);
        var mirrors = new[] { new Uri(server.BaseAddress, "corrupt/"), new Uri(server.BaseAddress, "missing/") };
        var e = await Assert.ThrowsAsync<IOException>(() => new MnistDownloader(_http, mirrors, _manifest).EnsureAsync(_temporary.Path));
        Assert.Contains("Could not download train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains($"{server.BaseAddress}corrupt/train-images-idx3-ubyte.gz: SHA-256 mismatch: expected {_manifest[0].Sha256}", e.Message);
        Assert.Contains("404", e.Message);
        Assert.Empty(Directory.GetFiles(_temporary.Path));
    }

    [Fact]
    public async Task UnreachableMirror_IsReportedWithItsAddress()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)) { probe.Start(); port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port; }
        var mirrors = new[] { new Uri($"http://127.0.0.1:{port}/nothing-listens-here/") };
        var e = await Assert.ThrowsAsync<IOException>(() => new MnistDownloader(_http, mirrors, _manifest).EnsureAsync(_temporary.Path));
        Assert.Contains($"http://127.0.0.1:{port}/nothing-listens-here/train-images-idx3-ubyte.gz", e.Message);
        Assert.Empty(Directory.GetFiles(_temporary.Path));
    }

    [Fact]
    public void DefaultManifest_IsTheOriginalMnistFilesOverHttps()
    {
        Assert.Equal(4, MnistDownloader.DefaultFiles.Count);
        Assert.All(MnistDownloader.DefaultFiles, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        Assert.All(MnistDownloader.DefaultMirrors, m => Assert.Equal("https", m.Scheme));
    }
}
