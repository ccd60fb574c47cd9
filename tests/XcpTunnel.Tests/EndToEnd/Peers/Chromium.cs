using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>Debian's Chromium, headless, as a person's browser would load a page: a screenshot of it once it has loaded.</summary>
internal static class Chromium
{
    private static readonly TimeSpan ScreenshotTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Loads <paramref name="page"/> in a fresh profile under <paramref name="directory"/> and writes a PNG of the window.</summary>
    /// <returns>The screenshot's path.</returns>
    public static async Task<string> ScreenshotAsync(Uri page, TemporaryDirectory directory, int width, int height, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(directory);
        var png = directory.File("screenshot.png");
        string[] arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--hide-scrollbars", $"--user-data-dir={directory.File("profile")}",
            string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"), $"--screenshot={png}", page.ToString(),
        ];
        // The screenshot is taken after the load event, which waits for every <img> on the page.
        var result = await Processes.RunAsync(new ProcessSpec(PeerProgram.Chromium.Require(), arguments), ScreenshotTimeout, cancellationToken);
        return File.Exists(png) ? png : throw new InvalidOperationException(result.Describe("chromium wrote no screenshot"));
    }
}
