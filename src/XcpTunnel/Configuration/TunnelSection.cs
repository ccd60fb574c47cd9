namespace XcpTunnel.Configuration;

/// <summary>One entry of <c>Tunnels</c>, as written.</summary>
internal sealed class TunnelSection
{
    public static readonly IReadOnlyList<string> Keys =
        [nameof(Listen), nameof(Pool), nameof(Vm), nameof(AllowRemote), nameof(MaxConnections), nameof(IdleTimeoutSeconds), nameof(ProbeIntervalSeconds)];

    public string? Listen { get; set; }

    public string? Pool { get; set; }

    /// <summary>A name-label or a UUID.</summary>
    public string? Vm { get; set; }

    public string? AllowRemote { get; set; }

    public string? MaxConnections { get; set; }

    public string? IdleTimeoutSeconds { get; set; }

    /// <summary>Seconds between periodic probes of this tunnel; 0 turns them off; unset follows <c>Health:ProbeIntervalSeconds</c>.</summary>
    public string? ProbeIntervalSeconds { get; set; }
}
