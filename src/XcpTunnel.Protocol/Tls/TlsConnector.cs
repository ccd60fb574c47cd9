using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Tls;

/// <summary>
/// Opens TCP and then TLS to an XAPI host, under a trust policy, with a deadline for each stage.
/// Both the RPC client and the console CONNECT go through here, so both verify the same way.
/// </summary>
public sealed class TlsConnector
{
    /// <summary>Default deadline for the TCP connect.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default deadline for the TLS handshake.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _handshakeTimeout;
    private readonly PoolMembers? _pool;

    /// <summary>Creates a connector for one trust policy.</summary>
    /// <param name="trust">How certificates are trusted.</param>
    /// <param name="connectTimeout">Deadline for the TCP connect.</param>
    /// <param name="handshakeTimeout">Deadline for the TLS handshake.</param>
    /// <param name="pool">
    /// What a verified coordinator said about its hosts: a host whose certificate <paramref name="trust"/> does not
    /// accept is still trusted when it presents exactly the certificate the pool publishes for it, and refused with
    /// both fingerprints when the pool publishes another (docs/xapi-console-protocol.md, "Certificates of members").
    /// </param>
    public TlsConnector(TlsTrustPolicy trust, TimeSpan? connectTimeout = null, TimeSpan? handshakeTimeout = null, PoolMembers? pool = null)
    {
        Trust = trust ?? throw new ArgumentNullException(nameof(trust));
        _connectTimeout = connectTimeout ?? DefaultConnectTimeout;
        _handshakeTimeout = handshakeTimeout ?? DefaultHandshakeTimeout;
        _pool = pool;
    }

    /// <summary>The policy every certificate is checked against.</summary>
    public TlsTrustPolicy Trust { get; }

    /// <summary>
    /// Connects to <paramref name="host"/> (a DNS name or an IPv4/IPv6 literal without brackets) and
    /// completes a TLS 1.2+ handshake whose certificate passes <see cref="Trust"/>.
    /// </summary>
    /// <exception cref="XapiTransportException">TCP or TLS failed (refused, DNS, timeout, handshake).</exception>
    /// <exception cref="CertificateTrustException">The certificate is not trusted; the message shows its fingerprint.</exception>
    public async Task<SslStream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = await ConnectTcpAsync(host, port, _connectTimeout, cancellationToken).ConfigureAwait(false);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await AuthenticateAsync(tls, host, port, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a TCP connection with Nagle off (keystrokes are small and latency-bound).</summary>
    /// <exception cref="XapiTransportException">Refused, unresolvable, unreachable, or not connected within <paramref name="timeout"/>; the message names the address.</exception>
    public static async Task<Socket> ConnectTcpAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        EndPoint endPoint = IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : new DnsEndPoint(host, port);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new XapiTransportException(
                XapiTransportFailure.Timeout,
                $"connecting to {HostPort.Format(host, port)} timed out after {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw SocketFailure(ex, host, port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AuthenticateAsync(SslStream tls, string host, int port, CancellationToken cancellationToken)
    {
        CertificateTrustException? rejection = null;
        var options = new SslClientAuthenticationOptions
        {
            // .NET sends SNI only when the target is a DNS name, never for an IP literal.
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            AllowRenegotiation = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                rejection = CheckWithPool(Trust.Check(host, certificate, chain, errors), host);
                return rejection is null;
            },
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_handshakeTimeout);
        try
        {
            await tls.AuthenticateAsClientAsync(options, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new XapiTransportException(
                XapiTransportFailure.Timeout,
                $"TLS handshake with {HostPort.Format(host, port)} timed out after {_handshakeTimeout.TotalSeconds:0.#} s");
        }
        catch (AuthenticationException ex)
        {
            if (rejection is not null)
            {
                throw rejection;
            }

            throw new XapiTransportException(
                XapiTransportFailure.TlsHandshake,
                $"TLS handshake with {HostPort.Format(host, port)} failed: {ex.Message}",
                ex);
        }
        catch (IOException ex)
        {
            throw new XapiTransportException(
                XapiTransportFailure.ConnectionLost,
                $"{HostPort.Format(host, port)} closed the connection during the TLS handshake",
                ex);
        }
    }

    // A console is reached by the IP in its location: CA and system-store names fail there (8.2 and most CA-signed
    // certificates name DNS names only), and a pin set usually covers the coordinator only. The coordinator, verified
    // by the policy, publishes each host's certificate; that is what a member must present.
    private CertificateTrustException? CheckWithPool(CertificateTrustException? rejection, string host)
    {
        if (rejection?.Presented is not { } presented || _pool?.FindByAddress(host) is not { Certificate: { } published } member)
        {
            return rejection;
        }

        return presented.Equals(published) ? null : new CertificateTrustException(host, member.NameLabel, presented, published);
    }

    private static XapiTransportException SocketFailure(SocketException ex, string host, int port)
    {
        var where = HostPort.Format(host, port);
        return ex.SocketErrorCode switch
        {
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData =>
                new XapiTransportException(XapiTransportFailure.NameResolution, $"cannot resolve host name {host}", ex),
            SocketError.ConnectionRefused =>
                new XapiTransportException(XapiTransportFailure.ConnectionRefused, $"{where} refused the connection", ex),
            SocketError.TimedOut =>
                new XapiTransportException(XapiTransportFailure.Timeout, $"connecting to {where} timed out", ex),
            _ => new XapiTransportException(XapiTransportFailure.ConnectionLost, $"cannot reach {where}: {ex.Message}", ex),
        };
    }
}
