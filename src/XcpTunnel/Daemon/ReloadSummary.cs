using System.Globalization;

namespace XcpTunnel.Daemon;

/// <summary>What a reload did, counted by tunnel.</summary>
/// <param name="Added">Tunnels started that were not running.</param>
/// <param name="Removed">Tunnels stopped for good (their connections drain).</param>
/// <param name="Changed">Tunnels restarted with new settings (their old connections drain).</param>
/// <param name="Unchanged">Tunnels left alone, live connections included.</param>
/// <param name="FailedToStart">Added or changed tunnels whose listener could not start (the error is logged).</param>
internal sealed record ReloadSummary(int Added, int Removed, int Changed, int Unchanged, IReadOnlyList<string> FailedToStart)
{
    /// <summary>"1 added, 1 removed, 1 changed, 4 unchanged".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Added} added, {Removed} removed, {Changed} changed, {Unchanged} unchanged");
}
