using XcpTunnel.Configuration;

namespace XcpTunnel.Daemon;

/// <summary>
/// What a reload changes. A tunnel is changed when any of its settings differs, when the handshake timeouts
/// (shared by all tunnels) differ, or when its pool's options differ (the pool gets a new session, and the tunnel's
/// connections must go through it); only unchanged tunnels keep their listener and live connections untouched.
/// </summary>
/// <param name="Added">Tunnels only in the new settings.</param>
/// <param name="Removed">Tunnels only in the current settings (as they are now).</param>
/// <param name="Changed">Tunnels in both that must restart (as they will be).</param>
/// <param name="Unchanged">Tunnels in both that go on as they are.</param>
/// <param name="RenewedPools">Pools of the new settings that need a new session: added, or options changed.</param>
/// <param name="HealthChanged">Whether <c>Health</c> differs, which a reload cannot apply.</param>
internal sealed record SettingsDiff(
    IReadOnlyList<TunnelSettings> Added,
    IReadOnlyList<TunnelSettings> Removed,
    IReadOnlyList<TunnelSettings> Changed,
    IReadOnlyList<TunnelSettings> Unchanged,
    IReadOnlySet<string> RenewedPools,
    bool HealthChanged)
{
    public static SettingsDiff Between(DaemonSettings current, DaemonSettings next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        var renewedPools = next.Pools
            .Where(p => !current.Pools.TryGetValue(p.Key, out var old) || old != p.Value)
            .Select(p => p.Key)
            .ToHashSet(StringComparer.Ordinal);
        var timeoutsChanged = current.Timeouts != next.Timeouts;
        var before = current.Tunnels.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var after = next.Tunnels.ToDictionary(t => t.Name, StringComparer.Ordinal);

        List<TunnelSettings> added = [], changed = [], unchanged = [];
        foreach (var tunnel in next.Tunnels)
        {
            if (!before.TryGetValue(tunnel.Name, out var old))
            {
                added.Add(tunnel);
            }
            else if (timeoutsChanged || renewedPools.Contains(tunnel.Pool) || !SameListener(old, tunnel))
            {
                changed.Add(tunnel);
            }
            else
            {
                unchanged.Add(tunnel);
            }
        }

        return new SettingsDiff(
            added,
            [.. current.Tunnels.Where(t => !after.ContainsKey(t.Name))],
            changed,
            unchanged,
            renewedPools,
            current.Health with { ProbeInterval = next.Health.ProbeInterval } != next.Health);
    }

    // The settings records compare by value. What is left out is read live, so a change to it needs no restart:
    // the probe scheduler reads ProbeInterval on every tick, and a generated tunnel follows its VM by UUID, so a
    // rename (GeneratedFor) must not cut its viewers off. Health's ProbeInterval is left out for the same reason.
    private static bool SameListener(TunnelSettings current, TunnelSettings next) =>
        current with { ProbeInterval = next.ProbeInterval, GeneratedFor = next.GeneratedFor } == next;
}
