using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// xapi 26.1 closes a console its viewer has sent no keyboard or mouse input to for
/// <c>pool.vm_console_idle_timeout</c> (following RFB 3.3 handshakes only), and with <c>limit_console_sessions</c> one
/// connection per VM is allowed, a probe's included (docs/xapi-console-protocol.md, "Console limit and idle timeout").
/// </summary>
public sealed class ConsoleLimitEndToEndTests
{
    [Fact]
    public async Task Serve_PoolClosesAnIdleConsole_ReportedAsAnIdleCloseAndNotRetried()
    {
        await using var lab = await CliPool.StartAsync(new SimulatedPoolOptions { HostCount = 2, Password = CliPool.Password, Version = SimulatedXapiVersion.XenServer8 });
        // vncterm speaks RFB 3.3 only: the one handshake xapi's idle parser follows.
        lab.Pool.AddVm("pv01", residentOn: lab.Pool.Hosts[1], backend: ConsoleBackend.Vncterm());
        lab.Pool.ConsoleIdleTimeout = TimeSpan.FromSeconds(2);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["pv"] = "pv01" });

        using var socket = new TcpClient { NoDelay = true };
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, served.Port("pv")).Bounded();
        var stream = socket.GetStream();
        await using (var viewer = await RfbClient.ConnectAsync(stream, new RfbClientOptions { MessageTimeout = TestTimeouts.Default }, CancellationToken.None).Bounded())
        {
            Assert.Equal("XenServer Virtual Terminal", viewer.ServerInit.Name);
        }

        // No keyboard, no mouse: the pool closes the console, and the viewer's connection ends.
        var buffer = new byte[64 * 1024];
        while (await stream.ReadAsync(buffer).AsTask().Bounded() > 0)
        {
        }

        socket.Close();

        // Counted as the idle close it was (the connection ends a moment after the viewer sees it end), and told so
        // in the log line the docs promise the operator.
        using var http = new HttpClient { BaseAddress = served.HealthUrl, Timeout = TestTimeouts.Default };
        const string idleClosed = "xcptunnel_connections_total{tunnel=\"pv\",outcome=\"console_idle_closed\"} 1";
        await WaitUntilAsync(
            async () => (await http.GetStringAsync(new Uri("metrics", UriKind.Relative)).Bounded()).Contains(idleClosed, StringComparison.Ordinal),
            "the connection was never counted as closed by the pool's idle timeout\n" + served.Output);
        await served.WaitForLogAsync("the pool closed the console after");
        Assert.Equal(1, lab.Pool.Counters.IdleClosedTunnels);
        Assert.Equal(1, lab.Pool.Counters.Connects);
    }

    [Fact]
    public async Task Serve_OneConsoleConnectionPerVm_AProbeGivesItBackAsSoonAsItHasTheScreen()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1], backend: ConsoleBackend.QemuTestCard());
        lab.Pool.LimitConsoleSessions = true;
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" });
        using var http = new HttpClient { BaseAddress = served.HealthUrl, Timeout = TestTimeouts.Default };

        var probe = JsonNode.Parse(await http.GetStringAsync(new Uri("probe/web", UriKind.Relative)).Bounded())!;

        // OK, or WARNING when this machine is slow: the console answered either way.
        Assert.Contains(probe["status"]!.GetValue<string>(), (string[])["OK", "WARNING"]);
        await WaitUntilAsync(() => lab.Pool.Counters.LiveTunnels == 0, "the probe kept the console after it had the screen");
        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));
        // That viewer has gone; its console closes a moment later, when the tunnel sees it go.
        await WaitUntilAsync(() => lab.Pool.Counters.LiveTunnels == 0, "the tunnel kept the console after its viewer left");

        // While a viewer holds the only connection, a probe is told so and does not take it. (Probes run within
        // TunnelProbes.ResultLifetime of the last one get its result without asking the pool: wait that out first.)
        await Task.Delay(XcpTunnel.Probes.TunnelProbes.ResultLifetime);
        await using (var viewer = await served.ViewAsync("web"))
        {
            var refused = JsonNode.Parse(await (await http.GetAsync(new Uri("probe/web", UriKind.Relative)).Bounded()).Content.ReadAsStringAsync())!;
            Assert.Contains("console in use by another viewer", refused["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            var screen = await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
            Assert.Equal((800, 600), (screen.Width, screen.Height));
        }

        // The first probe, the first viewer, the viewer holding it; the second probe was refused.
        Assert.Equal(3, lab.Pool.Counters.ConnectsWithStatus(200));
        Assert.Equal(1, lab.Pool.Counters.ConnectsWithStatus(503));
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(20);
        }
    }
}
