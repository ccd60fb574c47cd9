using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Health;

/// <summary>
/// The daemon's metrics, on a <see cref="Meter"/> this object owns (one per host, so tests are isolated),
/// exported by <see cref="Exporter"/>. The names are a stable API, listed in README.md "Monitoring":
/// they only ever gain members.
/// </summary>
/// <remarks>
/// Live numbers (active connections, XAPI logins and sessions, bytes) are read from their owners at each
/// scrape; the <c>pools</c> and <c>tunnels</c> sources are called then, not now, so this can be
/// built before the pool registry that reports XAPI call durations to it.
/// </remarks>
internal sealed class DaemonMetrics : IXapiCallObserver, IDisposable
{
    public const string MeterName = "XcpTunnel";

    // Handshakes and XAPI calls take milliseconds on a LAN and seconds over a slow WAN or a busy pool.
    private static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _connections;
    private readonly Histogram<double> _handshake;
    private readonly Histogram<double> _rpc;
    private readonly Counter<long> _holds;
    private readonly ConcurrentDictionary<string, TunnelMetrics> _tunnels = new(StringComparer.Ordinal);

    public DaemonMetrics(
        Func<IEnumerable<XapiPoolSession>> pools, Func<IEnumerable<TunnelListener>> tunnels, Func<IEnumerable<AutoTunnels.AutoTunnelStatus>>? autoTunnels = null)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(tunnels);
        Exporter = new PrometheusTextExporter(_meter);
        _connections = _meter.CreateCounter<long>(
            "xcptunnel_connections_total", description: "Viewer connections that ended, by tunnel and outcome (the outcome labels of the connection log).");
        _meter.CreateObservableGauge(
            "xcptunnel_active_connections",
            () => tunnels().Select(t => new Measurement<int>(t.ActiveConnections, Tag("tunnel", t.Name))),
            description: "Viewer connections open now, by tunnel.");
        _holds = _meter.CreateCounter<long>(
            "xcptunnel_holds_total",
            description: "Viewers held across a console swap, by tunnel and event: held (the console ended), swapped (a new console was put under the viewer), timed_out (HoldSeconds ran out).");
        _meter.CreateObservableCounter(
            "xcptunnel_bytes_total",
            () => _tunnels.Values.SelectMany(t => t.ByteMeasurements()),
            description: "Bytes spliced between viewers and consoles, counted as they flow, by tunnel and direction.");
        _handshake = DurationHistogram(
            "xcptunnel_handshake_duration_seconds",
            "From accepting a viewer to relaying the console's RFB security greeting, for connections that got that far.");
        _meter.CreateObservableCounter(
            "xcptunnel_xapi_logins_total",
            () => pools().Select(p => new Measurement<long>(p.Logins, Tag("pool", p.Options.Name))),
            description: "Successful XAPI logins, by pool; more than one means sessions expired or the coordinator changed.");
        _meter.CreateObservableGauge(
            "xcptunnel_xapi_sessions",
            () => pools().Select(p => new Measurement<int>(p.IsLoggedIn ? 1 : 0, Tag("pool", p.Options.Name))),
            description: "Whether the daemon holds a live XAPI session for the pool (1) or not (0).");
        _rpc = DurationHistogram("xcptunnel_xapi_rpc_duration_seconds", "Duration of XAPI calls, answered or failed, by pool and method.");
        Probes = new ProbeMetrics(_meter);
        var generated = autoTunnels ?? (() => []);
        _meter.CreateObservableGauge(
            "xcptunnel_generated_tunnels",
            () => generated().Select(a => new Measurement<int>(a.Tunnels, Tag("pool", a.Pool))),
            description: "Tunnels the pool's AutoTunnels give now, by pool.");
        _meter.CreateObservableGauge(
            "xcptunnel_generated_tunnels_without_port",
            () => generated().Select(a => new Measurement<int>(a.Unplaced.Count, Tag("pool", a.Pool))),
            description: "VMs the pool's AutoTunnels match that have no tunnel because every port of the range is taken, by pool.");
    }

    public PrometheusTextExporter Exporter { get; }

    /// <summary>The results of probes, periodic and on demand.</summary>
    public ProbeMetrics Probes { get; }

    /// <summary>The metrics of the tunnel named <paramref name="tunnel"/>; its series exist from now on.</summary>
    public TunnelMetrics ForTunnel(string tunnel) =>
        _tunnels.GetOrAdd(tunnel, static (name, self) => new TunnelMetrics(name, self._connections, self._handshake, self._holds), this);

    public void CallCompleted(string pool, string method, TimeSpan elapsed) =>
        _rpc.Record(elapsed.TotalSeconds, Tag("pool", pool), Tag("method", method));

    public void Dispose()
    {
        Exporter.Dispose();
        _meter.Dispose();
    }

    private Histogram<double> DurationHistogram(string name, string description) =>
        _meter.CreateHistogram(
            name, unit: "s", description: description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    internal static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
