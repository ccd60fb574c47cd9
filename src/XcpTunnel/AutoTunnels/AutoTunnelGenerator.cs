using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;

namespace XcpTunnel.AutoTunnels;

/// <summary>How one pool's <c>AutoTunnels</c> stand, for the status page and the metrics.</summary>
/// <param name="Pool">The pool's name.</param>
/// <param name="Match">The <c>Match</c> rules as written.</param>
/// <param name="Tunnels">Generated tunnels now.</param>
/// <param name="Unplaced">Name-labels of VMs that match but have no tunnel: the range has no free port.</param>
internal sealed record AutoTunnelStatus(string Pool, string Match, int Tunnels, IReadOnlyList<string> Unplaced);

/// <summary>
/// The daemon's generated tunnels: for every pool with <c>AutoTunnels</c>, the tunnels its VMs get now, from the pool's
/// console cache when it is in step and from the state file when it is not (at start, before the pool answered), with
/// each VM's port kept in that file (docs/auto-tunnels.md). The tunnel service asks it at start, at each reload and
/// whenever a cache's VMs change, and runs what it gets like hand-written tunnels.
/// </summary>
/// <remarks>Not thread-safe: the tunnel service calls it under its lock. <see cref="Status"/> may be read from anywhere.</remarks>
internal sealed class AutoTunnelGenerator(PoolRegistry pools, ILogger logger)
{
    private readonly Dictionary<string, AutoTunnelState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _unplacedReported = new(StringComparer.OrdinalIgnoreCase);
    private volatile IReadOnlyList<AutoTunnelStatus> _status = [];

    public IReadOnlyList<AutoTunnelStatus> Status => _status;

    /// <summary>Every generated tunnel of <paramref name="settings"/>; changes to ports are saved.</summary>
    /// <exception cref="AutoTunnelStateException">A pool's state file cannot be read; nothing was generated.</exception>
    public IReadOnlyList<TunnelSettings> Generate(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);

        // Every file first: one that cannot be read stops this before anything changed.
        foreach (var pool in settings.AutoTunnels.Keys.Where(p => !_states.ContainsKey(p)).ToList())
        {
            _states[pool] = AutoTunnelState.Load(AutoTunnelState.PathFor(settings.StateDirectory, pool));
        }

        foreach (var pool in _states.Keys.Where(p => !settings.AutoTunnels.ContainsKey(p)).ToList())
        {
            _states.Remove(pool);
            _unplacedReported.Remove(pool);
        }

        var handWritten = settings.Tunnels.Where(t => t.GeneratedFor is null).ToList();
        List<TunnelSettings> tunnels = [];
        List<AutoTunnelStatus> status = [];
        foreach (var (pool, auto) in settings.AutoTunnels.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            var state = _states[pool];
            var plan = AutoTunnelPlan.Update(auto, handWritten, pools.VmsOf(pool), state.Vms, assignPorts: true, out var changed);
            if (changed)
            {
                Save(pool, state);
            }

            Report(auto, plan.Unplaced);
            tunnels.AddRange(plan.Tunnels);
            status.Add(new AutoTunnelStatus(pool, auto.Match.ToString(), plan.Tunnels.Count, plan.Unplaced));
        }

        _status = status;
        return tunnels;
    }

    /// <summary>Why the generated <paramref name="tunnel"/> is not among those of <paramref name="next"/>: what its viewers are told.</summary>
    public string WhyRemoved(TunnelSettings tunnel, DaemonSettings next)
    {
        ArgumentNullException.ThrowIfNull(tunnel);
        ArgumentNullException.ThrowIfNull(next);
        var vm = $"VM '{tunnel.VmDisplay}'";
        if (!next.AutoTunnels.TryGetValue(tunnel.Pool, out var auto))
        {
            return $"Pools:{tunnel.Pool}:AutoTunnels was removed from the configuration";
        }

        if (pools.VmsOf(tunnel.Pool) is { } vms && !vms.Any(v => string.Equals(v.Uuid, tunnel.Vm, StringComparison.OrdinalIgnoreCase)))
        {
            return $"{vm} was deleted from pool {tunnel.Pool}";
        }

        return next.Tunnels.FirstOrDefault(t => t.GeneratedFor is null && t.Names(tunnel.Pool, tunnel.Vm, tunnel.GeneratedFor)) is { } handWritten
            ? $"{vm} is served by the tunnel '{handWritten.Name}' now"
            : $"{vm} no longer matches {auto.Key} ({auto.Match})";
    }

    private void Save(string pool, AutoTunnelState state)
    {
        try
        {
            state.Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AutoTunnelLog.NotSaved(logger, pool, ex.Message);
        }
    }

    // Said when the number of VMs left out changes, not at every event.
    private void Report(AutoTunnelSettings auto, IReadOnlyList<string> unplaced)
    {
        var before = _unplacedReported.GetValueOrDefault(auto.Pool);
        if (unplaced.Count == before)
        {
            return;
        }

        _unplacedReported[auto.Pool] = unplaced.Count;
        if (unplaced.Count == 0)
        {
            AutoTunnelLog.RangeFree(logger, auto.Pool, auto.Match);
        }
        else if (logger.IsEnabled(LogLevel.Warning))
        {
            AutoTunnelLog.RangeFull(logger, auto.Pool, unplaced.Count, auto.Match, auto.Ports, string.Join(", ", unplaced.Take(10)) + (unplaced.Count > 10 ? ", …" : ""), auto.Key);
        }
    }
}
