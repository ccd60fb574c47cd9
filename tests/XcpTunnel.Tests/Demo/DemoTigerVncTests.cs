using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Demo;

/// <summary>The README's promise, checked with the viewer it names: TigerVNC on the demo's ports.</summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_TigerVncViewer_ShowsTheTestCardAndTellsWhyTheHaltedVmCannot()
    {
        await using var demo = await StartDemoAsync(TestPorts.Free());
        var ports = PrintedPorts(demo.Process.StandardOutput);

        await using (var viewer = await TigerVncViewer.StartAsync("127.0.0.1", ports["web01"], CancellationToken.None).Bounded())
        {
            await viewer.WaitForLogAsync("Using RFB protocol version 3.8", TestTimeouts.Default).Bounded();
            var screen = await EventuallyAsync(viewer, image => image.FractionNear(RgbColour.Parse("#ffff00"), 0) > 0.03);
            foreach (var bar in TestCard.Bars)
            {
                Assert.True(screen.FractionNear(bar, 0) > 0.03, $"TigerVNC's window lacks {bar}; {screen.Describe()}");
            }
        }

        await using (var viewer = await TigerVncViewer.StartAsync("127.0.0.1", ports["db01"], CancellationToken.None).Bounded())
        {
            await viewer.WaitForLogAsync("VM 'db01' is Halted", TestTimeouts.Default).Bounded();
        }

        Assert.Equal(0, await demo.StopAsync());
    }

    // The window appears and is painted a moment after the handshake; take screenshots until it is.
    private static async Task<RgbImage> EventuallyAsync(TigerVncViewer viewer, Func<RgbImage, bool> painted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var screen = await viewer.ScreenshotAsync(CancellationToken.None).Bounded();
            if (painted(screen) || DateTime.UtcNow > deadline)
            {
                return screen;
            }

            await Task.Delay(200);
        }
    }
}
