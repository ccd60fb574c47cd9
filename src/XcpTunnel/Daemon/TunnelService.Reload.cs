using Microsoft.Extensions.Logging;
using XcpTunnel.AutoTunnels;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Daemon;

internal sealed partial class TunnelService
{
    /// <summary>
    /// Makes <paramref name="next"/> the running configuration (see <see cref="SettingsDiff"/>): added tunnels
    /// start; removed ones stop accepting and their connections drain in the background for <c>Timeouts:Drain</c>;
    /// changed ones stop accepting the same way and start again with the new settings (on the same passed socket
    /// under socket activation); unchanged ones, their listener and every live connection, are not touched.
    /// Pools whose options changed get new sessions; the old ones log out once their connections drained.
    /// </summary>
    /// <returns>What changed, or null when the service is already stopping.</returns>
    public async Task<ReloadSummary?> ReloadAsync(DaemonSettings next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return null;
            }

            foreach (var warning in next.Warnings)
            {
                DaemonLog.ConfigWarning(_logger, warning);
            }

            // Before anything changes: a state file that cannot be read rejects the reload.
            var running = WithGenerated(next);
            var diff = SettingsDiff.Between(_settings, running);
            if (diff.HealthChanged)
            {
                DaemonLog.HealthNotReloaded(_logger);
            }

            return await ApplyAsync(running, diff).ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Generated tunnels follow their pools (docs/auto-tunnels.md): called when a pool's VMs changed, it applies the
    /// tunnels the pools' <c>AutoTunnels</c> give now, as a reload would, the rest of the settings unchanged.
    /// </summary>
    internal async Task FollowPoolsAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped || (_settings.AutoTunnels.Count == 0 && _settings.Tunnels.All(t => t.GeneratedFor is null)))
            {
                return;
            }

            var running = WithGenerated(_settings);
            var diff = SettingsDiff.Between(_settings, running);
            if (diff.Added.Count + diff.Removed.Count + diff.Changed.Count > 0)
            {
                var summary = await ApplyAsync(running, diff).ConfigureAwait(false);
                AutoTunnelLog.Followed(_logger, summary);
            }
            else
            {
                // Renames: the same tunnels, with the names people read.
                _settings = running;
            }
        }
        finally
        {
            Followed?.Invoke();
            _changes.Release();
        }
    }

    /// <summary>Raised after each <see cref="FollowPoolsAsync"/>, changes or not (tests wait on it rather than on time).</summary>
    internal event Action? Followed;

    /// <summary>
    /// <paramref name="settings"/> with the tunnels the pools' <c>AutoTunnels</c> give now in place of those they gave before;
    /// hand-written tunnels first, as loaded.
    /// </summary>
    private DaemonSettings WithGenerated(DaemonSettings settings) =>
        settings with { Tunnels = [.. settings.Tunnels.Where(t => t.GeneratedFor is null), .. _generator.Generate(settings)] };

    private async Task<ReloadSummary> ApplyAsync(DaemonSettings next, SettingsDiff diff)
    {
        var byName = _listeners.ToDictionary(l => l.Name, StringComparer.Ordinal);
        foreach (var removed in diff.Removed)
        {
            byName.GetValueOrDefault(removed.Name)?.Removed(
                removed.GeneratedFor is null ? $"tunnel '{removed.Name}' was removed from the configuration" : _generator.WhyRemoved(removed, next));
        }

        List<TunnelListener> leaving = [.. diff.Removed.Concat(diff.Changed).Select(t => byName.GetValueOrDefault(t.Name)).OfType<TunnelListener>()];

        // Free the ports (or the passed sockets) first: a changed tunnel usually listens where it did.
        await Task.WhenAll(leaving.Select(l => l.StopAcceptingAsync())).ConfigureAwait(false);
        var retiredPools = pools.Renew(next.Pools, diff.RenewedPools);

        List<string> failed = [];
        var running = new Dictionary<string, TunnelListener>(StringComparer.Ordinal);
        foreach (var tunnel in diff.Unchanged)
        {
            // A tunnel unchanged now may have failed to start at an earlier reload.
            if (byName.TryGetValue(tunnel.Name, out var listener))
            {
                running[tunnel.Name] = listener;
            }
        }

        foreach (var tunnel in diff.Added.Concat(diff.Changed).Concat(diff.Unchanged.Where(t => !running.ContainsKey(t.Name))))
        {
            try
            {
                running[tunnel.Name] = StartListener(tunnel, next.Timeouts);
            }
            catch (ListenerStartException ex)
            {
                DaemonLog.ReloadListenerFailed(_logger, ex.Message);
                failed.Add(tunnel.Name);
            }
        }

        _listeners = [.. next.Tunnels.Where(t => running.ContainsKey(t.Name)).Select(t => running[t.Name])];
        _settings = next;
        _retiring.RemoveAll(t => t.IsCompleted);
        _retiring.Add(RetireAsync(leaving, retiredPools, next.Timeouts.Drain));
        WarmUp(diff.RenewedPools.Select(name => pools[name]));
        return new ReloadSummary(diff.Added.Count, diff.Removed.Count, diff.Changed.Count, diff.Unchanged.Count, failed);
    }

    /// <summary>Lets the connections of listeners that stopped accepting finish, then logs out of the pools they used.</summary>
    private static async Task RetireAsync(IReadOnlyList<TunnelListener> listeners, IReadOnlyList<XapiPoolSession> sessions, TimeSpan drain)
    {
        await Task.WhenAll(listeners.Select(l => l.StopAsync(drain))).ConfigureAwait(false);
        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var session in sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
