using XcpTunnel.Configuration;

namespace XcpTunnel.Probes;

/// <summary>How often the daemon probes a tunnel by itself (<c>ProbeIntervalSeconds</c>).</summary>
internal static class ProbeSchedule
{
    /// <summary>The shortest interval the configuration accepts.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait before a tunnel's first periodic probe, which is spread at random so tunnels do not probe in step.</summary>
    public static readonly TimeSpan MaximumFirstDelay = TimeSpan.FromSeconds(15);

    /// <summary>The tunnel's own interval if it sets one (zero = off), else the health default; zero means no periodic probes.</summary>
    public static TimeSpan IntervalOf(TunnelSettings tunnel, HealthSettings health)
    {
        ArgumentNullException.ThrowIfNull(tunnel);
        ArgumentNullException.ThrowIfNull(health);
        return tunnel.ProbeInterval ?? health.ProbeInterval;
    }
}
