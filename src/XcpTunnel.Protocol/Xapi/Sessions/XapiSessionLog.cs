using Microsoft.Extensions.Logging;

namespace XcpTunnel.Protocol.Xapi.Sessions;

internal static partial class XapiSessionLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Logged in to pool {Pool} at {Url} as {User}")]
    public static partial void LoggedIn(ILogger logger, string pool, Uri url, string user);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Pool {Pool}: {Url} is a member; the coordinator is {Coordinator}")]
    public static partial void RedirectedToCoordinator(ILogger logger, string pool, Uri url, string coordinator);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Pool {Pool}: cannot log in at {Url}: {Reason}")]
    public static partial void UrlFailed(ILogger logger, string pool, Uri url, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Pool {Pool}: login failed: {Reason}")]
    public static partial void LoginFailed(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Pool {Pool}: session no longer valid; logging in again")]
    public static partial void SessionExpired(ILogger logger, string pool);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Logged out of pool {Pool}")]
    public static partial void LoggedOut(ILogger logger, string pool);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Pool {Pool}: logout failed: {Reason}")]
    public static partial void LogoutFailed(ILogger logger, string pool, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Pool {Pool}: coordinator {Url} failed ({Reason}); logging in again, on another host if need be")]
    public static partial void CoordinatorLost(ILogger logger, string pool, Uri url, string reason);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "Pool {Pool}: {Hosts} host(s) known for failover")]
    public static partial void MembersLearned(ILogger logger, string pool, int hosts);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Pool {Pool}: cannot read the pool's host records ({Reason}); failover can only use the configured URLs")]
    public static partial void MembersUnknown(ILogger logger, string pool, string reason);
}
