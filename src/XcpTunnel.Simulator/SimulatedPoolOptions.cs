using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace XcpTunnel.Simulator;

/// <summary>How <see cref="SimulatedPool.StartAsync"/> builds a pool. Defaults behave like a fresh xapi install.</summary>
public sealed class SimulatedPoolOptions
{
    /// <summary>Number of IPv4 hosts (host <c>i</c> listens on <c>127.0.0.(i+1)</c>); the first is the coordinator. At least 1.</summary>
    public int HostCount { get; init; } = 1;

    /// <summary>The user created at start with the pool-admin role (xapi's <c>root</c>).</summary>
    public string UserName { get; init; } = "root";

    /// <summary>The password of <see cref="UserName"/>.</summary>
    public string Password { get; init; } = "xenroot";

    /// <summary>xapi's deliberate delay before answering <c>SESSION_AUTHENTICATION_FAILED</c> (5 s); tests set it small.</summary>
    public TimeSpan LoginFailureDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A session unused for this long dies (xapi: 24 h).</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Clock for session expiry, the header timeout, <c>event.from</c> waits and the login failure delay.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Adds one more host listening on <c>[::1]</c> (same port as the others).</summary>
    public bool IncludeIpv6Host { get; init; }

    /// <summary>Time allowed for the TLS handshake and for a request head to arrive (xapi: 10 s, then 408).</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the simulator logs; none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Makes each host's certificate. Default: xapi's default certificate for <see cref="Version"/>, self-signed
    /// RSA-2048, valid 10 years; CN = host name with SANs for the name and the IP address, or on 8.2 CN = the host's
    /// FQDN (<c>host2.xcp.test</c>) with that DNS name only. The certificate must carry its private key.
    /// </summary>
    public Func<SimulatedHostIdentity, X509Certificate2>? CertificateFactory { get; init; }

    /// <summary>
    /// Serve plain HTTP behind a TLS front end, as xapi does behind stunnel (docs/xapi-console-protocol.md, "The TLS
    /// front end"): each host listens without TLS and expects every connection to start with a PROXY protocol v1 line
    /// (stunnel's <c>protocol = proxy</c>). <see cref="PublicPort"/> is then the front end's port, which host URLs and
    /// console locations name; <see cref="SimulatedHost.ListenPort"/> is where the front end connects to.
    /// </summary>
    public bool BehindProxy { get; init; }

    /// <summary>With <see cref="BehindProxy"/>: the port clients reach the hosts on (the front end's <c>accept</c> port).</summary>
    public int PublicPort { get; init; }

    /// <summary>The xapi version the hosts behave as. Default 24.19 (XCP-ng 8.3).</summary>
    public SimulatedXapiVersion Version { get; init; } = SimulatedXapiVersion.XcpNg83;

    /// <summary>Per-user session cap before the oldest session is destroyed (xapi: 500; root is counted per originator).</summary>
    public int MaxSessionsPerUser { get; init; } = 500;

    /// <summary>Session cap for root sessions logged in without an originator (xapi: 400).</summary>
    public int MaxSessionsWithoutOriginator { get; init; } = 400;
}
