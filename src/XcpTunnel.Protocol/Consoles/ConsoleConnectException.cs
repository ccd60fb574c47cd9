namespace XcpTunnel.Protocol.Consoles;

/// <summary>Why xapi's <c>/console</c> handler did not open the tunnel (docs/xapi-console-protocol.md, "The CONNECT reply").</summary>
public enum ConsoleConnectFailure
{
    /// <summary>401: no, invalid or expired session. The caller logs in again once and retries.</summary>
    SessionRejected,

    /// <summary>403: the XAPI user's role may not open consoles (vm-operator or above is needed).</summary>
    Forbidden,

    /// <summary>404: the console's backend has no VNC port yet (the VM is still starting).</summary>
    BackendNotReady,

    /// <summary>500: unknown console or VM, VM not running, or resident on another host (a migration race).</summary>
    HostRefused,

    /// <summary>503: <c>pool.limit_console_sessions</c> is on and another viewer is connected.</summary>
    ConsoleInUse,

    /// <summary>Any other status.</summary>
    UnexpectedStatus,

    /// <summary>The reply was not HTTP, or its head exceeded the limit.</summary>
    MalformedReply,

    /// <summary>The host closed the connection before a complete reply.</summary>
    ClosedEarly,

    /// <summary>
    /// 200, then the connection closed before the VM's VNC server said a word: xapi answers before it connects to the
    /// backend, so this is a backend it could not reach (a VM starting or stopping, a VNC server not up yet).
    /// </summary>
    BackendClosed,

    /// <summary>No complete reply within the deadline.</summary>
    Timeout,
}

/// <summary>The CONNECT to a console failed; <see cref="Exception.Message"/> explains it for a user.</summary>
public sealed class ConsoleConnectException : XcpTunnelException
{
    /// <summary>Creates the exception.</summary>
    public ConsoleConnectException(ConsoleConnectFailure failure, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    /// <summary>What failed.</summary>
    public ConsoleConnectFailure Failure { get; }

    /// <summary>The HTTP status xapi replied with, when there was one.</summary>
    public int? StatusCode { get; }
}
