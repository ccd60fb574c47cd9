using Microsoft.Extensions.Logging;
using XcpTunnel.Daemon;
using XcpTunnel.Health;
using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Probes;

/// <summary>
/// Probes of the daemon's own tunnels, through the daemon's shared pool sessions (so a probe never adds an
/// XAPI session), for <c>GET /probe/{tunnel}</c>, <c>/snapshot/{tunnel}.png</c> and the periodic probes.
/// Concurrent requests for one tunnel share the probe already running, and for <see cref="ResultLifetime"/>
/// after it ended they get its result: a burst of scrapes or refreshes, or someone hammering /snapshot, costs the
/// pool one console connection now and then, not one each. Every result feeds <see cref="ProbeMetrics"/>.
/// </summary>
/// <remarks>
/// A probe dials the VM itself rather than connecting to the tunnel's listener: it is not a viewer
/// connection, so it appears in no tunnel's connection counts, outcomes or limits.
/// The tunnel and the timeouts are read from <see cref="TunnelService"/> at each probe, so a reload applies.
/// </remarks>
internal sealed class TunnelProbes(
    TunnelService tunnels, PoolRegistry pools, DaemonMetrics metrics, TimeProvider time, ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TunnelProbes>();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<ProbeResult>> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Task<ProbeResult> Result, long At)> _recent = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>How long a finished probe's result answers further requests.</summary>
    public static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The probe of <paramref name="tunnel"/>: the one running now, or a new one; null when no such tunnel runs.
    /// The task never faults; it is cancelled only when the daemon stops.
    /// </summary>
    public Task<ProbeResult>? ProbeAsync(string tunnel)
    {
        var settings = tunnels.FindTunnel(tunnel);
        if (settings is null)
        {
            return null;
        }

        lock (_gate)
        {
            if (_recent.TryGetValue(settings.Name, out var recent) && time.GetElapsedTime(recent.At) < ResultLifetime)
            {
                return recent.Result;
            }

            if (!_running.TryGetValue(settings.Name, out var running))
            {
                running = RunAsync(settings.Name, settings.Pool, settings.Vm);
                _running[settings.Name] = running;
            }

            return running;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task<ProbeResult> RunAsync(string tunnel, string pool, string vm)
    {
        // Leave the lock first: the entry must be in the table before this removes it in the end.
        await Task.Yield();
        try
        {
            // The same path a viewer takes, cache included: periodic probes of many tunnels add no XAPI calls
            // in steady state, and a stale cache shows in the probe as it would to a viewer.
            var dialer = new ConsoleDialer(pools.ConsolesOf(pool), tunnels.Settings.Timeouts.ConnectReply);
            var options = new ProbeOptions { TimeProvider = time };
            var result = await Prober.RunAsync(new XapiProbeTarget(tunnel, dialer, vm), options, _stopping.Token).ConfigureAwait(false);
            metrics.Probes.Record(tunnel, result, time.GetUtcNow());
            lock (_gate)
            {
                _recent[tunnel] = (Task.FromResult(result), time.GetTimestamp());
            }

            if (result.IsUp)
            {
                ProbeLog.Probed(_logger, tunnel, result.Status, result.Reason);
            }
            else
            {
                ProbeLog.ProbeFailed(_logger, tunnel, result.Status, result.Reason);
            }

            return result;
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(tunnel);
            }
        }
    }
}
