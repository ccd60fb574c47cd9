using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Authentication;

namespace XcpTunnel.Protocol.Rfb.Server;

public sealed partial class RfbViewerHandshake
{
    // VeNCrypt (security type 19), version 0.2, as TigerVNC, gtk-vnc and qemu speak it (docs/rfb.md, "VeNCrypt"):
    //
    //   server → viewer  U8 0, U8 2          highest VeNCrypt version: 0.2
    //   viewer → server  U8 major, U8 minor  the version it will use (0.0: none it can)
    //   server → viewer  U8 0                that version is fine (non-zero: it is not; close)
    //   server → viewer  U8 n, n × U32       sub-types offered
    //   viewer → server  U32                 the sub-type it picks
    //   server → viewer  U8 1                sub-type accepted (0: refused; close)
    //   TLS handshake, the tunnel as server, with its certificate
    //   X509Vnc only: VNC Authentication, inside TLS
    //   SecurityResult (the verdict), inside TLS
    private const byte VeNCryptMajor = 0;
    private const byte VeNCryptMinor = 2;
    private const byte VeNCryptVersionOk = 0;
    private const byte VeNCryptVersionRefused = 255;
    private const byte VeNCryptSubTypeAccepted = 1;

    /// <summary>VeNCrypt's X.509 sub-types: TLS with the server's certificate, then None or VNC Authentication.</summary>
    internal const uint X509None = 260;

    /// <inheritdoc cref="X509None"/>
    internal const uint X509Vnc = 261;

    private async Task NegotiateVeNCryptAsync(CancellationToken cancellationToken)
    {
        await WriteAsync(new byte[] { VeNCryptMajor, VeNCryptMinor }, cancellationToken).ConfigureAwait(false);
        byte[] version = new byte[2];
        await ReadExactlyAsync(version, "VeNCrypt version", _options.MessageTimeout, cancellationToken).ConfigureAwait(false);
        if (version[0] != VeNCryptMajor || version[1] != VeNCryptMinor)
        {
            // 0.0 means the viewer speaks no version we offered; 0.1 is obsolete and not offered.
            await WriteAsync(new[] { VeNCryptVersionRefused }, cancellationToken).ConfigureAwait(false);
            throw new RfbViewerException(
                RfbViewerFailure.Unsupported, $"the viewer chose VeNCrypt {version[0]}.{version[1]}; the tunnel speaks 0.2 only");
        }

        uint offered = _security.Password is null ? X509None : X509Vnc;
        byte[] offer = new byte[2 + sizeof(uint)];
        offer[0] = VeNCryptVersionOk;
        offer[1] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(offer.AsSpan(2), offered);
        await WriteAsync(offer, cancellationToken).ConfigureAwait(false);

        byte[] choice = new byte[sizeof(uint)];
        await ReadExactlyAsync(choice, "VeNCrypt sub-type", _options.MessageTimeout, cancellationToken).ConfigureAwait(false);
        uint chosen = BinaryPrimitives.ReadUInt32BigEndian(choice);
        if (chosen != offered)
        {
            throw new RfbViewerException(
                chosen == 0 ? RfbViewerFailure.Unsupported : RfbViewerFailure.ProtocolError,
                $"the viewer chose VeNCrypt sub-type {chosen}; the tunnel offered only {offered}");
        }

        await WriteAsync(new[] { VeNCryptSubTypeAccepted }, cancellationToken).ConfigureAwait(false);
        Stream = await StartTlsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SslStream> StartTlsAsync(CancellationToken cancellationToken)
    {
        var tls = new SslStream(Stream, leaveInnerStreamOpen: true);
        using var timer = new CancellationTokenSource(_options.MessageTimeout, _options.TimeProvider);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _security.CertificateContext,
                    // TLS 1.2 only, for now: over TLS 1.3 TigerVNC 1.12's viewer (GnuTLS under its own socket
                    // loop) intermittently never reads the VNC challenge that follows the handshake (about half
                    // of the runs of ViewersEndToEndTests' X509Vnc test hung; none in 1.2). 1.2 with the
                    // platform's default AEAD suites is what TigerVNC's own server negotiates with it anyway.
                    EnabledSslProtocols = SslProtocols.Tls12,
                    ClientCertificateRequired = false,
                },
                deadline.Token).ConfigureAwait(false);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            string why = ex is OperationCanceledException ? $"no TLS handshake within {_options.MessageTimeout.TotalSeconds:0.###} s" : ex.Message;
            throw new RfbViewerException(RfbViewerFailure.TlsFailed, $"VeNCrypt TLS with the viewer failed: {why}", ex);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
