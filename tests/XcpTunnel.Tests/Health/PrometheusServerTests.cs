using System.Net;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>A real Prometheus server scraping the daemon's <c>/metrics</c>, and what its query API then knows.</summary>
public sealed class PrometheusServerTests
{
    private static readonly string[] XapiStages = ["connect", "first_update", "rfb_version", "security", "server_init", "tls", "xapi"];

    [Fact]
    public async Task Prometheus_ScrapingTheDaemon_KnowsActiveViewersAndTheLastProbe()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard()), ("web", "web01"));
        await using var viewer = await daemon.ViewerAsync("web");
        Assert.True((await viewer.ConnectAsync()).Admitted);
        using (var probe = await daemon.Http.GetAsync(new Uri("/probe/web", UriKind.Relative)).Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }

        await using var prometheus = await PrometheusServer.StartAsync(daemon.Health.Addresses[0]);

        var active = await prometheus.WaitForAsync("xcptunnel_active_connections", answer => answer.Count > 0);
        var (labels, value) = Assert.Single(active);
        Assert.Equal("web", labels["tunnel"]);
        Assert.Equal("xcptunnel", labels["job"]);
        Assert.Equal(1, value);

        Assert.Equal(1, Assert.Single(await prometheus.QueryAsync("xcptunnel_probe_up{tunnel=\"web\"}")).Value);
        // OK (0), or WARNING (1) when a loaded machine made the probe slower than its 1 s threshold.
        Assert.InRange(Assert.Single(await prometheus.QueryAsync("xcptunnel_probe_status{tunnel=\"web\"}")).Value, 0, 1);
        var probes = Assert.Single(await prometheus.QueryAsync("xcptunnel_probes_total{tunnel=\"web\"}"));
        Assert.Contains(probes.Labels["status"], new[] { "ok", "warning" });
        Assert.Equal(1, probes.Value);
        var stages = await prometheus.QueryAsync("xcptunnel_probe_stage_seconds{tunnel=\"web\"}");
        Assert.Equal(XapiStages, stages.Select(s => s.Labels["stage"]).Order(StringComparer.Ordinal));
        Assert.All(stages, s => Assert.True(s.Value > 0, $"stage {s.Labels["stage"]} took {s.Value} s"));
        Assert.True(Assert.Single(await prometheus.QueryAsync("xcptunnel_probe_duration_seconds{tunnel=\"web\"}")).Value > 0);

        // The viewer leaves: the next scrape says so.
        await viewer.DisposeAsync();
        await prometheus.WaitForAsync("xcptunnel_active_connections{tunnel=\"web\"}", answer => answer.Count == 1 && answer[0].Value == 0);
        Assert.Equal(1, Assert.Single(await prometheus.QueryAsync("up{job=\"xcptunnel\"}")).Value);
    }
}
