using Microsoft.Extensions.Logging;

namespace XcpTunnel.AutoTunnels;

internal static partial class AutoTunnelLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Pool {Pool}: {Count} VM(s) matching {Match} have no tunnel, every port of {Ports} being taken: {Vms}; widen {Key}:Ports (a port stays with its VM while the VM exists)")]
    public static partial void RangeFull(ILogger logger, string pool, int count, Configuration.VmMatch match, Configuration.PortRange? ports, string vms, string key);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Pool {Pool}: every VM matching {Match} has its tunnel again")]
    public static partial void RangeFree(ILogger logger, string pool, Configuration.VmMatch match);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error,
        Message = "Pool {Pool}: the ports of generated tunnels could not be saved ({Reason}); they hold while the daemon runs, and saving is tried again at the next change")]
    public static partial void NotSaved(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Generated tunnels follow the pools: {Summary}")]
    public static partial void Followed(ILogger logger, Daemon.ReloadSummary summary);
}
