namespace XcpTunnel.Protocol;

/// <summary>
/// The stages of opening a console, in order, as <see cref="IStageObserver"/> hears them. The names are a stable API:
/// the probe's perfdata and the probe metrics' <c>stage</c> label use them.
/// </summary>
public static class ConnectionStages
{
    /// <summary>Resolving the VM and its console through XAPI, including a login when the pool had no live session.</summary>
    public const string Xapi = "xapi";

    /// <summary>TCP connect and the TLS handshake with the console's host.</summary>
    public const string Tls = "tls";

    /// <summary>From sending <c>CONNECT /console</c> until its 200 reply and headers were read.</summary>
    public const string Connect = "connect";

    /// <summary>The server's RFB ProtocolVersion until the client's reply was sent.</summary>
    public const string RfbVersion = "rfb_version";

    /// <summary>The security handshake, including a SecurityResult when there is one.</summary>
    public const string Security = "security";

    /// <summary>From ClientInit (shared) until ServerInit was read.</summary>
    public const string ServerInit = "server_init";
}
