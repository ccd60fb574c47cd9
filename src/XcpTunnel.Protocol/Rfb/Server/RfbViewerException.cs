namespace XcpTunnel.Protocol.Rfb.Server;

/// <summary>Why the viewer's side of a handshake failed: each is the viewer's doing, not the console's.</summary>
public enum RfbViewerFailure
{
    /// <summary>The viewer sent nothing (or not all of a message) within the stage's deadline.</summary>
    TimedOut,

    /// <summary>The viewer closed or reset the connection during the handshake.</summary>
    Left,

    /// <summary>The viewer sent bytes that are not the RFB handshake, or chose something that was not offered.</summary>
    ProtocolError,

    /// <summary>The viewer gave the wrong VNC password.</summary>
    AuthenticationFailed,

    /// <summary>The viewer could not complete VeNCrypt's TLS handshake (or refused the certificate).</summary>
    TlsFailed,

    /// <summary>The viewer cannot meet the tunnel's security (an RFB 3.3 viewer and VeNCrypt, say).</summary>
    Unsupported,
}

/// <summary>The viewer's side of the RFB handshake failed; <see cref="Failure"/> says how.</summary>
public sealed class RfbViewerException : XcpTunnelException
{
    /// <summary>Creates the exception with a message for the log.</summary>
    public RfbViewerException(RfbViewerFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>How the viewer failed.</summary>
    public RfbViewerFailure Failure { get; }
}
