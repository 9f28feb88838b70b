using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace MlpGen.Tests.Browser;

/// <summary>
/// The browser tests' search for Chromium, Chrome or Edge, on made-up Linux, Windows and macOS machines (environment
/// and files only, no browser): the order of the places, and the failure that says how to install one.
/// </summary>
[Trait("Category", "NoKernels")] // runs no generated kernel: .ci/run runs it on one kernel path only
public sealed class BrowserLocatorTests
{
    private const string Script = "/repo/MlpGen.Tests/bin/Release/net10.0/playwright.ps1";

    /// <summary>A machine made of environment variables and files; its directories are those the files are in.</summary>
    private sealed class Machine(BrowserPlatform platform, params (string Name, string Value)[] environment)
    {
        private readonly char _separator = platform == BrowserPlatform.Windows ? '\\' : '/';

        public HashSet<string> Files { get; } = new();

        public BrowserLocator Locator => new(platform, name => environment.FirstOrDefault(v => v.Name == name).Value, Files.Contains, Subdirectories, Script);

        /// <summary>Finds the browser, removes it, and finds again, until there is none: the order the search takes the files in.</summary>
        public List<string> SearchOrder()
        {
            var order = new List<string>();
            for (string? found = Find(); found is not null; found = Find())
            {
                order.Add(found);
                Files.Remove(found);
            }
            return order;
        }

        private string? Find()
        {
            try
            {
                return Locator.Find();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        private IEnumerable<string> Subdirectories(string directory) => Files
            .Where(file => file.StartsWith(directory + _separator, StringComparison.Ordinal))
            .Select(file => file[(directory.Length + 1)..])
            .Where(rest => rest.Contains(_separator))
            .Select(rest => directory + _separator + rest[..rest.IndexOf(_separator)])
            .Distinct();
    }

    [Fact]
    public void Linux_TheVariable_ThenPath_ThenPlaywright_ThenInstalledBrowsers()
    {
        var machine = new Machine(BrowserPlatform.Linux, ("PATH", "/usr/local/bin:/usr/bin"), ("HOME", "/home/dev"));
        machine.Files.UnionWith(new[]
        {
            "/opt/google/chrome/chrome",
            "/home/dev/.cache/ms-playwright/chromium-1248/chrome-linux64/chrome",
            "/usr/bin/chromium",
        });
        Assert.Equal(new[] { "/usr/bin/chromium", "/home/dev/.cache/ms-playwright/chromium-1248/chrome-linux64/chrome", "/opt/google/chrome/chrome" },
            machine.SearchOrder());
    }

    [Fact]
    public void TheVariable_ComesFirst()
    {
        var machine = new Machine(BrowserPlatform.Linux, ("PATH", "/usr/bin"), (BrowserLocator.Variable, "/srv/browsers/chrome"));
        machine.Files.UnionWith(new[] { "/usr/bin/chromium", "/srv/browsers/chrome" });
        Assert.Equal("/srv/browsers/chrome", machine.Locator.Find());
    }

    [Fact]
    public void TheVariable_NamingNoFile_IsAnError_NotAReasonToLookElsewhere()
    {
        var machine = new Machine(BrowserPlatform.Linux, ("PATH", "/usr/bin"), (BrowserLocator.Variable, "/srv/browsers/gone"));
        machine.Files.Add("/usr/bin/chromium");
        var e = Assert.Throws<InvalidOperationException>(() => machine.Locator.Find());
        Assert.Equal("MLPGEN_BROWSER is set to '/srv/browsers/gone', which is not a file: set it to a Chromium, Chrome or Edge executable, or unset it to search for one.", e.Message);
    }

    [Fact]
    public void OnPath_EachNameInTurn_InEveryDirectoryOfPath()
    {
        // chromium in the last directory beats google-chrome in the first; of two chromiums, the first on PATH wins.
        var machine = new Machine(BrowserPlatform.Linux, ("PATH", "/a:/b::/c"));
        machine.Files.UnionWith(new[] { "/a/google-chrome", "/a/chrome", "/c/chromium", "/b/chromium", "/b/msedge", "/c/chromium-browser" });
        Assert.Equal(new[] { "/b/chromium", "/c/chromium", "/c/chromium-browser", "/a/google-chrome", "/b/msedge", "/a/chrome" }, machine.SearchOrder());
        Assert.Equal(
            new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge", "chrome" },
            BrowserLocator.ExecutableNames);
    }

    [Fact]
    public void OnPath_OnWindows_TakesSemicolonsAndExe()
    {
        var machine = new Machine(BrowserPlatform.Windows, ("PATH", @"C:\Tools;C:\Browsers\"));
        machine.Files.UnionWith(new[] { @"C:\Browsers\msedge.exe", @"C:\Tools\msedge" });
        Assert.Equal(new[] { @"C:\Browsers\msedge.exe" }, machine.SearchOrder());
    }

    [Fact]
    public void Playwright_FullBuildsNewestFirst_ThenHeadlessShells()
    {
        var machine = new Machine(BrowserPlatform.Linux, ("HOME", "/home/dev"));
        const string cache = "/home/dev/.cache/ms-playwright";
        machine.Files.UnionWith(new[]
        {
            $"{cache}/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell",
            $"{cache}/chromium-999/chrome-linux/chrome",           // an older build, in the older layout
            $"{cache}/chromium-1248/chrome-linux64/chrome",
            $"{cache}/chromium-tip-of-tree-1300/chrome-linux64/chrome",   // not a numbered chromium build
            $"{cache}/firefox-1555/firefox/firefox",
        });
        Assert.Equal(new[]
        {
            $"{cache}/chromium-1248/chrome-linux64/chrome",
            $"{cache}/chromium-999/chrome-linux/chrome",
            $"{cache}/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell",
        }, machine.SearchOrder());
    }

    [Fact]
    public void Playwright_TheVariablesThatMoveItsCache()
    {
        var moved = new Machine(BrowserPlatform.Linux, ("HOME", "/home/dev"), ("PLAYWRIGHT_BROWSERS_PATH", "/opt/pw"));
        moved.Files.UnionWith(new[] { "/opt/pw/chromium-1248/chrome-linux64/chrome", "/home/dev/.cache/ms-playwright/chromium-1248/chrome-linux64/chrome" });
        Assert.Equal(new[] { "/opt/pw/chromium-1248/chrome-linux64/chrome" }, moved.SearchOrder());

        var xdg = new Machine(BrowserPlatform.Linux, ("HOME", "/home/dev"), ("XDG_CACHE_HOME", "/var/cache/dev"));
        xdg.Files.Add("/var/cache/dev/ms-playwright/chromium-1248/chrome-linux-arm64/chrome");
        Assert.Equal(new[] { "/var/cache/dev/ms-playwright/chromium-1248/chrome-linux-arm64/chrome" }, xdg.SearchOrder());
    }

    [Fact]
    public void Windows_Playwright_ThenChrome_ThenEdge()
    {
        var machine = new Machine(BrowserPlatform.Windows,
            ("PATH", @"C:\Windows\system32"), ("LOCALAPPDATA", @"C:\Users\dev\AppData\Local"),
            ("ProgramFiles", @"C:\Program Files"), ("ProgramFiles(x86)", @"C:\Program Files (x86)"));
        machine.Files.UnionWith(new[]
        {
            @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
            @"C:\Program Files\Google\Chrome\Application\chrome.exe",
            @"C:\Users\dev\AppData\Local\Google\Chrome\Application\chrome.exe",
            @"C:\Users\dev\AppData\Local\ms-playwright\chromium-1248\chrome-win64\chrome.exe",
        });
        Assert.Equal(new[]
        {
            @"C:\Users\dev\AppData\Local\ms-playwright\chromium-1248\chrome-win64\chrome.exe",
            @"C:\Program Files\Google\Chrome\Application\chrome.exe",
            @"C:\Users\dev\AppData\Local\Google\Chrome\Application\chrome.exe",
            @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
        }, machine.SearchOrder());
    }

    [Fact]
    public void MacOS_Playwright_ThenChromiumChromeAndEdgeInApplications()
    {
        var machine = new Machine(BrowserPlatform.MacOS, ("PATH", "/usr/bin:/opt/homebrew/bin"), ("HOME", "/Users/dev"));
        machine.Files.UnionWith(new[]
        {
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Users/dev/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Users/dev/Library/Caches/ms-playwright/chromium-1248/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
        });
        Assert.Equal(new[]
        {
            "/Users/dev/Library/Caches/ms-playwright/chromium-1248/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
            "/Users/dev/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        }, machine.SearchOrder());
    }

    [Theory]
    [InlineData(BrowserPlatform.Linux, "Install one: sudo apt-get install -y chromium (Debian, Ubuntu), or Playwright's Chromium: pwsh " + Script + " install chromium;")]
    [InlineData(BrowserPlatform.Windows, "Install one: winget install Google.Chrome, or Playwright's Chromium: pwsh " + Script + " install chromium;")]
    [InlineData(BrowserPlatform.MacOS, "Install one: brew install --cask chromium, or Playwright's Chromium: pwsh " + Script + " install chromium;")]
    public void NoBrowser_FailsWithTheInstallCommandOfTheOperatingSystem(BrowserPlatform platform, string install)
    {
        var machine = new Machine(platform, ("PATH", platform == BrowserPlatform.Windows ? @"C:\Windows" : "/usr/bin"), ("HOME", "/home/dev"), ("LOCALAPPDATA", @"C:\Users\dev\AppData\Local"));
        machine.Files.Add(platform == BrowserPlatform.Windows ? @"C:\Windows\notepad.exe" : "/usr/bin/firefox");
        var e = Assert.Throws<InvalidOperationException>(() => machine.Locator.Find());
        Assert.StartsWith("The browser tests need Chromium, Chrome or Edge, and found none: MLPGEN_BROWSER is not set; "
            + "none of chromium, chromium-browser, google-chrome, google-chrome-stable, microsoft-edge, msedge, chrome is on PATH; Playwright has no Chromium in ", e.Message);
        Assert.Contains(install, e.Message);
        Assert.EndsWith("or set MLPGEN_BROWSER to a browser's executable.", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
