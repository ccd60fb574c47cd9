using Microsoft.Extensions.Logging;

namespace XcpTunnel.Daemon;

internal static partial class DaemonLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Pool {Pool}: not logged in at start ({Reason}); tunnels will retry when viewers connect")]
    public static partial void WarmUpFailed(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Serving {Tunnels} tunnel(s)")]
    public static partial void Serving(ILogger logger, int tunnels);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Stopping: draining connections for up to {DrainSeconds} s")]
    public static partial void Stopping(ILogger logger, double drainSeconds);
}
