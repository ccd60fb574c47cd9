using System.Diagnostics.Metrics;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Health;

/// <summary>
/// One tunnel's share of <see cref="DaemonMetrics"/>, handed to its connection handler and listener.
/// Bytes count as they flow: each live splice adds to its own <see cref="SpliceCounters"/>, which a
/// scrape sums with the totals of closed splices.
/// </summary>
internal sealed class TunnelMetrics
{
    private readonly Counter<long> _connections;
    private readonly Histogram<double> _handshake;
    private readonly Counter<long>? _holds;
    private readonly KeyValuePair<string, object?> _tunnelTag;
    private readonly Lock _gate = new();
    private readonly HashSet<SpliceCounters> _live = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private long _closedViewerToConsole;
    private long _closedConsoleToViewer;

    internal TunnelMetrics(string tunnel, Counter<long> connections, Histogram<double> handshake, Counter<long>? holds = null)
    {
        _connections = connections;
        _handshake = handshake;
        _holds = holds;
        _tunnelTag = DaemonMetrics.Tag("tunnel", tunnel);
    }

    /// <summary>A connection ended with <paramref name="outcome"/>, counted under its label.</summary>
    public void ConnectionEnded(Tunnels.TunnelOutcome outcome)
    {
        var label = Tunnels.TunnelOutcomes.Label(outcome);
        _outcomes.AddOrUpdate(label, 1, static (_, n) => n + 1);
        _connections.Add(1, _tunnelTag, DaemonMetrics.Tag("outcome", label));
    }

    /// <summary>How many connections ended so, by outcome label, for <c>/tunnels</c>.</summary>
    public IReadOnlyDictionary<string, long> Outcomes => new SortedDictionary<string, long>(_outcomes, StringComparer.Ordinal);

    /// <summary>The console's security greeting reached the viewer <paramref name="sinceAccept"/> after the accept.</summary>
    public void HandshakeCompleted(TimeSpan sinceAccept) => _handshake.Record(sinceAccept.TotalSeconds, _tunnelTag);

    /// <summary>A viewer is being held: its console ended while holding is on.</summary>
    public void HoldStarted() => _holds?.Add(1, _tunnelTag, DaemonMetrics.Tag("event", "held"));

    /// <summary>A held viewer got its VM's new console.</summary>
    public void Swapped() => _holds?.Add(1, _tunnelTag, DaemonMetrics.Tag("event", "swapped"));

    /// <summary>A hold ran out without a new console.</summary>
    public void HoldTimedOut() => _holds?.Add(1, _tunnelTag, DaemonMetrics.Tag("event", "timed_out"));

    /// <summary>Counters for a splice about to start; pass them to <see cref="SpliceEnded"/> when it ends.</summary>
    public SpliceCounters SpliceStarting()
    {
        var counters = new SpliceCounters();
        lock (_gate)
        {
            _live.Add(counters);
        }

        return counters;
    }

    public void SpliceEnded(SpliceCounters counters)
    {
        // Moved in one step under the lock, so a scrape never counts a splice twice or not at all
        // and the counter never goes down.
        lock (_gate)
        {
            if (_live.Remove(counters))
            {
                _closedViewerToConsole += counters.ViewerToConsole;
                _closedConsoleToViewer += counters.ConsoleToViewer;
            }
        }
    }

    internal IEnumerable<Measurement<long>> ByteMeasurements()
    {
        long viewerToConsole, consoleToViewer;
        lock (_gate)
        {
            viewerToConsole = _closedViewerToConsole + _live.Sum(c => c.ViewerToConsole);
            consoleToViewer = _closedConsoleToViewer + _live.Sum(c => c.ConsoleToViewer);
        }

        return
        [
            new(viewerToConsole, _tunnelTag, DaemonMetrics.Tag("direction", "viewer_to_console")),
            new(consoleToViewer, _tunnelTag, DaemonMetrics.Tag("direction", "console_to_viewer")),
        ];
    }
}
