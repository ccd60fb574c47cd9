namespace XcpTunnel.Configuration;

/// <summary>The <c>State</c> section, as written.</summary>
internal sealed class StateSection
{
    public static readonly IReadOnlyList<string> Keys = [nameof(Directory)];

    /// <summary>Where the daemon keeps what must outlive it (the ports of generated tunnels).</summary>
    public string? Directory { get; set; }
}
