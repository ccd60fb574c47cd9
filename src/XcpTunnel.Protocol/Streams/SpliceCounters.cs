namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// Byte counters a splice adds to as it goes, readable from any thread while it runs, so metrics can
/// report active tunnels. One instance per tunnel gives per-tunnel numbers; one instance shared by many
/// splices gives totals (each splice's own numbers are in its <see cref="SpliceResult"/>).
/// </summary>
public sealed class SpliceCounters
{
    private long _viewerToConsole;
    private long _consoleToViewer;

    /// <summary>Bytes written to the console so far.</summary>
    public long ViewerToConsole => Interlocked.Read(ref _viewerToConsole);

    /// <summary>Bytes written to the viewer so far.</summary>
    public long ConsoleToViewer => Interlocked.Read(ref _consoleToViewer);

    /// <summary>Counts <paramref name="bytes"/> read from <paramref name="from"/> and passed on to the other side.</summary>
    /// <param name="from">The side the bytes came from.</param>
    /// <param name="bytes">How many.</param>
    public void Add(SpliceSide from, int bytes)
    {
        if (from == SpliceSide.Viewer)
        {
            Interlocked.Add(ref _viewerToConsole, bytes);
        }
        else
        {
            Interlocked.Add(ref _consoleToViewer, bytes);
        }
    }
}
