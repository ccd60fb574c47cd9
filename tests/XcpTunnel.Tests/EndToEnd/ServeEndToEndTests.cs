using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// A user's view of <c>xcptunnel serve</c>: a config file, the real binary, a real VNC server (TigerVNC's
/// Xvnc) behind the simulated pool, and stock VNC clients through the tunnel, asserting what they see.
/// </summary>
public sealed class ServeEndToEndTests
{
    private static readonly RgbColour XvncRoot = RgbColour.Parse("#ff8000");

    // The vncterm-like backend paints BGR233 pixel 0x88: red 0/7, green 1/7, blue 2/3.
    private static readonly RgbColour VnctermColour = new(0, 36, 170);

    [Fact]
    public async Task Serve_StockViewersThroughTunnels_SeeTheConsolesAndTheHaltedReason()
    {
        await using var xvnc = await XvncServer.StartAsync(XvncRoot, CancellationToken.None).Bounded();
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        var pool = lab.Pool;
        pool.AddVm("kamal-CentOS-5.3x64", residentOn: pool.Hosts[1], backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        var halted = pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        string[] tunnels = ["centos", "pv", "web"];
        var ports = new Dictionary<string, int>();
        await using var serve = await ServeProcess.StartAsync(
            () =>
            {
                ports = tunnels.ToDictionary(t => t, _ => TestPorts.Free());
                var poolEntry = lab.PoolEntry();
                // A pool member's URL, not the coordinator's: the daemon must follow HOST_IS_SLAVE on its own.
                poolEntry["Url"] = pool.Hosts[1].Url.ToString();
                return lab.WriteConfig(new JsonObject
                {
                    ["Pools"] = new JsonObject { ["lab"] = poolEntry },
                    ["Tunnels"] = new JsonObject
                    {
                        ["centos"] = CliPool.Tunnel("kamal-CentOS-5.3x64", ports["centos"]),
                        ["pv"] = CliPool.Tunnel("pv01", ports["pv"]),
                        ["web"] = CliPool.Tunnel(halted.Uuid, ports["web"]),
                    },
                    ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
                });
            },
            tunnels);

        var captured = await VncClients.GvncCaptureAsync("127.0.0.1", ports["centos"], CancellationToken.None).Bounded();
        Assert.True(captured.FractionNear(XvncRoot, 8) >= 0.95, $"gvnccapture through the tunnel saw {captured.Describe()}");
        Assert.Equal((xvnc.Width, xvnc.Height), (captured.Width, captured.Height));

        // vncsnapshot speaks RFB 3.3: the tunnel must let it downgrade qemu/Xvnc's 3.8.
        var snapshot = await VncClients.VncSnapshotAsync("127.0.0.1", ports["centos"], CancellationToken.None).Bounded();
        Assert.True(snapshot.FractionNear(XvncRoot, 24) >= 0.95, $"vncsnapshot through the tunnel saw {snapshot.Describe()}");

        var terminal = await VncClients.VncSnapshotAsync("127.0.0.1", ports["pv"], CancellationToken.None).Bounded();
        Assert.True(terminal.FractionNear(VnctermColour, 24) >= 0.95, $"vncsnapshot to the vncterm console saw {terminal.Describe()}");
        Assert.Equal((640, 384), (terminal.Width, terminal.Height));

        await using (var viewer = await FakeViewer.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ports["web"])))
        {
            Assert.Equal("VM 'web01' is Halted", await viewer.RefusalAsync(RfbProtocolVersion.V3_8));
        }

        // A stock client shows the reason too: vncsnapshot prints the server's failure text.
        var refused = await Assert.ThrowsAsync<ProcessFailedException>(
            () => VncClients.VncSnapshotAsync("127.0.0.1", ports["web"], CancellationToken.None)).Bounded();
        Assert.Contains("VM 'web01' is Halted", refused.Message, StringComparison.Ordinal);

        Assert.Equal(1, pool.Counters.Logins);
        Assert.Equal(0, await serve.StopAsync());
        Assert.Equal(1, pool.Counters.Logouts);
        Assert.DoesNotContain(CliPool.Password, serve.Process.StandardOutput + serve.Process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidConfig_RefusesToStartNamingEveryKey()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-e2e-");
        var config = directory.File("xcptunnel.json");
        await File.WriteAllTextAsync(config, """
            { "Pools": { "lab": { "Url": "http://xcp01", "Username": "root" } },
              "Tunnels": { "db01": { "Listen": "0.0.0.0:5902", "Pool": "lba", "Vm": "db01" } } }
            """);

        await using var result = Processes.Start(new ProcessSpec("dotnet", [ServeProcess.DaemonDll, "serve", "--config", config]));

        Assert.Equal(2, await result.WaitForExitAsync(CancellationToken.None).Bounded());
        Assert.Contains("Tunnels:db01:Pool: no pool named 'lba'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Tunnels:db01:Listen:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Pools:lab:Url:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Pools:lab:", result.StandardError, StringComparison.Ordinal);
    }
}
