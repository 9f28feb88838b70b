using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace MlpGen.Tests.Infrastructure;

/// <summary>
/// A small HTTP server on 127.0.0.1 for download and browser tests; answers each request with the handler's
/// status, bytes and content type (none when null), and stops on dispose.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LoopbackServer(Func<string, (int Status, byte[] Body)> handler)
        : this(path => { (int status, byte[] body) = handler(path); return (status, body, null); })
    {
    }

    public LoopbackServer(Func<string, (int Status, byte[] Body, string? ContentType)> handler)
    {
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                string path = context.Request.Url!.AbsolutePath;
                Requests.Enqueue(path);
                (int status, byte[] body, string? contentType) = handler(path);
                context.Response.StatusCode = status;
                if (contentType is not null) context.Response.ContentType = contentType;
                context.Response.ContentLength64 = body.Length;
                try { await context.Response.OutputStream.WriteAsync(body); }
                catch (Exception) { }
                context.Response.Close();
            }
        });
    }

    public Uri BaseAddress { get; }

    /// <summary>The paths requested so far.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
