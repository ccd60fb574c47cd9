using Microsoft.Extensions.Logging;

namespace XcpTunnel.Protocol.Consoles;

internal static partial class ConsoleCacheLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Pool {Pool}: console cache loaded ({Vms} VMs); following event.from")]
    public static partial void Loaded(ILogger logger, string pool, int vms);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Pool {Pool}: console events were lost ({Reason}); reloading the console cache")]
    public static partial void EventsLost(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Pool {Pool}: console cache cannot follow the pool ({Reason}); resolving by RPC, retrying in {Seconds} s")]
    public static partial void FeedFailed(ILogger logger, string pool, string reason, double seconds);
}
