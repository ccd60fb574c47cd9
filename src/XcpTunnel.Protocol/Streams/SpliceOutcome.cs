namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// Who or what ended a splice, so a log line can say it. A clean end is a half-close from one side
/// followed by the other: the member names the side that closed first. There is no "both closed" member
/// because both sides always close in a clean end; which one started it is the useful part.
/// </summary>
public enum SpliceOutcome
{
    /// <summary>
    /// The viewer closed its sending side first (EOF); the console was half-closed and then ended its
    /// direction too. The usual end: the user closed the viewer.
    /// </summary>
    ViewerClosed,

    /// <summary>
    /// The console closed its sending side first (EOF); the viewer was half-closed and then ended its
    /// direction too. The VM's console went away (shutdown, reboot, migration) or xapi closed the tunnel.
    /// </summary>
    ConsoleClosed,

    /// <summary>No byte moved in either direction for <see cref="SpliceOptions.IdleTimeout"/>; both directions were stopped.</summary>
    IdleTimeout,

    /// <summary>The caller's cancellation token ended the splice (daemon shutdown, tunnel kicked).</summary>
    Cancelled,

    /// <summary>
    /// Reading from or writing to the viewer failed, typically a connection reset by the viewer: a
    /// client-caused abort, worth a Debug line. <see cref="SpliceResult.Error"/> holds the exception.
    /// </summary>
    ViewerFailed,

    /// <summary>
    /// Reading from or writing to the console failed: the host, its TLS or the network. Worth a Warning.
    /// <see cref="SpliceResult.Error"/> holds the exception.
    /// </summary>
    ConsoleFailed,
}
