namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// The server refused the client: a security failure greeting, a failed SecurityResult, or a server that
/// demands authentication the client cannot give. <see cref="Exception.Message"/> carries the server's reason.
/// </summary>
public sealed class RfbAuthenticationException : XcpTunnelException
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public RfbAuthenticationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
