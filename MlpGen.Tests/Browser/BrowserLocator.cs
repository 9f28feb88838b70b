using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace MlpGen.Tests.Browser;

/// <summary>The operating systems the browser search knows (any other Unix is searched as Linux).</summary>
public enum BrowserPlatform
{
    Linux,
    Windows,
    MacOS,
}

/// <summary>
/// Finds a Chromium-family browser (Chromium, Chrome, Edge) for the browser tests, on Linux, Windows or macOS, in
/// this order:
/// <list type="number">
/// <item>the environment variable <see cref="Variable"/>, when set (a path that is not a file is an error, not a reason to look elsewhere);</item>
/// <item>the usual executable names (<see cref="ExecutableNames"/>, in that order) in the directories of PATH;</item>
/// <item>Playwright's browsers (<c>playwright.ps1 install chromium</c>): <c>PLAYWRIGHT_BROWSERS_PATH</c>, else
///   <c>~/.cache/ms-playwright</c> (Linux), <c>%LOCALAPPDATA%\ms-playwright</c> (Windows) or
///   <c>~/Library/Caches/ms-playwright</c> (macOS), the newest build first;</item>
/// <item>Chrome, Chromium or Edge where their installers put them.</item>
/// </list>
/// When none is there, <see cref="Find"/> fails with the command that installs one on this operating system. The
/// machine is seen only through the functions given to the constructor, so the search order is tested without a browser.
/// </summary>
internal sealed class BrowserLocator
{
    /// <summary>The environment variable that names the browser to use, before any search.</summary>
    public const string Variable = "MLPGEN_BROWSER";

    /// <summary>The names looked for on PATH, in order (with <c>.exe</c> on Windows).</summary>
    public static IReadOnlyList<string> ExecutableNames { get; } =
        new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge", "chrome" };

    private readonly BrowserPlatform _platform;
    private readonly Func<string, string?> _environment;
    private readonly Func<string, bool> _fileExists;
    private readonly Func<string, IEnumerable<string>> _subdirectories;
    private readonly string _playwrightScript;

    /// <param name="platform">The operating system whose places and path syntax to use.</param>
    /// <param name="environment">An environment variable's value, or null when it is not set.</param>
    /// <param name="fileExists">Whether a file exists at a path.</param>
    /// <param name="subdirectories">The full paths of a directory's subdirectories; none when it does not exist.</param>
    /// <param name="playwrightScript">Playwright's <c>playwright.ps1</c>, which the failure message tells how to run.</param>
    public BrowserLocator(BrowserPlatform platform, Func<string, string?> environment, Func<string, bool> fileExists,
        Func<string, IEnumerable<string>> subdirectories, string playwrightScript)
    {
        _platform = platform;
        _environment = environment;
        _fileExists = fileExists;
        _subdirectories = subdirectories;
        _playwrightScript = playwrightScript;
    }

    /// <summary>The search on this machine.</summary>
    public static BrowserLocator ForThisMachine() => new(
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? BrowserPlatform.Windows
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? BrowserPlatform.MacOS
            : BrowserPlatform.Linux,
        Environment.GetEnvironmentVariable,
        File.Exists,
        directory => Directory.Exists(directory) ? Directory.EnumerateDirectories(directory) : Enumerable.Empty<string>(),
        Path.Combine(AppContext.BaseDirectory, "playwright.ps1"));

    /// <summary>The browser to use: the first of <see cref="Candidates"/> that is a file.</summary>
    /// <exception cref="InvalidOperationException">
    /// <see cref="Variable"/> names no file, or no browser was found; the message says where it looked and how to install one.
    /// </exception>
    public string Find()
    {
        if (Value(Variable) is { } chosen)
        {
            return _fileExists(chosen)
                ? chosen
                : throw new InvalidOperationException($"{Variable} is set to '{chosen}', which is not a file: set it to a Chromium, Chrome or Edge executable, or unset it to search for one.");
        }
        return Candidates().FirstOrDefault(_fileExists) ?? throw new InvalidOperationException(NotFound());
    }

    /// <summary>Where the browser is looked for after <see cref="Variable"/>, in order.</summary>
    public IEnumerable<string> Candidates() => OnPath().Concat(InPlaywrightsCache()).Concat(Installed());

    /// <summary>The command that installs a browser the search finds, on this operating system.</summary>
    public string InstallCommand => _platform switch
    {
        BrowserPlatform.Windows => "winget install Google.Chrome",
        BrowserPlatform.MacOS => "brew install --cask chromium",
        _ => "sudo apt-get install -y chromium",
    };

    private IEnumerable<string> OnPath()
    {
        string[] directories = (Value("PATH") ?? "").Split(_platform == BrowserPlatform.Windows ? ';' : ':', StringSplitOptions.RemoveEmptyEntries);
        string suffix = _platform == BrowserPlatform.Windows ? ".exe" : "";
        return ExecutableNames.SelectMany(name => directories.Select(directory => Join(directory, name + suffix)));
    }

    /// <summary>Playwright's browsers directory on this operating system, if its parts are known.</summary>
    private string? PlaywrightDirectory
    {
        get
        {
            if (Value("PLAYWRIGHT_BROWSERS_PATH") is { } set && set != "0") return set;   // "0": inside the driver's package, not a cache
            string? cache = _platform switch
            {
                BrowserPlatform.Windows => Value("LOCALAPPDATA"),
                BrowserPlatform.MacOS => Value("HOME") is { } home ? Join(home, "Library", "Caches") : null,
                _ => Value("XDG_CACHE_HOME") ?? (Value("HOME") is { } home ? Join(home, ".cache") : null),
            };
            return cache is null ? null : Join(cache, "ms-playwright");
        }
    }

    /// <summary>
    /// Playwright's full Chromium builds (chromium-NNNN), then its headless shells (chromium_headless_shell-NNNN),
    /// each newest first, with the executable's place in each layout Playwright has used (Chrome for Testing's by
    /// architecture, and the older Chromium builds').
    /// </summary>
    private IEnumerable<string> InPlaywrightsCache()
    {
        if (PlaywrightDirectory is not { } root) yield break;
        string[] builds = _subdirectories(root).ToArray();
        foreach ((string prefix, string[][] layouts) in PlaywrightLayouts)
        {
            IEnumerable<string> newestFirst = builds.Where(build => Revision(build, prefix) is not null).OrderByDescending(build => Revision(build, prefix));
            foreach (string build in newestFirst)
            {
                foreach (string[] layout in layouts) yield return Join(new[] { build }.Concat(layout).ToArray());
            }
        }
    }

    private (string Prefix, string[][] Layouts)[] PlaywrightLayouts => _platform switch
    {
        BrowserPlatform.Windows => new[]
        {
            ("chromium-", new[] { new[] { "chrome-win64", "chrome.exe" }, new[] { "chrome-win", "chrome.exe" } }),
            ("chromium_headless_shell-", new[] { new[] { "chrome-headless-shell-win64", "chrome-headless-shell.exe" }, new[] { "chrome-win", "headless_shell.exe" } }),
        },
        BrowserPlatform.MacOS => new[]
        {
            ("chromium-", new[]
            {
                new[] { "chrome-mac-arm64", "Google Chrome for Testing.app", "Contents", "MacOS", "Google Chrome for Testing" },
                new[] { "chrome-mac-x64", "Google Chrome for Testing.app", "Contents", "MacOS", "Google Chrome for Testing" },
                new[] { "chrome-mac", "Chromium.app", "Contents", "MacOS", "Chromium" },
            }),
            ("chromium_headless_shell-", new[]
            {
                new[] { "chrome-headless-shell-mac-arm64", "chrome-headless-shell" },
                new[] { "chrome-headless-shell-mac-x64", "chrome-headless-shell" },
                new[] { "chrome-mac", "headless_shell" },
            }),
        },
        _ => new[]
        {
            ("chromium-", new[] { new[] { "chrome-linux64", "chrome" }, new[] { "chrome-linux-arm64", "chrome" }, new[] { "chrome-linux", "chrome" } }),
            ("chromium_headless_shell-", new[]
            {
                new[] { "chrome-headless-shell-linux64", "chrome-headless-shell" },
                new[] { "chrome-headless-shell-linux-arm64", "chrome-headless-shell" },
                new[] { "chrome-linux", "headless_shell" },
            }),
        },
    };

    /// <summary>Where the installers of Chrome, Chromium and Edge put them.</summary>
    private IEnumerable<string> Installed()
    {
        switch (_platform)
        {
            case BrowserPlatform.Windows:
                string? programFiles = Value("ProgramFiles"), programFilesX86 = Value("ProgramFiles(x86)"), localAppData = Value("LOCALAPPDATA");
                foreach (string? root in new[] { programFiles, programFilesX86, localAppData })
                {
                    if (root is not null) yield return Join(root, "Google", "Chrome", "Application", "chrome.exe");
                }
                foreach (string? root in new[] { programFilesX86, programFiles })
                {
                    if (root is not null) yield return Join(root, "Microsoft", "Edge", "Application", "msedge.exe");
                }
                break;
            case BrowserPlatform.MacOS:
                var applications = new List<string> { "/Applications" };
                if (Value("HOME") is { } home) applications.Add(Join(home, "Applications"));
                foreach ((string app, string executable) in new[] { ("Chromium.app", "Chromium"), ("Google Chrome.app", "Google Chrome"), ("Microsoft Edge.app", "Microsoft Edge") })
                {
                    foreach (string directory in applications) yield return Join(directory, app, "Contents", "MacOS", executable);
                }
                break;
            default:
                yield return "/opt/google/chrome/chrome";
                yield return "/opt/microsoft/msedge/msedge";
                break;
        }
    }

    private string NotFound()
    {
        string cache = PlaywrightDirectory ?? "Playwright's cache (no HOME or LOCALAPPDATA to find it)";
        return $"The browser tests need Chromium, Chrome or Edge, and found none: {Variable} is not set; none of "
            + $"{string.Join(", ", ExecutableNames)} is on PATH; Playwright has no Chromium in {cache}; "
            + $"none is installed where Chrome, Chromium or Edge install themselves. Install one: {InstallCommand}"
            + (_platform == BrowserPlatform.Linux ? " (Debian, Ubuntu)" : "")
            + $", or Playwright's Chromium: pwsh {_playwrightScript} install chromium; or set {Variable} to a browser's executable.";
    }

    private string? Value(string variable) => _environment(variable) is { Length: > 0 } value ? value : null;

    private char Separator => _platform == BrowserPlatform.Windows ? '\\' : '/';

    /// <summary>Path parts joined with this operating system's separator.</summary>
    private string Join(params string[] parts) =>
        string.Join(Separator, parts.Select((part, i) => i == 0 ? part.TrimEnd(Separator) : part.Trim(Separator)));

    /// <summary>NNNN of a build directory named <paramref name="prefix"/>NNNN, else null.</summary>
    private int? Revision(string directory, string prefix)
    {
        string name = directory.TrimEnd(Separator);
        name = name[(name.LastIndexOf(Separator) + 1)..];
        return name.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int revision)
            ? revision : null;
    }
}
