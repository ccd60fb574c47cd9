namespace XcpTunnel.Configuration;

/// <summary>The <c>Limits</c> section, as written.</summary>
internal sealed class LimitsSection
{
    public static readonly IReadOnlyList<string> Keys = [nameof(MaxConnections)];

    /// <summary>Viewer connections across all tunnels.</summary>
    public string? MaxConnections { get; set; }
}
