using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Tunnels;

/// <summary>How a viewer connection ended. <see cref="TunnelOutcomes"/> maps each to its log and metric label.</summary>
internal enum TunnelOutcome
{
    /// <summary>The splice ran and the viewer closed first.</summary>
    ViewerClosed,

    /// <summary>The splice ran and the console closed first (VM rebooted, migrated, shut down).</summary>
    ConsoleClosed,

    /// <summary>The pool closed the console: no keyboard or mouse input for its <c>vm_console_idle_timeout</c> (xapi 26.1).</summary>
    ConsoleIdleClosed,

    /// <summary>No bytes either way for the tunnel's idle timeout.</summary>
    IdleTimeout,

    /// <summary>The daemon stopped (or the tunnel was removed) and the drain time ran out.</summary>
    Shutdown,

    /// <summary>The tunnel was removed (a reload, or its VM left its pool's <c>AutoTunnels</c>) and the drain time ran out.</summary>
    TunnelRemoved,

    /// <summary>The viewer's connection failed during the splice.</summary>
    ViewerError,

    /// <summary>The console's connection failed during the splice.</summary>
    ConsoleError,

    /// <summary>The tunnel had its <c>MaxConnections</c> viewers already.</summary>
    OverCapacity,

    /// <summary>The viewer's user is not in the tunnel's allow list.</summary>
    AccessDenied,

    /// <summary>The viewer gave a wrong VNC password or could not meet the tunnel's security (VeNCrypt).</summary>
    AuthenticationFailed,

    /// <summary>The viewer sent nothing (or not enough) within a handshake deadline.</summary>
    ViewerTimeout,

    /// <summary>The viewer left before the splice started.</summary>
    ViewerLeft,

    /// <summary>The viewer sent something that is not the RFB handshake.</summary>
    ViewerProtocolError,

    /// <summary>No VM of that name or UUID.</summary>
    VmNotFound,

    /// <summary>The name matches several VMs.</summary>
    VmAmbiguous,

    /// <summary>The VM is not running.</summary>
    VmNotRunning,

    /// <summary>The VM has no RFB console.</summary>
    NoConsole,

    /// <summary>A host's certificate was not trusted.</summary>
    CertificateRejected,

    /// <summary>XAPI refused the login.</summary>
    LoginFailed,

    /// <summary>Another viewer holds the console and the pool allows one (503).</summary>
    ConsoleInUse,

    /// <summary>The XAPI user may not open consoles (403).</summary>
    Forbidden,

    /// <summary>The host refused the console CONNECT otherwise.</summary>
    ConnectRefused,

    /// <summary>A pool host or the console did not answer in time.</summary>
    Timeout,

    /// <summary>A pool host could not be reached.</summary>
    HostUnreachable,

    /// <summary>XAPI answered a call with a failure.</summary>
    XapiError,

    /// <summary>The console broke the RFB handshake.</summary>
    RfbError,

    /// <summary>A bug in xcptunnel.</summary>
    InternalError,
}

/// <summary>What a <see cref="TunnelOutcome"/> is called and how loudly it is logged.</summary>
/// <param name="Label">The label of log lines and of <c>xcptunnel_connections_total{outcome}</c>: a stable API that only gains members.</param>
/// <param name="Level">How a connection that ended so is logged: a viewer's own doing at Debug, the pool's or the daemon's louder.</param>
/// <param name="ViewerMessage">What the viewer is told when the failure carries no reason of its own; null when nothing is told.</param>
internal readonly record struct OutcomeInfo(string Label, LogLevel Level, string? ViewerMessage = null);

/// <summary>The one mapping from outcomes to labels, log levels and messages, and from failures to outcomes.</summary>
internal static class TunnelOutcomes
{
    public static OutcomeInfo Describe(TunnelOutcome outcome) => outcome switch
    {
        TunnelOutcome.ViewerClosed => new("viewer_closed", LogLevel.Debug),
        TunnelOutcome.ConsoleClosed => new("console_closed", LogLevel.Information),
        TunnelOutcome.ConsoleIdleClosed => new("console_idle_closed", LogLevel.Information),
        TunnelOutcome.IdleTimeout => new("idle_timeout", LogLevel.Information),
        TunnelOutcome.Shutdown => new("shutdown", LogLevel.Information, "xcptunnel is shutting down"),
        TunnelOutcome.TunnelRemoved => new("tunnel_removed", LogLevel.Information),
        TunnelOutcome.ViewerError => new("viewer_error", LogLevel.Debug),
        TunnelOutcome.ConsoleError => new("console_error", LogLevel.Warning),
        TunnelOutcome.OverCapacity => new("over_capacity", LogLevel.Warning),
        TunnelOutcome.AccessDenied => new("access_denied", LogLevel.Warning),
        TunnelOutcome.AuthenticationFailed => new("authentication_failed", LogLevel.Warning),
        TunnelOutcome.ViewerTimeout => new("viewer_timeout", LogLevel.Debug),
        TunnelOutcome.ViewerLeft => new("viewer_left", LogLevel.Debug),
        TunnelOutcome.ViewerProtocolError => new("viewer_protocol_error", LogLevel.Debug),
        TunnelOutcome.VmNotFound => new("vm_not_found", LogLevel.Warning),
        TunnelOutcome.VmAmbiguous => new("vm_ambiguous", LogLevel.Warning),
        TunnelOutcome.VmNotRunning => new("vm_not_running", LogLevel.Warning),
        TunnelOutcome.NoConsole => new("no_console", LogLevel.Warning),
        TunnelOutcome.CertificateRejected => new("certificate_rejected", LogLevel.Warning),
        TunnelOutcome.LoginFailed => new("login_failed", LogLevel.Warning),
        TunnelOutcome.ConsoleInUse => new("console_in_use", LogLevel.Warning),
        TunnelOutcome.Forbidden => new("forbidden", LogLevel.Warning),
        TunnelOutcome.ConnectRefused => new("connect_refused", LogLevel.Warning),
        TunnelOutcome.Timeout => new("timeout", LogLevel.Warning),
        TunnelOutcome.HostUnreachable => new("host_unreachable", LogLevel.Warning),
        TunnelOutcome.XapiError => new("xapi_error", LogLevel.Warning),
        TunnelOutcome.RfbError => new("rfb_error", LogLevel.Warning),
        TunnelOutcome.InternalError => new("internal_error", LogLevel.Error, "internal error in xcptunnel; see its log"),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "an outcome without a description"),
    };

    /// <summary>
    /// A refusal anyone can cause by connecting (not admitted, wrong password, over a limit): logged through
    /// <see cref="RefusalLog"/>, so that many of them cannot flood the log.
    /// </summary>
    public static bool IsRefusal(TunnelOutcome outcome) =>
        outcome is TunnelOutcome.AccessDenied or TunnelOutcome.AuthenticationFailed or TunnelOutcome.OverCapacity;

    /// <summary>The label of <paramref name="outcome"/>.</summary>
    public static string Label(this TunnelOutcome outcome) => Describe(outcome).Label;

    /// <summary>How a splice that ran ended.</summary>
    public static TunnelOutcome Of(SpliceOutcome outcome) => outcome switch
    {
        SpliceOutcome.ViewerClosed => TunnelOutcome.ViewerClosed,
        SpliceOutcome.ConsoleClosed => TunnelOutcome.ConsoleClosed,
        SpliceOutcome.IdleTimeout => TunnelOutcome.IdleTimeout,
        SpliceOutcome.Cancelled => TunnelOutcome.Shutdown,
        SpliceOutcome.ViewerFailed => TunnelOutcome.ViewerError,
        SpliceOutcome.ConsoleFailed => TunnelOutcome.ConsoleError,
        _ => TunnelOutcome.ConsoleClosed,
    };

    /// <summary>How a failure before the splice ends the connection.</summary>
    public static TunnelOutcome Of(Exception failure) => failure switch
    {
        RfbViewerException e => e.Failure switch
        {
            RfbViewerFailure.TimedOut => TunnelOutcome.ViewerTimeout,
            RfbViewerFailure.Left => TunnelOutcome.ViewerLeft,
            RfbViewerFailure.ProtocolError => TunnelOutcome.ViewerProtocolError,
            _ => TunnelOutcome.AuthenticationFailed,
        },
        ConsoleResolutionException e => e.Failure switch
        {
            ConsoleResolutionFailure.VmNotFound => TunnelOutcome.VmNotFound,
            ConsoleResolutionFailure.VmAmbiguous => TunnelOutcome.VmAmbiguous,
            ConsoleResolutionFailure.VmNotRunning => TunnelOutcome.VmNotRunning,
            _ => TunnelOutcome.NoConsole,
        },
        XapiLoginException { InnerException: CertificateTrustException } => TunnelOutcome.CertificateRejected,
        XapiLoginException => TunnelOutcome.LoginFailed,
        CertificateTrustException => TunnelOutcome.CertificateRejected,
        ConsoleConnectException e => e.Failure switch
        {
            ConsoleConnectFailure.ConsoleInUse => TunnelOutcome.ConsoleInUse,
            ConsoleConnectFailure.Forbidden => TunnelOutcome.Forbidden,
            ConsoleConnectFailure.Timeout => TunnelOutcome.Timeout,
            _ => TunnelOutcome.ConnectRefused,
        },
        XapiTransportException { Failure: XapiTransportFailure.Timeout } => TunnelOutcome.Timeout,
        XapiTransportException => TunnelOutcome.HostUnreachable,
        XapiFailureException => TunnelOutcome.XapiError,
        ConsoleRfbException => TunnelOutcome.RfbError,
        _ => TunnelOutcome.InternalError,
    };
}
