namespace XcpTunnel.Protocol.Xapi;

/// <summary>Why an RPC or a connection to a host failed below the XAPI level.</summary>
public enum XapiTransportFailure
{
    /// <summary>The host name did not resolve.</summary>
    NameResolution,

    /// <summary>The host refused the TCP connection (nothing listens there).</summary>
    ConnectionRefused,

    /// <summary>A stage did not finish within its deadline.</summary>
    Timeout,

    /// <summary>The TLS handshake failed for a reason other than trust (protocol, cipher, reset).</summary>
    TlsHandshake,

    /// <summary>The HTTP reply had a status that the call cannot use (such as 404 for an RPC endpoint).</summary>
    HttpStatus,

    /// <summary>The reply was not valid JSON-RPC / XML-RPC / HTTP.</summary>
    MalformedReply,

    /// <summary>The connection broke (reset, unreachable network, EOF mid-reply).</summary>
    ConnectionLost,

    /// <summary>The host answered in the other RPC transport (an XML reply to JSON-RPC): it does not speak the one asked for.</summary>
    WrongTransport,
}

/// <summary>
/// A host could not be reached or did not answer in XAPI's language: distinct from
/// <see cref="XapiFailureException"/>, where XAPI answered and said no.
/// </summary>
public sealed class XapiTransportException : XcpTunnelException
{
    /// <summary>Creates the exception.</summary>
    public XapiTransportException(XapiTransportFailure failure, string message, Exception? innerException = null, int? httpStatus = null)
        : base(message, innerException)
    {
        Failure = failure;
        HttpStatus = httpStatus;
    }

    /// <summary>What kind of transport failure this is.</summary>
    public XapiTransportFailure Failure { get; }

    /// <summary>The HTTP status when <see cref="Failure"/> is <see cref="XapiTransportFailure.HttpStatus"/>.</summary>
    public int? HttpStatus { get; }

    /// <summary>The client gave the connection up itself (a failover elsewhere moved the session): no news about the host.</summary>
    internal bool GivenUp { get; init; }
}
