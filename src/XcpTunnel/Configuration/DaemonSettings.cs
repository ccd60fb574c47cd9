using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Configuration;

/// <summary>A validated configuration: everything the daemon needs, with passwords and trust resolved.</summary>
/// <param name="Pools">By pool name, case-insensitive like configuration keys.</param>
/// <param name="Tunnels">
/// Ordered by name, as configuration keys are. As loaded, the hand-written ones; the daemon's running settings add
/// the tunnels <see cref="AutoTunnels"/> generated (<see cref="TunnelSettings.GeneratedFor"/> set).
/// </param>
/// <param name="Health">The health endpoint.</param>
/// <param name="Timeouts">Handshake stage deadlines.</param>
/// <param name="Warnings">Things that work but should be fixed; log them at every start.</param>
internal sealed record DaemonSettings(
    IReadOnlyDictionary<string, XapiPoolOptions> Pools,
    IReadOnlyList<TunnelSettings> Tunnels,
    HealthSettings Health,
    TunnelTimeouts Timeouts,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Where the daemon reads its configuration unless <c>--config</c> says otherwise.</summary>
    public const string DefaultPath = "/etc/xcptunnel/xcptunnel.json";

    /// <summary>Where the daemon keeps its state unless <c>State:Directory</c> or systemd's <c>$STATE_DIRECTORY</c> says otherwise.</summary>
    public const string DefaultStateDirectory = "/var/lib/xcptunnel";

    /// <summary>The daemon's own limits.</summary>
    public LimitsSettings Limits { get; init; } = LimitsSettings.Default;

    /// <summary>Each pool's generated tunnels (<c>Pools:&lt;pool&gt;:AutoTunnels</c>), by pool name; pools without are absent.</summary>
    public IReadOnlyDictionary<string, AutoTunnelSettings> AutoTunnels { get; init; } = new Dictionary<string, AutoTunnelSettings>();

    /// <summary>The absolute directory where the daemon keeps what outlives it (the ports given to VMs).</summary>
    public string StateDirectory { get; init; } = DefaultStateDirectory;
}
