using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;

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

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Reloading the configuration from {Path}")]
    public static partial void Reloading(ILogger logger, string path);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Reloaded: {Summary}")]
    public static partial void Reloaded(ILogger logger, ReloadSummary summary);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Reload rejected, {Path} is not valid: {Error}")]
    public static partial void ReloadConfigError(ILogger logger, string path, ConfigError error);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Reload rejected ({Errors} error(s)); still running the previous configuration")]
    public static partial void ReloadRejected(ILogger logger, int errors);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Reload: {Reason}")]
    public static partial void ReloadListenerFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Reload: Health settings changed; the health endpoint keeps its address until the daemon restarts")]
    public static partial void HealthNotReloaded(ILogger logger);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Reload failed unexpectedly; still running the previous configuration")]
    public static partial void ReloadCrashed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "Limits:MaxConnections {Configured} lowered to {Capacity}: the open-files limit is {OpenFiles} and each viewer holds two; raise LimitNOFILE= to serve more")]
    public static partial void ConnectionsLowered(ILogger logger, int configured, int capacity, long openFiles);
}
