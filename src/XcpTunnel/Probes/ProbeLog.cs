using Microsoft.Extensions.Logging;

namespace XcpTunnel.Probes;

internal static partial class ProbeLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Probe of tunnel {Tunnel}: {Status} - {Reason}")]
    public static partial void Probed(ILogger logger, string tunnel, ProbeStatus status, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Probe of tunnel {Tunnel}: {Status} - {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string tunnel, ProbeStatus status, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Periodic probe of tunnel {Tunnel} crashed")]
    public static partial void ProbeCrashed(ILogger logger, Exception exception, string tunnel);
}
