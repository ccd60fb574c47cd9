using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Tunnels;

/// <summary>
/// How a tunnel connection ended, as a short stable label: log lines and the xcptunnel_connections_total metric group by it,
/// so the labels are an API and only ever gain members.
/// </summary>
internal static class TunnelOutcome
{
    public const string ViewerClosed = "viewer_closed";
    public const string ConsoleClosed = "console_closed";
    public const string IdleTimeout = "idle_timeout";

    /// <summary>The pool closed the console: no keyboard or mouse input for its <c>vm_console_idle_timeout</c> (xapi 26.1).</summary>
    public const string ConsoleIdleClosed = "console_idle_closed";
    public const string Shutdown = "shutdown";
    public const string ViewerFailed = "viewer_error";
    public const string ConsoleFailed = "console_error";
    public const string OverCapacity = "over_capacity";
    public const string RfbError = "rfb_error";
    public const string Timeout = "timeout";
    public const string Internal = "internal_error";

    public static string Of(SpliceOutcome outcome) => outcome switch
    {
        SpliceOutcome.ViewerClosed => ViewerClosed,
        SpliceOutcome.ConsoleClosed => ConsoleClosed,
        SpliceOutcome.IdleTimeout => IdleTimeout,
        SpliceOutcome.Cancelled => Shutdown,
        SpliceOutcome.ViewerFailed => ViewerFailed,
        SpliceOutcome.ConsoleFailed => ConsoleFailed,
        _ => ConsoleClosed,
    };

    /// <summary>The label of a failure before the splice started.</summary>
    public static string Of(Exception failure) => failure switch
    {
        ConsoleResolutionException e => e.Failure switch
        {
            ConsoleResolutionFailure.VmNotFound => "vm_not_found",
            ConsoleResolutionFailure.VmAmbiguous => "vm_ambiguous",
            ConsoleResolutionFailure.VmNotRunning => "vm_not_running",
            _ => "no_console",
        },
        XapiLoginException { InnerException: CertificateTrustException } => "certificate_rejected",
        XapiLoginException => "login_failed",
        CertificateTrustException => "certificate_rejected",
        ConsoleConnectException e => e.Failure switch
        {
            ConsoleConnectFailure.ConsoleInUse => "console_in_use",
            ConsoleConnectFailure.Forbidden => "forbidden",
            ConsoleConnectFailure.Timeout => Timeout,
            _ => "connect_refused",
        },
        XapiTransportException { Failure: XapiTransportFailure.Timeout } => Timeout,
        XapiTransportException => "host_unreachable",
        XapiFailureException => "xapi_error",
        TunnelHandshakeException => RfbError,
        _ => Internal,
    };
}
