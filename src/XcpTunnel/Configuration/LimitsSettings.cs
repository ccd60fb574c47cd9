namespace XcpTunnel.Configuration;

/// <summary>The daemon's own limits, read at start (a reload does not change them).</summary>
/// <param name="MaxConnections">
/// Viewer connections across all tunnels; the daemon lowers it at start to what its open-files limit allows, since
/// each viewer holds two descriptors.
/// </param>
internal sealed record LimitsSettings(int MaxConnections)
{
    public const int DefaultMaxConnections = 1024;

    public static LimitsSettings Default { get; } = new(DefaultMaxConnections);
}
