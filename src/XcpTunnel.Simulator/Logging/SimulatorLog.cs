using System.Net;
using Microsoft.Extensions.Logging;

namespace XcpTunnel.Simulator.Logging;

/// <summary>The simulator's log messages. Session refs and passwords never appear in them.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Simulated host {Host} listening on {Endpoint}")]
    public static partial void HostListening(ILogger logger, string host, IPEndPoint endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Host}: connection from {Remote} ended abruptly")]
    public static partial void ConnectionAborted(ILogger logger, string host, EndPoint? remote, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Host}: accept failed; retrying")]
    public static partial void AcceptFailed(ILogger logger, string host, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "{Host}: {Method} -> {Outcome}")]
    public static partial void RpcCall(ILogger logger, string host, string method, string outcome);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Host}: CONNECT {Path} -> {Status}")]
    public static partial void ConnectAnswered(ILogger logger, string host, string path, int status);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "{Host}: tunnel to VM {Vm} closed after {Duration}")]
    public static partial void TunnelClosed(ILogger logger, string host, string vm, TimeSpan duration);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{Host}: console backend of VM {Vm} failed")]
    public static partial void BackendFailed(ILogger logger, string host, string vm, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "{Host}: a connection from the front end did not start with a PROXY v1 line; closed")]
    public static partial void ProxyLineRejected(ILogger logger, string host);
}
