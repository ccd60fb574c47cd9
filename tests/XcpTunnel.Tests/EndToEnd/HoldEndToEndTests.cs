using System.Globalization;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// TigerVNC's viewer under Xvfb through the real <c>serve</c> (HoldSeconds at its default): one viewer window
/// follows its VM across a reboot onto another backend and a migration to the other host, and a PV console at
/// 8 bpp, with no reconnect (docs/rfb.md, "Holding a viewer across a console swap").
/// </summary>
public sealed class HoldEndToEndTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);
    private static readonly RgbColour Green = RgbColour.Parse("#2e7d32");
    private static readonly RgbColour Red = RgbColour.Parse("#c62828");
    private static readonly RgbColour PvRed = RgbColour.Parse("#ff0000");
    private static readonly RgbColour PvGreen = RgbColour.Parse("#00ff00");

    [Fact]
    public async Task TigerVnc_RebootOntoAnotherBackend_ThenMigration_TheSameWindowShowsEachNewConsole()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        var vm = lab.Pool.AddVm("web01", lab.Pool.Hosts[0], ConsoleBackend.Qemu(rgb: Rgb(Green), width: 640, height: 480));
        var (port, health) = (TestPorts.Free(), TestPorts.Free());
        await using var serve = await ServeAsync(lab, "web01", port, health);
        string ServerLog() => serve.Process.StandardOutput + serve.Process.StandardError;

        await using var viewer = await TigerVncViewer.StartAsync("127.0.0.1", port, CancellationToken.None).WaitAsync(TestTimeout);
        await viewer.WaitForDesktopAsync(Green, 640, 480, ServerLog, CancellationToken.None).WaitAsync(TestTimeout);
        var before = await viewer.ScreenshotAsync(CancellationToken.None).WaitAsync(TestTimeout);

        // The console is destroyed with its domain and comes back a second later on another device model.
        lab.Pool.Reboot(vm, ConsoleBackend.Qemu(rgb: Rgb(Red), width: 640, height: 480), consolesAfter: TimeSpan.FromSeconds(1));
        await viewer.WaitForDesktopAsync(Red, 640, 480, ServerLog, CancellationToken.None).WaitAsync(TestTimeout);
        var after = await viewer.ScreenshotAsync(CancellationToken.None).WaitAsync(TestTimeout);
        Assert.True(before.FractionNear(Green, 8) > 0.3 && before.FractionNear(Red, 8) < 0.01, before.Describe());
        Assert.True(after.FractionNear(Red, 8) > 0.3 && after.FractionNear(Green, 8) < 0.01, after.Describe());
        await AssertOneViewerAsync(health, "web01", viewer);

        // Live migration: the console moves to the other host; the window keeps showing it.
        lab.Pool.Migrate(vm, lab.Pool.Hosts[1]);
        await WaitForLogAsync(serve, $"-> {lab.Pool.Hosts[1].Address}:{lab.Pool.Port})");
        await viewer.WaitForDesktopAsync(Red, 640, 480, ServerLog, CancellationToken.None).WaitAsync(TestTimeout);
        await AssertOneViewerAsync(health, "web01", viewer);
        Assert.Equal(3, lab.Pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task TigerVnc_PvConsoleAt8Bpp_Reboot_TheSameWindowShowsTheNewConsole()
    {
        await using var lab = await CliPool.StartAsync();
        var vm = lab.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm(0x07));
        var (port, health) = (TestPorts.Free(), TestPorts.Free());
        await using var serve = await ServeAsync(lab, "pv01", port, health);
        string ServerLog() => serve.Process.StandardOutput + serve.Process.StandardError;

        await using var viewer = await TigerVncViewer.StartAsync("127.0.0.1", port, CancellationToken.None).WaitAsync(TestTimeout);
        await viewer.WaitForDesktopAsync(PvRed, 640, 384, ServerLog, CancellationToken.None).WaitAsync(TestTimeout);

        lab.Pool.Reboot(vm, ConsoleBackend.Vncterm(0x38), consolesAfter: TimeSpan.FromSeconds(1));

        await viewer.WaitForDesktopAsync(PvGreen, 640, 384, ServerLog, CancellationToken.None).WaitAsync(TestTimeout);
        Assert.True((await viewer.ScreenshotAsync(CancellationToken.None).WaitAsync(TestTimeout)).FractionNear(PvRed, 8) < 0.01);
        await AssertOneViewerAsync(health, "pv01", viewer);
    }

    private static int Rgb(RgbColour colour) => (colour.R << 16) | (colour.G << 8) | colour.B;

    private static async Task<ServeProcess> ServeAsync(CliPool lab, string vm, int port, int health)
    {
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
            ["Tunnels"] = new JsonObject { [vm] = new JsonObject { ["Listen"] = $"127.0.0.1:{port}", ["Pool"] = "lab", ["Vm"] = vm } },
            ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{health}" },
        });
        return await ServeProcess.StartAsync(config, [vm]);
    }

    /// <summary>The same viewer throughout: one active connection, none ended, and TigerVNC connected once.</summary>
    private static async Task AssertOneViewerAsync(int health, string tunnel, TigerVncViewer viewer)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{health}/metrics"));
        var active = metrics.Split('\n').Single(l => l.StartsWith($"xcptunnel_active_connections{{tunnel=\"{tunnel}\"", StringComparison.Ordinal));
        Assert.Equal(1, double.Parse(active[(active.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        Assert.DoesNotContain(metrics.Split('\n'), l => l.StartsWith("xcptunnel_connections_total{", StringComparison.Ordinal));
        Assert.Equal(1, CountOf(viewer.Log, "Connected to host"));
    }

    private static int CountOf(string text, string what) => text.Split(what).Length - 1;

    private static async Task WaitForLogAsync(ServeProcess serve, string text)
    {
        var deadline = DateTime.UtcNow + TestTimeout;
        while (!(serve.Process.StandardOutput + serve.Process.StandardError).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"serve never logged '{text}':\n{serve.Process.StandardOutput}{serve.Process.StandardError}");
            await Task.Delay(100);
        }
    }
}
