using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using XcpTunnel.Daemon;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>The health endpoint of the real daemon host: /healthz, /tunnels and /metrics, checked by Prometheus' own parser.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_EveryTunnelListening_IsOk()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("pv01", backend: ConsoleBackend.Vncterm()), ("pv", "pv01"));

        using var response = await daemon.Http.GetAsync(new Uri("/healthz", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_WhileStopping_Is503WithTheReason()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("pv01", backend: ConsoleBackend.Vncterm()), ("pv", "pv01"));

        daemon.Host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        using var response = await daemon.Http.GetAsync(new Uri("/healthz", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("stopping", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnels_WhileAViewerIsConnected_ListsItsActiveConnection()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("pv01", backend: ConsoleBackend.Vncterm()), ("pv", "pv01"));
        await using var viewer = await daemon.ViewerAsync("pv");
        Assert.True((await viewer.ConnectAsync()).Admitted);

        var body = await daemon.GetStringAsync("/tunnels");

        var tunnel = Assert.Single(JsonNode.Parse(body)!.AsArray())!;
        Assert.Equal("pv", (string?)tunnel["name"]);
        Assert.Equal(daemon.Tunnel("pv").EndPoints[0].ToString(), (string?)tunnel["listen"]![0]);
        Assert.Equal("lab", (string?)tunnel["pool"]);
        Assert.Equal("pv01", (string?)tunnel["vm"]);
        Assert.Equal(1, (int?)tunnel["activeConnections"]);
        Assert.Equal(1, (long?)tunnel["totalConnections"]);
        Assert.True((bool?)tunnel["poolLoggedIn"]);
        Assert.Empty(tunnel["outcomes"]!.AsObject());
        Assert.DoesNotContain("OpaqueRef", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Pa55", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterAViewerAndAHaltedVm_CountOutcomesBytesAndOneLogin_AndPromtoolAccepts()
    {
        await using var daemon = await DaemonFixture.StartAsync(
            pool =>
            {
                pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
                pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
            },
            ("pv", "pv01"),
            ("web", "web01"));
        await using (var viewer = await daemon.ViewerAsync("pv"))
        {
            await ViewerTraffic.FirstPixelAsync(viewer, connect: true);
        }

        await using (var viewer = await daemon.ViewerAsync("web"))
        {
            Assert.Equal("VM 'web01' is Halted", await viewer.RefusalAsync());
        }

        var metrics = await daemon.WaitForAsync(
            "/metrics", m => Sample(m, "xcptunnel_connections_total", """tunnel="pv",outcome="viewer_closed" """.Trim()) == 1
                             && Sample(m, "xcptunnel_connections_total", """tunnel="web",outcome="vm_not_running" """.Trim()) == 1);

        Assert.True(Sample(metrics, "xcptunnel_bytes_total", """tunnel="pv",direction="console_to_viewer" """.Trim()) > 0, metrics);
        Assert.True(Sample(metrics, "xcptunnel_bytes_total", """tunnel="pv",direction="viewer_to_console" """.Trim()) > 0, metrics);
        Assert.Equal(0, Sample(metrics, "xcptunnel_active_connections", """tunnel="pv" """.Trim()));
        Assert.Equal(1, Sample(metrics, "xcptunnel_handshake_duration_seconds_count", """tunnel="pv" """.Trim()));
        // /tunnels counts outcomes by the same labels.
        var tunnels = JsonNode.Parse(await daemon.GetStringAsync("/tunnels"))!.AsArray();
        Assert.Equal(1, (long?)tunnels.Single(t => (string?)t!["name"] == "web")!["outcomes"]!["vm_not_running"]);
        Assert.Equal(1, Sample(metrics, "xcptunnel_xapi_logins_total", """pool="lab" """.Trim()));
        Assert.Equal(1, Sample(metrics, "xcptunnel_xapi_sessions", """pool="lab" """.Trim()));
        Assert.Equal(1, Sample(metrics, "xcptunnel_xapi_rpc_duration_seconds_count", """pool="lab",method="session.login_with_password" """.Trim()));
        Assert.DoesNotContain("OpaqueRef", metrics, StringComparison.OrdinalIgnoreCase);

        var promtool = await Processes.RunToExitAsync(
            new ProcessSpec(PeerProgram.PromTool.Require(), ["check", "metrics"]) { StandardInput = metrics },
            TimeSpan.FromSeconds(30),
            CancellationToken.None);
        Assert.True(promtool.ExitCode == 0, promtool.Describe($"promtool check metrics exited with {promtool.ExitCode}") + "\n" + metrics);
    }

    [Fact]
    public async Task Start_HealthListenInUse_FailsNamingHealthListen()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var endPoint = (IPEndPoint)occupied.LocalEndpoint;

        var failure = await Assert.ThrowsAsync<ListenerStartException>(
            () => DaemonFixture.StartAsync(endPoint, pool => pool.AddVm("pv01", backend: ConsoleBackend.Vncterm()), ("pv", "pv01")));

        Assert.StartsWith($"Health:Listen: cannot listen on {endPoint}: ", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    /// <summary>The value of the sample <paramref name="name"/>{<paramref name="labels"/>}, or null when absent.</summary>
    private static double? Sample(string metrics, string name, string labels)
    {
        var prefix = $"{name}{{{labels}}} ";
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
