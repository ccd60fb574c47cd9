using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Systemd;

/// <summary><c>systemctl reload</c>, i.e. SIGHUP to the real <c>xcptunnel serve</c>, with viewers connected.</summary>
public sealed class ReloadTests
{
    private const string Vncterm = "XenServer Virtual Terminal";

    [Fact]
    public async Task Sighup_AddRemoveChange_UnchangedTunnelsLiveConnectionKeepsFlowing_InvalidConfigKeepsTheOldOne()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        await using var started = await pool.ServeAsync(
            notify, new Dictionary<string, string> { ["keep"] = "echo", ["drop"] = "qemu", ["change"] = "qemu" });
        var (serve, healthPort) = (started.Serve, started.HealthPort);
        // The tunnel the reload adds binds then: a port picked now, as a systemd unit's operator would.
        var ports = new Dictionary<string, int>(started.Ports) { ["add"] = TestPorts.Free() };
        await notify.NextAsync("READY=1");

        await using var kept = await ConnectAsync("keep");
        Assert.True((await kept.ConnectAsync()).Admitted);
        await EchoAsync(kept, "before the reload");
        await using var dropped = await ConnectAsync("drop");
        Assert.True((await dropped.ConnectAsync()).Admitted);
        // A live connection holds the changed tunnel's port while its new listener binds it again.
        await using var changing = await ConnectAsync("change");
        Assert.True((await changing.ConnectAsync()).Admitted);

        pool.WriteConfig(Tunnels(("keep", "echo"), ("change", "vncterm"), ("add", "vncterm")), healthPort);
        serve.Process.Hangup();
        await notify.NextAsync("READY=1");

        await serve.Process.WaitForOutputAsync("Reloaded: 1 added, 1 removed, 1 changed, 1 unchanged", TestTimeouts.Default);
        await EchoAsync(kept, "after the reload");
        Assert.Equal(Vncterm, await DesktopNameAsync("add"));
        Assert.Equal(Vncterm, await DesktopNameAsync("change"));
        Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync("drop"));
        // The removed and the changed tunnels' live viewers were drained (DrainSeconds 2), then closed.
        Assert.True(await dropped.IsClosedAsync());
        Assert.True(await changing.IsClosedAsync());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = TestTimeouts.Default };
        var listed = JsonNode.Parse(await http.GetStringAsync(new Uri("tunnels", UriKind.Relative)).Bounded())!.AsArray();
        Assert.Equal(["add", "change", "keep"], listed.Select(t => (string)t!["name"]!).Order());
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("healthz", UriKind.Relative)).Bounded());

        pool.WriteConfig(Tunnels(("keep", "echo"), ("change", "vncterm"), ("add", "vncterm")), healthPort, config =>
            config["Tunnels"]!["add"]!["Pool"] = "lba");
        serve.Process.Hangup();
        var rejected = await notify.NextAsync("READY=1");

        Assert.Contains("reload failed: 1 error(s)", NotifyListener.Value(rejected, "STATUS"), StringComparison.Ordinal);
        await serve.Process.WaitForOutputAsync("Tunnels:add:Pool: no pool named 'lba'", TestTimeouts.Default);
        await serve.Process.WaitForOutputAsync("Reload rejected (1 error(s)); still running the previous configuration", TestTimeouts.Default);
        await EchoAsync(kept, "after a rejected reload");
        Assert.Equal(Vncterm, await DesktopNameAsync("add"));

        var exitCode = await serve.StopAsync();
        Assert.True(exitCode == 0, serve.Process.Describe($"exit code {exitCode}"));

        Dictionary<string, (string, int)> Tunnels(params (string Name, string Vm)[] tunnels) =>
            tunnels.ToDictionary(t => t.Name, t => (t.Vm, ports[t.Name]));

        Task<FakeViewer> ConnectAsync(string tunnel) => FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ports[tunnel]));

        // Which console a tunnel leads to now: the vncterm VM's desktop has its own name.
        Task<string?> DesktopNameAsync(string tunnel) => FakeViewer.DesktopNameAsync(ports[tunnel]);

        async Task<SocketError> ConnectErrorAsync(string tunnel)
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, ports[tunnel]).Bounded();
                return SocketError.Success;
            }
            catch (SocketException ex)
            {
                return ex.SocketErrorCode;
            }
        }
    }

    [Fact]
    public async Task Sighup_AddedTunnelsPortTaken_HealthNamesItAndTheOthersServe()
    {
        await using var pool = await SystemdTestPool.StartAsync();
        await using var notify = new NotifyListener();
        await using var started = await pool.ServeAsync(notify, new Dictionary<string, string> { ["keep"] = "echo" });
        var (serve, keepPort, healthPort) = (started.Serve, started.Ports["keep"], started.HealthPort);
        await notify.NextAsync("READY=1");
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var takenPort = ((IPEndPoint)squatter.LocalEndpoint).Port;

        pool.WriteConfig(new Dictionary<string, (string, int)> { ["keep"] = ("echo", keepPort), ["busy"] = ("qemu", takenPort) }, healthPort);
        serve.Process.Hangup();
        await notify.NextAsync("READY=1");

        await serve.Process.WaitForOutputAsync("Tunnels:busy:Listen", TestTimeouts.Default);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = TestTimeouts.Default };
        using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative)).Bounded();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("not listening: tunnel(s) busy could not bind (see the log)\n", await health.Content.ReadAsStringAsync());
        await using var viewer = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, keepPort));
        Assert.True((await viewer.ConnectAsync()).Admitted);
    }

    /// <summary>Sends <paramref name="text"/> through the tunnel to the echoing console and expects it back.</summary>
    private static async Task EchoAsync(FakeViewer viewer, string text)
    {
        await viewer.SendRawAsync(text);
        var echoed = new byte[Encoding.ASCII.GetByteCount(text)];
        await viewer.Stream.ReadExactlyAsync(echoed).AsTask().Bounded();
        Assert.Equal(text, Encoding.ASCII.GetString(echoed));
    }
}
