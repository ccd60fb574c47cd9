using System.Net;
using Microsoft.Extensions.Logging;

namespace XcpTunnel.Tunnels;

internal static partial class TunnelLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Tunnel {Tunnel} listening on {EndPoint} for VM {Vm} in pool {Pool}")]
    public static partial void Listening(ILogger logger, string tunnel, EndPoint endPoint, string vm, string pool);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Connection {Connection} opened: tunnel {Tunnel}, viewer {Viewer}")]
    public static partial void Opened(ILogger logger, string connection, string tunnel, Access.PeerIdentity viewer);

    /// <summary>Information for a connection that reached the pool; Debug for refusals, which <see cref="RefusalLog"/> sums up.</summary>
    [LoggerMessage(EventId = 2003,
        Message = "Connection {Connection} closed: tunnel {Tunnel}, viewer {Viewer}, VM {Vm}, host {Host}, {DurationMs} ms, {ViewerToConsoleBytes} bytes in, {ConsoleToViewerBytes} bytes out, outcome {Outcome}")]
    public static partial void Closed(
        ILogger logger, LogLevel level, string connection, string tunnel, Access.PeerIdentity viewer, string vm, string host, long durationMs,
        long viewerToConsoleBytes, long consoleToViewerBytes, string outcome);

    /// <summary>Logged at the level the outcome deserves: a viewer's own doing at Debug, the pool's and ours louder.</summary>
    [LoggerMessage(EventId = 2004, Message = "Connection {Connection} to tunnel {Tunnel} failed ({Outcome}): {Reason}")]
    public static partial void Failed(ILogger logger, LogLevel level, string connection, string tunnel, string outcome, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Tunnel {Tunnel} refused a viewer ({Outcome}): {Detail}")]
    public static partial void Refused(ILogger logger, string tunnel, string outcome, string detail);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Tunnel {Tunnel} refused {Count} more viewer(s) ({Outcome}) in the last {Seconds} s")]
    public static partial void RefusedMore(ILogger logger, string tunnel, long count, string outcome, long seconds);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Connection {Connection} to tunnel {Tunnel}: unexpected failure")]
    public static partial void Crashed(ILogger logger, Exception exception, string connection, string tunnel);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Tunnel {Tunnel}: accept on {EndPoint} failed, retrying in {DelayMs} ms: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string tunnel, EndPoint endPoint, int delayMs, string reason);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Tunnel {Tunnel} stopped accepting; {Active} connection(s) draining")]
    public static partial void Draining(ILogger logger, string tunnel, int active);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Tunnel {Tunnel}: drain time is up; closing {Active} connection(s)")]
    public static partial void DrainExpired(ILogger logger, string tunnel, int active);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Connection {Connection} to tunnel {Tunnel}: the pool closed the console after {IdleSeconds} s without keyboard or mouse input (its vm_console_idle_timeout is {TimeoutSeconds} s)")]
    public static partial void ConsoleIdleClosed(ILogger logger, string connection, string tunnel, long idleSeconds, long timeoutSeconds);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Connection {Connection} to tunnel {Tunnel}: the console of VM {Vm} ended; holding the viewer up to {HoldSeconds} s for it to come back")]
    public static partial void Holding(ILogger logger, string connection, string tunnel, string vm, long holdSeconds);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Connection {Connection} to tunnel {Tunnel}: swapped the console of VM {Vm} under the viewer ({OldHost} -> {NewHost}) after {HeldMs} ms")]
    public static partial void Swapped(ILogger logger, string connection, string tunnel, string vm, string oldHost, string newHost, long heldMs);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Debug, Message = "Connection {Connection} to tunnel {Tunnel}: the console ended mid-message; {PaddingBytes} bytes finished it for the viewer")]
    public static partial void CutMessageFinished(ILogger logger, string connection, string tunnel, int paddingBytes);
}
