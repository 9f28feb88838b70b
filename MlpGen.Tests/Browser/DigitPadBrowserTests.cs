using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Playwright;
using MlpGen.Data;
using MlpGen.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlpGen.Tests.Browser;

/// <summary>
/// The digit pad (MlpGen.WebSample) as a person gets it: published (trimmed, compressed), served from a
/// loopback HTTP server, opened in Chromium, Chrome or Edge (headless, driven by Playwright; <see cref="BrowserLocator"/>
/// finds it), and written on with the mouse: real test digits traced stroke by stroke. Screenshots go to
/// MlpGen.Tests/TestResults/Browser/ (digit-pad.png, digit-pad-test-digits.png, digit-pad-phone.png), with
/// the measured numbers in measurements.txt beside them.
/// </summary>
[Collection(DotNetBuildsCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DigitPadBrowserTests : IClassFixture<DigitPadBrowserTests.PublishedPad>
{
    /// <summary>The arguments for a headless Chromium that never reaches beyond this machine.</summary>
    private static readonly string[] ChromiumArguments =
    {
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    };

    /// <summary>The issue's budget for the brotli-compressed first visit.</summary>
    private const long DownloadBudget = 4_000_000;

    private readonly PublishedPad _pad;
    private readonly ITestOutputHelper _output;

    public DigitPadBrowserTests(PublishedPad pad, ITestOutputHelper output)
    {
        _pad = pad;
        _output = output;
    }

    public static string Artefacts { get; } = Path.Combine(Repository.Root, "MlpGen.Tests", "TestResults", "Browser");

    [Fact]
    public async Task TenDrawnTestDigits_AreRecognised_AndTheFirstVisitFitsTheDownloadBudget()
    {
        using var server = _pad.Serve();
        await using var session = await BrowserSession.StartAsync(width: 820, height: 640);
        IPage page = session.Page;

        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("main[data-ready=true]", new() { Timeout = 60_000 });

        Dataset<float> test = TestData.Test;
        const int digits = 10;
        var read = new List<string>();
        int correct = 0;
        var time = Stopwatch.StartNew();
        for (int i = 0; i < digits; i++)
        {
            await page.ClickAsync("#clear");
            int predicted = await DrawAsync(page, test.Input(i).ToArray());
            int label = test.Label(i);
            read.Add($"{label}→{predicted}");
            if (predicted == label) correct++;
        }
        double perDigit = time.Elapsed.TotalMilliseconds / digits;

        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artefacts, "digit-pad-test-digits.png") });

        double readyMs = double.Parse((await page.GetAttributeAsync("#pad-canvas", "data-ready-ms"))!);
        double firstPredictionMs = double.Parse((await page.GetAttributeAsync("#pad-canvas", "data-first-prediction-ms"))!);
        string timing = await page.InnerTextAsync("#timing");

        // The first visit's download: every file the page asked for, as its .br twin (what a server that
        // speaks brotli sends; Chromium asks for br only over HTTPS, so the loopback server sends it raw).
        string[] requested = server.Requests.Distinct().ToArray();
        long brotli = requested.Sum(_pad.BrotliSize);
        string[] framework = requested.Where(p => p.StartsWith("/_framework/", StringComparison.Ordinal)).ToArray();

        string report = $"""
            browser: {session.Browser}
            digits drawn: {digits}, recognised: {correct} ({string.Join(" ", read)})
            navigation to a ready pad: {readyMs:0} ms; navigation to the first prediction: {firstPredictionMs:0} ms
            drawing and reading one digit through Playwright: {perDigit:0} ms
            last reading: {timing}
            publish (Release, trimmed, compressed): {_pad.PublishSeconds:0} s
            first visit: {requested.Length} files, {brotli:N0} bytes brotli-compressed ({framework.Length} from _framework)
            """;
        _output.WriteLine(report);
        File.WriteAllText(Path.Combine(Artefacts, "measurements.txt"), report + "\n");

        Assert.Empty(session.Errors);
        Assert.True(correct >= 8, $"The page recognised {correct} of {digits} drawn test digits (label→prediction: {string.Join(" ", read)}); expected at least 8.");
        Assert.Contains(framework, p => p.Contains("/MlpGen.WebSample.", StringComparison.Ordinal));
        string[] published = Directory.GetFiles(Path.Combine(_pad.Root, "_framework"), "MlpGen*").Select(Path.GetFileName).ToArray()!;
        Assert.All(published, f => Assert.StartsWith("MlpGen.WebSample.", f));
        Assert.DoesNotContain(framework, p => p.Contains("/MlpGen.", StringComparison.Ordinal) && !p.Contains("/MlpGen.WebSample.", StringComparison.Ordinal));
        Assert.True(brotli <= DownloadBudget, $"The first visit downloads {brotli:N0} bytes brotli-compressed; the budget is {DownloadBudget:N0}.");
    }

    [Fact]
    public async Task DigitsWrittenWithSmoothPenStrokes_AreRead()
    {
        // Handwriting rather than traced images: a 3 as two bowls, one stroke, and a 7 as a bar and a
        // slanted stem, drawn as a pen would (points in the pad's unit square, y down).
        using var server = _pad.Serve();
        await using var session = await BrowserSession.StartAsync(width: 820, height: 600);
        IPage page = session.Page;
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("main[data-ready=true]", new() { Timeout = 60_000 });

        var seven = new[] { (0.28f, 0.22f), (0.72f, 0.22f), (0.50f, 0.82f) };
        await StrokeAsync(page, seven);
        Assert.Equal("7", await SettledPredictionAsync(page));

        await page.ClickAsync("#clear");
        var three = new List<(float, float)>();
        for (int step = 0; step <= 24; step++)   // the upper bowl, from its upper left round to the middle
        {
            double angle = (-160 + 250.0 * step / 24) * Math.PI / 180;
            three.Add((0.48f + 0.19f * (float)Math.Cos(angle), 0.32f + 0.17f * (float)Math.Sin(angle)));
        }
        for (int step = 1; step <= 24; step++)   // the lower bowl, from the middle round to its lower left
        {
            double angle = (-90 + 250.0 * step / 24) * Math.PI / 180;
            three.Add((0.48f + 0.21f * (float)Math.Cos(angle), 0.68f + 0.18f * (float)Math.Sin(angle)));
        }
        await StrokeAsync(page, three);
        string predicted = await SettledPredictionAsync(page);

        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artefacts, "digit-pad.png") });
        Assert.Empty(session.Errors);
        Assert.Equal("3", predicted);
    }

    /// <summary>One mouse stroke through <paramref name="points"/> (the pad's unit square, y down).</summary>
    private static async Task StrokeAsync(IPage page, IReadOnlyList<(float X, float Y)> points)
    {
        var box = (await page.Locator("#pad-canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + points[0].X * box.Width, box.Y + points[0].Y * box.Height);
        await page.Mouse.DownAsync();
        for (int i = 1; i < points.Count; i++)
        {
            await page.Mouse.MoveAsync(box.X + points[i].X * box.Width, box.Y + points[i].Y * box.Height, new() { Steps = 4 });
        }
        await page.Mouse.UpAsync();
    }

    [Fact]
    public async Task OnAPhoneSizedViewport_ThePadFitsTheWidth_AndAFingerCanDraw()
    {
        using var server = _pad.Serve();
        await using var session = await BrowserSession.StartAsync(width: 390, height: 844, touch: true);
        IPage page = session.Page;
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForSelectorAsync("main[data-ready=true]", new() { Timeout = 60_000 });

        int scrollWidth = await page.EvaluateAsync<int>("document.scrollingElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"The page is {scrollWidth} px wide on a 390 px screen: it scrolls sideways.");
        var canvas = (await page.Locator("#pad-canvas").BoundingBoxAsync())!;
        Assert.True(canvas.X >= 0 && canvas.X + canvas.Width <= 390 && canvas.Width >= 250, $"The canvas is at x = {canvas.X}, {canvas.Width} px wide, on a 390 px screen.");

        // A finger's stroke (touch pointer events through the DevTools protocol): a vertical line, a "1".
        var cdp = await page.Context.NewCDPSessionAsync(page);
        float x = canvas.X + canvas.Width / 2, top = canvas.Y + canvas.Height * 0.15f, bottom = canvas.Y + canvas.Height * 0.85f;
        await Touch(cdp, "touchStart", x, top);
        for (int step = 1; step <= 10; step++) await Touch(cdp, "touchMove", x, top + (bottom - top) * step / 10);
        await Touch(cdp, "touchEnd", x, bottom);
        string predicted = await SettledPredictionAsync(page);

        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artefacts, "digit-pad-phone.png"), FullPage = true });
        Assert.Empty(session.Errors);
        Assert.Equal("1", predicted);
    }

    private static Task Touch(ICDPSession cdp, string type, float x, float y) =>
        cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
        });

    /// <summary>
    /// Traces the dark pixels (ink ≥ ½) of a 28×28 image onto the canvas, scaled up: one mouse stroke along
    /// each run of dark pixels in a row. Returns the digit the page shows once it has read all of them.
    /// </summary>
    private static async Task<int> DrawAsync(IPage page, float[] image)
    {
        var strokes = new List<(int Y, int From, int To)>();
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                if (image[y * 28 + x] < 0.5f) continue;
                int from = x;
                while (x + 1 < 28 && image[y * 28 + x + 1] >= 0.5f) x++;
                strokes.Add((y, from, x));
            }
        }
        var box = (await page.Locator("#pad-canvas").BoundingBoxAsync())!;
        float scale = box.Width / 28;
        foreach (var (y, from, to) in strokes)
        {
            float py = box.Y + (y + 0.5f) * scale;
            await page.Mouse.MoveAsync(box.X + (from + 0.5f) * scale, py);
            await page.Mouse.DownAsync();
            if (to > from) await page.Mouse.MoveAsync(box.X + (to + 0.5f) * scale, py);
            await page.Mouse.UpAsync();
        }
        return int.Parse(await SettledPredictionAsync(page));
    }

    /// <summary>The page's prediction once it has read the last ink drawn (the numbers in data-sent and data-ink agree).</summary>
    private static async Task<string> SettledPredictionAsync(IPage page)
    {
        await page.WaitForFunctionAsync("""
            () => {
              const canvas = document.querySelector('#pad-canvas'), prediction = document.querySelector('#prediction');
              return canvas.dataset.pending === '0' && prediction.dataset.ink === canvas.dataset.sent;
            }
            """, null, new() { Timeout = 30_000 });
        return (await page.GetAttributeAsync("#prediction", "data-digit"))!;
    }

    /// <summary>Playwright, the browser and one page, with every console error and page error collected.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
        {
            _playwright = playwright;
            _browser = browser;
            Page = page;
            page.Console += (_, message) => { if (message.Type == "error") Errors.Add($"console: {message.Text}"); };
            page.PageError += (_, error) => Errors.Add($"page: {error}");
        }

        public IPage Page { get; }

        public List<string> Errors { get; } = new();

        /// <summary>Which browser runs the page, for the measurements: its executable and version.</summary>
        public string Browser => $"{Executable.Value}, version {_browser.Version}";

        /// <summary>The browser's executable, found once (<see cref="BrowserLocator"/>); when there is none, every test fails with how to install one.</summary>
        public static Lazy<string> Executable { get; } = new(() => BrowserLocator.ForThisMachine().Find());

        public static async Task<BrowserSession> StartAsync(int width, int height, bool touch = false)
        {
            string executable = Executable.Value;
            IPlaywright playwright = await Playwright.CreateAsync();
            IBrowser browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = executable,
                Headless = true,
                Args = ChromiumArguments,
                Timeout = 60_000,
            });
            IBrowserContext context = await browser.NewContextAsync(new()
            {
                ViewportSize = new() { Width = width, Height = height },
                HasTouch = touch,
                IsMobile = touch,
                DeviceScaleFactor = touch ? 2 : 1,
            });
            return new BrowserSession(playwright, browser, await context.NewPageAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.CloseAsync();
            _playwright.Dispose();
        }
    }

    /// <summary>The digit pad published once for the class (Release, trimmed, compressed) into a temporary directory.</summary>
    public sealed class PublishedPad : IDisposable
    {
        private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
        {
            [".html"] = "text/html; charset=utf-8",
            [".js"] = "text/javascript",
            [".mjs"] = "text/javascript",
            [".css"] = "text/css",
            [".json"] = "application/json",
            [".wasm"] = "application/wasm",
            [".dat"] = "application/octet-stream",
            [".png"] = "image/png",
            [".ico"] = "image/x-icon",
        };

        private readonly TemporaryDirectory _published = new();

        public PublishedPad()
        {
            _ = BrowserSession.Executable.Value;   // no browser: fail now, not after a minute of publishing
            string project = Path.Combine(Repository.Root, "MlpGen.WebSample", "MlpGen.WebSample.csproj");
            var publish = Stopwatch.StartNew();
            DotNetCli.Dotnet(Repository.Root, null, "publish", project, "-c", "Release", "-o", _published.Path, "--disable-build-servers").Succeeded("dotnet publish MlpGen.WebSample");
            PublishSeconds = publish.Elapsed.TotalSeconds;
            Root = Path.Combine(_published.Path, "wwwroot");
        }

        /// <summary>The site: the publish output's wwwroot.</summary>
        public string Root { get; }

        public double PublishSeconds { get; }

        /// <summary>A loopback server for the site, each file with its content type, uncompressed.</summary>
        internal LoopbackServer Serve() => new(path =>
        {
            string? file = Resolve(path);
            if (file is null) return (404, Array.Empty<byte>(), null);
            return (200, File.ReadAllBytes(file), ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream"));
        });

        /// <summary>The size of a requested file's .br twin (its own size where it has none; 0 when it is not there).</summary>
        public long BrotliSize(string path)
        {
            string? file = Resolve(path);
            if (file is null) return 0;
            return new FileInfo(File.Exists(file + ".br") ? file + ".br" : file).Length;
        }

        private string? Resolve(string path)
        {
            string relative = Uri.UnescapeDataString(path).TrimStart('/');
            if (relative.Length == 0) relative = "index.html";
            string file = Path.GetFullPath(Path.Combine(Root, relative));
            bool inside = file.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            return inside && File.Exists(file) ? file : null;
        }

        public void Dispose() => _published.Dispose();
    }
}
