namespace XcpTunnel.Protocol;

/// <summary>
/// Base of every failure XcpTunnel.Protocol reports on purpose. <see cref="Exception.Message"/> is one
/// sentence fit to show a user (or a VNC viewer, as an RFB failure reason); it never contains a
/// password or a session reference.
/// </summary>
public abstract class XcpTunnelException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    protected XcpTunnelException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
