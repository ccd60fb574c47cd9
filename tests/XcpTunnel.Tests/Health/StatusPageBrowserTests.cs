using System.Net;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Demo;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>The status page as a person sees it: loaded in Chromium, screenshot, pictures checked by their colours.</summary>
public sealed class StatusPageBrowserTests
{
    /// <summary>Wide enough for the three cards side by side.</summary>
    private const int WindowWidth = 1280;

    private const int WindowHeight = 900;

    [Fact]
    public async Task StatusPage_InChromium_ShowsEachRunningConsolesScreenAndWhyTheHaltedOneHasNone()
    {
        await using var daemon = await DaemonFixture.StartAsync(
            pool =>
            {
                pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
                pool.AddVm("pv-console", backend: ConsoleBackend.VnctermTestCard());
                pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
            },
            ("web01", "web01"),
            ("pv-console", "pv-console"),
            ("db01", "db01"));
        using var directory = TemporaryDirectory.Create("xcptunnel-chromium-");
        var png = await Chromium.ScreenshotAsync(daemon.Health.Addresses[0], directory, WindowWidth, WindowHeight, CancellationToken.None);
        var screenshot = await NetPbm.DecodeAsync(png, CancellationToken.None).Bounded();

        // Two test cards, side by side: every saturated bar in two places, each a bar's width (320 px / 8) wide.
        foreach (var bar in TestCard.SaturatedBars)
        {
            var runs = ColumnRuns(screenshot, bar);
            Assert.True(runs.Count == 2, $"{bar} appears in {runs.Count} places ({string.Join(", ", runs)}), not in the two thumbnails; {screenshot.Describe()}");
            Assert.All(runs, run => Assert.InRange(run.Width, 30, 50));
        }

        // The first view probed every console: the page says how each answered, and why db01 shows no picture.
        var page = await daemon.GetStringAsync("/");
        Assert.Contains("no screen: VM &#x27;db01&#x27; is Halted", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/snapshot/db01.png", page, StringComparison.Ordinal);
        foreach (var tunnel in new[] { "web01", "pv-console" })
        {
            var card = Card(page, tunnel);
            Assert.Contains($"<img src=\"/snapshot/{tunnel}.png\"", card, StringComparison.Ordinal);
            // OK, or WARNING when a loaded machine made the first probe slower than its 1 s threshold.
            Assert.Matches("<span class=\"badge (ok|warning)\">(OK|WARNING)</span>", card);
            Assert.Contains($"<code>vncviewer 127.0.0.1:{((IPEndPoint)daemon.Tunnel(tunnel).EndPoints[0]).Port}</code>", card, StringComparison.Ordinal);
        }

        Assert.Contains("<span class=\"badge critical\">CRITICAL</span>", Card(page, "db01"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The runs of adjacent columns in which <paramref name="colour"/> fills a bar's height: a thumbnail's bars are
    /// about 100 px tall, the green digits of its clock a third of that.
    /// </summary>
    private static List<(int Start, int Width)> ColumnRuns(RgbImage image, RgbColour colour)
    {
        const int Tolerance = 16;
        const int MinimumPixels = 60;
        List<(int Start, int Width)> runs = [];
        var start = -1;
        for (var x = 0; x <= image.Width; x++)
        {
            var hit = false;
            if (x < image.Width)
            {
                var count = 0;
                for (var y = 0; y < image.Height && count < MinimumPixels; y++)
                {
                    count += image[x, y].IsNear(colour, Tolerance) ? 1 : 0;
                }

                hit = count >= MinimumPixels;
            }

            if (hit && start < 0)
            {
                start = x;
            }
            else if (!hit && start >= 0)
            {
                runs.Add((start, x - start));
                start = -1;
            }
        }

        return runs;
    }

    private static string Card(string page, string tunnel)
    {
        var start = page.IndexOf($"<article id=\"tunnel-{tunnel}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no card for {tunnel} in\n{page}");
        return page[start..page.IndexOf("</article>", start, StringComparison.Ordinal)];
    }
}
