using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using XcpTunnel.Probes;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>
/// The probe routes of the real daemon host (<c>/probe/{tunnel}</c>, <c>/snapshot/{tunnel}.png</c>), periodic
/// probes and their metrics, and that probing never disturbs a viewer of the console.
/// </summary>
public sealed class ProbeEndpointTests
{
    [Fact]
    public async Task Probe_RunningVm_Is200WithTheJsonReport()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard()), ("web", "web01"));

        using var response = await daemon.Http.GetAsync(new Uri("/probe/web", UriKind.Relative)).Bounded();

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var json = JsonNode.Parse(body)!;
        Assert.Equal("web", (string?)json["target"]);
        Assert.Contains((string?)json["status"], new[] { "OK", "WARNING" });
        Assert.Equal("QEMU (web01)", (string?)json["desktopName"]);
        Assert.Equal(
            ["xapi", "tls", "connect", "rfb_version", "security", "server_init", "first_update"],
            json["stages"]!.AsArray().Select(s => (string?)s!["name"]));
    }

    [Fact]
    public async Task Probe_HaltedVm_Is503WithTheReason()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("db01", powerState: SimulatedPowerState.Halted), ("db", "db01"));

        using var response = await daemon.Http.GetAsync(new Uri("/probe/db", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("CRITICAL", (string?)json["status"]);
        Assert.Equal(2, (int?)json["exitCode"]);
        Assert.Equal("VM 'db01' is Halted", (string?)json["reason"]);
    }

    [Fact]
    public async Task ProbeAndSnapshot_UnknownTunnel_Are404()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("web01"), ("web", "web01"));

        using var probe = await daemon.Http.GetAsync(new Uri("/probe/nosuch", UriKind.Relative)).Bounded();
        using var snapshot = await daemon.Http.GetAsync(new Uri("/snapshot/nosuch.png", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        Assert.Equal("no tunnel named 'nosuch'", (string?)JsonNode.Parse(await probe.Content.ReadAsStringAsync())!["error"]);
        Assert.Equal(HttpStatusCode.NotFound, snapshot.StatusCode);
        Assert.Equal(0, daemon.Pool.Counters.Connects);
    }

    [Fact]
    public async Task Snapshot_RunningVm_IsAPngNetpbmDecodes_AndAHaltedVmIs503()
    {
        await using var daemon = await DaemonFixture.StartAsync(
            pool =>
            {
                pool.AddVm("web01", backend: ConsoleBackend.Qemu(rgb: 0x2E7D32, width: 320, height: 200));
                pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
            },
            ("web", "web01"),
            ("db", "db01"));
        using var directory = TemporaryDirectory.Create("xcptunnel-snapshot-");

        using var response = await daemon.Http.GetAsync(new Uri("/snapshot/web.png", UriKind.Relative)).Bounded();
        using var halted = await daemon.Http.GetAsync(new Uri("/snapshot/db.png", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = directory.File("web.png");
        await File.WriteAllBytesAsync(png, await response.Content.ReadAsByteArrayAsync());
        var image = await NetPbm.DecodeAsync(png, CancellationToken.None).Bounded();
        Assert.Equal((320, 200), (image.Width, image.Height));
        Assert.True(image.FractionNear(RgbColour.Parse("#2e7d32"), 0) == 1.0, image.Describe());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, halted.StatusCode);
        Assert.Equal("VM 'db01' is Halted\n", await halted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Probe_WhileAViewerWatchesAQemuConsole_TheViewerStaysAndNoTunnelConnectionIsCounted()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard()), ("web", "web01"));
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync((IPEndPoint)daemon.Tunnel("web").EndPoints[0]).Bounded();
        await using var viewer = await RfbClient.ConnectAsync(tcp.GetStream(), new RfbClientOptions(), CancellationToken.None).Bounded();
        await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        using (var probe = await daemon.Http.GetAsync(new Uri("/probe/web", UriKind.Relative)).Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }

        // qemu drops every other viewer on a ClientInit with shared-flag 0; the probe's must have been 1.
        var again = await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        Assert.Equal((800, 600), (again.Width, again.Height));
        Assert.Equal((1, 1L), (daemon.Tunnel("web").ActiveConnections, daemon.Tunnel("web").TotalConnections));
        Assert.Equal(2, daemon.Pool.Counters.Connects);
    }

    [Fact]
    public async Task Probe_ConcurrentRequests_ShareOneProbe()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A VNC server that greets, then stalls until the gate opens and hangs up: the probe fails in the RFB stage.
        // (One that closed without a word would be a 200 then EOF, which a dial retries once.)
        await using var daemon = await DaemonFixture.StartAsync(
            pool => pool.AddVm("slow01", backend: ConsoleBackend.Custom(async (stream, ct) =>
            {
                await stream.WriteAsync("RFB 003.008\n"u8.ToArray(), ct);
                await gate.Task.WaitAsync(ct);
            })),
            ("slow", "slow01"));
        var probes = daemon.Host.Services.GetRequiredService<TunnelProbes>();

        var first = probes.ProbeAsync("slow");
        var others = Enumerable.Range(0, 4).Select(_ => probes.ProbeAsync("slow")).ToList();
        gate.SetResult();
        var result = await first!.Bounded();

        Assert.All(others, other => Assert.Same(first, other));
        Assert.Equal(ProbeStatus.Critical, result.Status);
        Assert.Equal(1, daemon.Pool.Counters.Connects);
    }

    [Fact]
    public async Task PeriodicProbes_FeedTheProbeMetrics_AndPromtoolAccepts()
    {
        await using var daemon = await DaemonFixture.StartWithProbesAsync(
            TimeSpan.FromSeconds(1),
            pool =>
            {
                pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
                pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
            },
            ("web", "web01"),
            ("db", "db01"));

        var metrics = await daemon.WaitForAsync(
            "/metrics",
            m => Sample(m, "xcptunnel_probe_up", """tunnel="web" """.Trim()) == 1
                 && Sample(m, "xcptunnel_probes_total", """tunnel="db",status="critical" """.Trim()) >= 2);

        Assert.Equal(0, Sample(metrics, "xcptunnel_probe_up", """tunnel="db" """.Trim()));
        Assert.Equal(2, Sample(metrics, "xcptunnel_probe_status", """tunnel="db" """.Trim()));
        Assert.InRange(Sample(metrics, "xcptunnel_probe_status", """tunnel="web" """.Trim()) ?? -1, 0, 1);
        Assert.True(Sample(metrics, "xcptunnel_probe_duration_seconds", """tunnel="web" """.Trim()) > 0, metrics);
        foreach (var stage in new[] { "xapi", "tls", "connect", "rfb_version", "security", "server_init", "first_update" })
        {
            Assert.True(Sample(metrics, "xcptunnel_probe_stage_seconds", $"tunnel=\"web\",stage=\"{stage}\"") >= 0, $"no {stage} stage in\n{metrics}");
        }

        var lastRun = Sample(metrics, "xcptunnel_probe_last_run_timestamp_seconds", """tunnel="web" """.Trim());
        Assert.InRange(lastRun ?? 0, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        // Probes are not viewer connections.
        Assert.DoesNotContain("xcptunnel_connections_total{", metrics, StringComparison.Ordinal);

        var promtool = await Processes.RunToExitAsync(
            new ProcessSpec(PeerProgram.PromTool.Require(), ["check", "metrics"]) { StandardInput = metrics },
            TimeSpan.FromSeconds(30),
            CancellationToken.None);
        Assert.True(promtool.ExitCode == 0, promtool.Describe($"promtool check metrics exited with {promtool.ExitCode}") + "\n" + metrics);
    }

    /// <summary>The value of the sample <paramref name="name"/>{<paramref name="labels"/>}, or null when absent.</summary>
    private static double? Sample(string metrics, string name, string labels)
    {
        var prefix = $"{name}{{{labels}}} ";
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
