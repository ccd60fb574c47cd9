namespace XcpTunnel.Configuration;

/// <summary>
/// The configuration file's shape as the binder sees it (README, "Configuration reference"). Scalars are
/// bound as text: the validator parses them, so a malformed value becomes one error with its key
/// among all the others instead of the binder's first exception. The sections are classes with
/// setters, not records with <c>init</c>: the binding source generator fills an instance it has
/// created and silently skips init-only properties.
/// </summary>
internal sealed class DaemonSection
{
    public static readonly IReadOnlyList<string> Keys =
        [nameof(Pools), nameof(Tunnels), nameof(Access), nameof(Health), nameof(Timeouts), nameof(Limits), nameof(State)];

    public Dictionary<string, PoolSection?>? Pools { get; set; }

    public Dictionary<string, TunnelSection?>? Tunnels { get; set; }

    public AccessSection? Access { get; set; }

    public HealthSection? Health { get; set; }

    public TimeoutsSection? Timeouts { get; set; }

    public LimitsSection? Limits { get; set; }

    public StateSection? State { get; set; }
}
