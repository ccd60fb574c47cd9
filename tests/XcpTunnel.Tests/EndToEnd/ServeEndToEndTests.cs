using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// A user's view of <c>xcptunnel serve</c>: a config file, the real binary, a real VNC server (TigerVNC's
/// Xvnc) behind the simulated pool, and stock VNC clients through the tunnel, asserting what they see.
/// </summary>
public sealed class ServeEndToEndTests
{
    private const string Password = "e2e-Pa55word";
    private static readonly RgbColour XvncRoot = RgbColour.Parse("#ff8000");

    // The vncterm-like backend paints BGR233 pixel 0x88: red 0/7, green 1/7, blue 2/3.
    private static readonly RgbColour VnctermColour = new(0, 36, 170);

    [Fact]
    public async Task Serve_StockViewersThroughTunnels_SeeTheConsolesAndTheHaltedReason()
    {
        await using var xvnc = await XvncServer.StartAsync(XvncRoot, CancellationToken.None).Within();
        await using var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { HostCount = 2, Password = Password }, CancellationToken.None).Within();
        pool.AddVm("kamal-CentOS-5.3x64", residentOn: pool.Hosts[1], backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        var halted = pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        using var directory = TemporaryDirectory.Create("xcptunnel-e2e-");
        var ports = new Dictionary<string, int> { ["centos"] = TestPorts.Free(), ["pv"] = TestPorts.Free(), ["web"] = TestPorts.Free() };
        var config = WriteConfig(directory, pool, new()
        {
            ["centos"] = ("kamal-CentOS-5.3x64", ports["centos"]),
            ["pv"] = ("pv01", ports["pv"]),
            ["web"] = (halted.Uuid, ports["web"]),
        });
        await using var serve = await ServeProcess.StartAsync(config, ports.Keys);

        var captured = await VncClients.GvncCaptureAsync("127.0.0.1", ports["centos"], CancellationToken.None).Within();
        Assert.True(captured.FractionNear(XvncRoot, 8) >= 0.95, $"gvnccapture through the tunnel saw {captured.Describe()}");
        Assert.Equal((xvnc.Width, xvnc.Height), (captured.Width, captured.Height));

        // vncsnapshot speaks RFB 3.3: the tunnel must let it downgrade qemu/Xvnc's 3.8.
        var snapshot = await VncClients.VncSnapshotAsync("127.0.0.1", ports["centos"], CancellationToken.None).Within();
        Assert.True(snapshot.FractionNear(XvncRoot, 24) >= 0.95, $"vncsnapshot through the tunnel saw {snapshot.Describe()}");

        var terminal = await VncClients.VncSnapshotAsync("127.0.0.1", ports["pv"], CancellationToken.None).Within();
        Assert.True(terminal.FractionNear(VnctermColour, 24) >= 0.95, $"vncsnapshot to the vncterm console saw {terminal.Describe()}");
        Assert.Equal((640, 384), (terminal.Width, terminal.Height));

        await using (var viewer = await FakeViewer.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ports["web"])))
        {
            var (_, greeting) = await viewer.HandshakeAsync(RfbProtocolVersion.V3_8);
            Assert.Equal("VM 'web01' is Halted", greeting.FailureReason);
        }

        // A stock client shows the reason too: vncsnapshot prints the server's failure text.
        var refused = await Assert.ThrowsAsync<ProcessFailedException>(
            () => VncClients.VncSnapshotAsync("127.0.0.1", ports["web"], CancellationToken.None)).Within();
        Assert.Contains("VM 'web01' is Halted", refused.Message, StringComparison.Ordinal);

        Assert.Equal(1, pool.Counters.Logins);
        Assert.Equal(0, await serve.StopAsync());
        Assert.Equal(1, pool.Counters.Logouts);
        Assert.DoesNotContain(Password, serve.Process.StandardOutput + serve.Process.StandardError, StringComparison.Ordinal);
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

        Assert.Equal(2, await result.WaitForExitAsync(CancellationToken.None).Within());
        Assert.Contains("Tunnels:db01:Pool: no pool named 'lba'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Tunnels:db01:Listen:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Pools:lab:Url:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Pools:lab:", result.StandardError, StringComparison.Ordinal);
    }

    private static string WriteConfig(TemporaryDirectory directory, SimulatedPool pool, Dictionary<string, (string Vm, int Port)> tunnels)
    {
        var passwordFile = directory.File("lab.password");
        File.WriteAllText(passwordFile, Password + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var tunnelSection = new JsonObject();
        foreach (var (name, (vm, port)) in tunnels)
        {
            tunnelSection[name] = new JsonObject { ["Listen"] = $"127.0.0.1:{port}", ["Pool"] = "lab", ["Vm"] = vm };
        }

        var config = new JsonObject
        {
            ["Pools"] = new JsonObject
            {
                ["lab"] = new JsonObject
                {
                    ["Url"] = pool.Hosts[1].Url.ToString(),
                    ["Username"] = "root",
                    ["PasswordFile"] = passwordFile,
                    ["TlsFingerprint"] = string.Join(",", pool.Hosts.Select(h => h.CertificateSha256Hex)),
                },
            },
            ["Tunnels"] = tunnelSection,
            ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
        };
        var path = directory.File("xcptunnel.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
