namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>
/// Logging in to a pool failed. <see cref="Exception.InnerException"/> is the cause: an
/// <see cref="XapiFailureException"/> (wrong credentials), an <see cref="XapiTransportException"/>
/// (no URL reachable) or a <see cref="Tls.CertificateTrustException"/>.
/// </summary>
public sealed class XapiLoginException : XcpTunnelException
{
    /// <summary>Creates the exception.</summary>
    public XapiLoginException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
