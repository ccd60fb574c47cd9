namespace XcpTunnel.Configuration;

/// <summary>The <c>Health</c> section, as written.</summary>
internal sealed class HealthSection
{
    public static readonly IReadOnlyList<string> Keys = [nameof(Listen), nameof(AllowRemote), nameof(ProbeIntervalSeconds), nameof(AllowUsers)];

    public string? Listen { get; set; }

    public string? AllowRemote { get; set; }

    /// <summary>Seconds between periodic probes of every tunnel that does not set its own; unset or 0 = off.</summary>
    public string? ProbeIntervalSeconds { get; set; }

    /// <summary>Who may use the endpoint; unset follows <c>Access:AllowUsers</c>.</summary>
    public List<string?>? AllowUsers { get; set; }
}
