using Microsoft.Extensions.Logging;

namespace XcpTunnel.Systemd;

/// <summary>systemd integration log events (EventIds 6001–6099).</summary>
internal static partial class SystemdLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Socket activation: {Problem}")]
    public static partial void ActivationProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Socket activation: descriptor {Fd} ('{Name}') is not a socket ({Reason}); closed")]
    public static partial void NotASocket(ILogger logger, int fd, string name, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Socket activation: descriptor {Fd} ('{Name}') is a {Kind} socket, not a TCP or unix stream; closed")]
    public static partial void NotAStreamSocket(ILogger logger, int fd, string name, string kind);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "Socket activation: no tunnel is named '{Name}' (FileDescriptorName=); its socket on {EndPoint} is closed")]
    public static partial void UnknownSocketName(ILogger logger, string name, string endPoint);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Tunnel {Tunnel} uses the socket(s) passed by systemd instead of binding {Listen}")]
    public static partial void UsingActivatedSockets(ILogger logger, string tunnel, string listen);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "Cannot notify the service manager at {Socket}: {Reason}")]
    public static partial void NotifyFailed(ILogger logger, string socket, string reason);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Debug, Message = "Notifying the service manager at {Socket}; watchdog ping every {WatchdogMs} ms (0 = none)")]
    public static partial void Notifying(ILogger logger, string socket, long watchdogMs);
}
