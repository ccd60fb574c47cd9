using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// <c>probe</c> and <c>snapshot</c> end to end: against the listeners of a real <c>xcptunnel serve</c>, and
/// through the simulated pool to TigerVNC's Xvnc, whose screen is checked with netpbm's own PNG decoder.
/// </summary>
public sealed class ProbeEndToEndTests
{
    private static readonly RgbColour XvncRoot = RgbColour.Parse("#3366cc");

    private static readonly string[] Relaxed = ["--warning-ms", "20000", "--critical-ms", "25000"];

    [Fact]
    public async Task Probe_HostPortOfServeTunnels_OkWithTcpAndRfbStages_AndTheHaltedTunnelsReason()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var ports = new Dictionary<string, int>();
        await using var serve = await ServeProcess.StartAsync(
            () =>
            {
                ports = new Dictionary<string, int> { ["web"] = TestPorts.Free(), ["db"] = TestPorts.Free() };
                return lab.WriteConfig(new JsonObject
                {
                    ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
                    ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", ports["web"]), ["db"] = CliPool.Tunnel("db01", ports["db"]) },
                    ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
                });
            },
            ["web", "db"]);

        var running = await CliPool.RunAsync(["probe", $"127.0.0.1:{ports["web"]}", .. Relaxed]);
        var halted = await CliPool.RunAsync("probe", $"127.0.0.1:{ports["db"]}");

        Assert.True(running.ExitCode == 0, running.Describe("probe of the running tunnel failed"));
        Assert.StartsWith($"XCPTUNNEL OK - 127.0.0.1:{ports["web"]}: 800x600 \"QEMU (web01)\" in ", running.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\| tcp=\S+ms rfb_version=\S+ms security=\S+ms server_init=\S+ms first_update=\S+ms total=\S+ms;20000;25000;0\n$", running.StandardOutput);
        Assert.Equal(2, halted.ExitCode);
        Assert.StartsWith($"XCPTUNNEL CRITICAL - 127.0.0.1:{ports["db"]}: ", halted.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("VM 'db01' is Halted | tcp=", halted.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, await serve.StopAsync());
    }

    [Fact]
    public async Task Snapshot_XvncBehindThePool_PngHasTheRootColour_AndProbeWarnsOfASingleColour()
    {
        await using var xvnc = await XvncServer.StartAsync(XvncRoot, 640, 480, CancellationToken.None).Bounded();
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("x11", residentOn: lab.Pool.Hosts[1], backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
            ["Tunnels"] = new JsonObject { ["desk"] = CliPool.Tunnel("x11", TestPorts.Free()) },
        });
        var png = lab.Directory.File("desk.png");

        var snapshot = await CliPool.RunAsync("snapshot", "desk", png, "--config", config);
        var probe = await CliPool.RunAsync(["probe", "desk", "--config", config, .. Relaxed]);

        Assert.True(snapshot.ExitCode == 0, snapshot.Describe("snapshot failed") + xvnc.Log);
        Assert.Equal($"wrote {png} (640x480)\n", snapshot.StandardOutput);
        var image = await NetPbm.DecodeAsync(png, CancellationToken.None).Bounded();
        Assert.Equal((640, 480), (image.Width, image.Height));
        Assert.True(image.FractionNear(XvncRoot, 0) == 1.0, $"the snapshot shows {image.Describe()}");
        Assert.Empty(Directory.GetFiles(lab.Directory.Path, "*.tmp"));

        Assert.Equal(1, probe.ExitCode);
        Assert.StartsWith("XCPTUNNEL WARNING - desk: screen is a single colour #3366cc: blank or hung console? (640x480 \"xcptunnel-e2e\"", probe.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_HaltedVm_FailsWithTheReasonAndWritesNothing()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var config = lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() } });
        var png = lab.Directory.File("db.png");

        var result = await CliPool.RunAsync("snapshot", "--vm", "db01", png, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("xcptunnel: VM 'db01' is Halted\n", result.StandardError);
        Assert.False(File.Exists(png));
    }
}
