using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>Bytes a holding relay carried each way and when it last carried any, for the log, the metrics and the idle timeout.</summary>
internal sealed class RelayActivity(TimeProvider time, SpliceCounters? counters)
{
    private long _viewerToConsole;
    private long _consoleToViewer;
    private long _last = time.GetTimestamp();

    public long ViewerToConsole => Interlocked.Read(ref _viewerToConsole);

    public long ConsoleToViewer => Interlocked.Read(ref _consoleToViewer);

    public TimeSpan Idle => time.GetElapsedTime(Volatile.Read(ref _last));

    public void FromViewer(int bytes)
    {
        Interlocked.Add(ref _viewerToConsole, bytes);
        counters?.Add(SpliceSide.Viewer, bytes);
        Volatile.Write(ref _last, time.GetTimestamp());
    }

    public void ToViewer(int bytes)
    {
        Interlocked.Add(ref _consoleToViewer, bytes);
        counters?.Add(SpliceSide.Console, bytes);
        Volatile.Write(ref _last, time.GetTimestamp());
    }
}
