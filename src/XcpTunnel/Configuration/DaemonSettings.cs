using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Configuration;

/// <summary>A validated configuration: everything the daemon needs, with passwords and trust resolved.</summary>
/// <param name="Pools">By pool name, case-insensitive like configuration keys.</param>
/// <param name="Tunnels">Ordered by name, as configuration keys are.</param>
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

    /// <summary>The daemon's own limits.</summary>
    public LimitsSettings Limits { get; init; } = LimitsSettings.Default;
}
