using XcpTunnel.Protocol.Tests.Support;
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

    [Fact]
    public async Task Demo_CtrlAltDelInTigerVnc_TheVmRebootsAndTheSameWindowShowsTheBootTextThenTheCard()
    {
        await using var demo = await StartDemoAsync(TestPorts.Free());
        var ports = PrintedPorts(demo.Process.StandardOutput);
        Assert.Contains("Ctrl+Alt+Del in a viewer reboots its VM", demo.Process.StandardOutput, StringComparison.Ordinal);
        var yellow = RgbColour.Parse("#ffff00");

        await using var viewer = await TigerVncViewer.StartAsync("127.0.0.1", ports["web01"], CancellationToken.None).Bounded();
        await EventuallyAsync(viewer, image => image.FractionNear(yellow, 0) > 0.03);

        // A person's keys, through XTEST into TigerVNC's window, which sends them to the console as KeyEvents.
        var window = await XDoTool.WaitForWindowAsync(viewer.Display, "TigerVNC", TestTimeouts.Default, CancellationToken.None).Bounded();
        await XDoTool.PressAsync(viewer.Display, window, "ctrl+alt+Delete", CancellationToken.None).Bounded();

        // The bars go (the firmware's text on black), then come back, in the same window: the tunnel held the viewer.
        var booting = await EventuallyAsync(viewer, image => image.FractionNear(yellow, 0) < 0.001);
        Assert.True(booting.FractionNear(yellow, 0) < 0.001, $"the test card never went away; {booting.Describe()}");
        var back = await EventuallyAsync(viewer, image => image.FractionNear(yellow, 0) > 0.03);
        Assert.True(back.FractionNear(yellow, 0) > 0.03, $"the test card never came back; {back.Describe()}");
        Assert.Equal(1, CountOf(viewer.Log, "Connected to host"));
        Assert.Equal(0, await demo.StopAsync());
    }

    private static int CountOf(string text, string what) => text.Split(what).Length - 1;

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
