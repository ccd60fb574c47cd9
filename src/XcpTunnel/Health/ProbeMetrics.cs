using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using XcpTunnel.Probes;

namespace XcpTunnel.Health;

/// <summary>
/// The last probe of each tunnel (periodic or on demand) as gauges, and a counter of all probes by status.
/// Names and labels are a stable API, listed in README.md "Monitoring".
/// </summary>
internal sealed class ProbeMetrics
{
    private readonly ConcurrentDictionary<string, LastProbe> _last = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly Counter<long> _probes;

    internal ProbeMetrics(Meter meter)
    {
        _meter = meter;
        _probes = meter.CreateCounter<long>(
            "xcptunnel_probes_total", description: "Probes run, periodic and on demand, by tunnel and status (ok, warning, critical, unknown).");
        Gauge("xcptunnel_probe_up", p => p.Result.IsUp ? 1 : 0, "Whether the last probe of the tunnel saw its console answer (OK or WARNING: 1) or not (0).");
        Gauge("xcptunnel_probe_status", p => (int)p.Result.Status, "Nagios status of the last probe of the tunnel: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
        Gauge("xcptunnel_probe_duration_seconds", p => p.Result.Total.TotalSeconds, "Total duration of the last probe of the tunnel.");
        Gauge("xcptunnel_probe_last_run_timestamp_seconds", p => p.At.ToUnixTimeMilliseconds() / 1000.0, "When the last probe of the tunnel ended, in seconds since the Unix epoch.");
        meter.CreateObservableGauge(
            "xcptunnel_probe_stage_seconds",
            () => _last.SelectMany(p => p.Value.Result.Stages.Select(s => new Measurement<double>(
                s.Duration.TotalSeconds, DaemonMetrics.Tag("tunnel", p.Key), DaemonMetrics.Tag("stage", s.Name)))),
            unit: "s",
            description: "Duration of each stage the last probe of the tunnel completed (xapi, tls, connect, rfb_version, security, server_init, first_update).");
    }

    public void Record(string tunnel, ProbeResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(result);
        // The framebuffer is not kept: the gauges need numbers only.
        _last[tunnel] = new LastProbe(result with { Screen = null }, at);
        _probes.Add(1, DaemonMetrics.Tag("tunnel", tunnel), DaemonMetrics.Tag("status", result.Status.MetricLabel()));
    }

    /// <summary>The last probe of <paramref name="tunnel"/>, without its screen; null before the first.</summary>
    public LastProbe? LastOf(string tunnel) => _last.GetValueOrDefault(tunnel);

    private void Gauge(string name, Func<LastProbe, double> value, string description) =>
        _meter.CreateObservableGauge(
            name,
            () => _last.Select(p => new Measurement<double>(value(p.Value), DaemonMetrics.Tag("tunnel", p.Key))),
            description: description);

    /// <summary>A probe's result (its screen dropped) and when it ended.</summary>
    internal sealed record LastProbe(ProbeResult Result, DateTimeOffset At);
}
