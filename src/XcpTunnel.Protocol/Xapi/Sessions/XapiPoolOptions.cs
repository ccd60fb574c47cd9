using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>How to reach and log in to one pool.</summary>
public sealed record XapiPoolOptions
{
    /// <summary>The pool's name in the configuration; used in messages and logs.</summary>
    public required string Name { get; init; }

    /// <summary>The first URL to log in at (normally the coordinator), <c>https://host[:port]</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>Further URLs tried in order when <see cref="Url"/> cannot be reached.</summary>
    public ValueList<Uri> FallbackUrls { get; init; } = [];

    /// <summary>The XAPI user.</summary>
    public required string UserName { get; init; }

    /// <summary>The XAPI password (redacts itself).</summary>
    public required XapiPassword Password { get; init; }

    /// <summary>How host certificates are trusted.</summary>
    public required TlsTrustPolicy Trust { get; init; }

    /// <summary>RPC wire format.</summary>
    public XapiTransport Transport { get; init; } = XapiTransport.Auto;

    /// <summary>Sent as <c>originator</c> on login: xapi keeps a separate session quota per originator.</summary>
    public string Originator { get; init; } = "xcptunnel";

    /// <summary>Deadline for TCP connects, to the API and to consoles.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TlsConnector.DefaultConnectTimeout;

    /// <summary>Deadline for TLS handshakes.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TlsConnector.DefaultHandshakeTimeout;

    /// <summary>Deadline for one RPC. Longer than xapi's 5 s delay on a failed login.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a failed login, further logins fail at once with the same reason for this long, so a
    /// burst of viewers cannot hammer a pool with a wrong password (xapi itself delays each by 5 s).
    /// </summary>
    public TimeSpan FailedLoginBackoff { get; init; } = TimeSpan.FromSeconds(5);
}
