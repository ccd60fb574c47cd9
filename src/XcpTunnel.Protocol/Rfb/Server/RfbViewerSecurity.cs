using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Protocol.Rfb.Server;

/// <summary>
/// What a viewer must do in the security phase before the tunnel opens a console for it: nothing (None), give a
/// VNC password (VNC Authentication), or speak TLS with the tunnel's certificate first (VeNCrypt X509None, or
/// X509Vnc with a password inside TLS).
/// </summary>
public sealed class RfbViewerSecurity : IEquatable<RfbViewerSecurity>
{
    private RfbViewerSecurity(RfbPassword? password, X509Certificate2? certificate, X509Certificate2Collection? chain)
    {
        Password = password;
        Certificate = certificate;

        // Built once per tunnel, not per viewer: it holds the chain sent in every handshake.
        CertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, chain, offline: true);
    }

    /// <summary>Security type None: any viewer the caller admitted goes straight on.</summary>
    public static RfbViewerSecurity None { get; } = new(null, null, null);

    /// <summary>The password the viewer must know; null when none is asked.</summary>
    public RfbPassword? Password { get; }

    /// <summary>The certificate (with its private key) of VeNCrypt's TLS; null for a plain viewer connection.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>VNC Authentication (RFC 6143 §7.2.2) with <paramref name="password"/>.</summary>
    public static RfbViewerSecurity VncAuthentication(RfbPassword password) =>
        new(password ?? throw new ArgumentNullException(nameof(password)), null, null);

    /// <summary>
    /// VeNCrypt: TLS with <paramref name="certificate"/> (and the intermediate certificates in
    /// <paramref name="chain"/>), then VNC Authentication inside TLS when <paramref name="password"/> is given.
    /// </summary>
    public static RfbViewerSecurity VeNCrypt(X509Certificate2 certificate, X509Certificate2Collection? chain, RfbPassword? password) =>
        new(password, certificate ?? throw new ArgumentNullException(nameof(certificate)), chain);

    /// <summary>What the TLS handshake sends: the certificate and its chain.</summary>
    internal SslStreamCertificateContext? CertificateContext { get; }

    /// <summary>The one security type offered to the viewer.</summary>
    public RfbSecurityType Type =>
        Certificate is not null ? RfbSecurityType.VeNCrypt
        : Password is not null ? RfbSecurityType.VncAuthentication
        : RfbSecurityType.None;

    /// <summary>
    /// The same password and the same certificate (by thumbprint): a configuration reload compares them, and a new
    /// password or certificate file's content is a change.
    /// </summary>
    public bool Equals(RfbViewerSecurity? other) =>
        other is not null
        && Equals(Password, other.Password)
        && string.Equals(Certificate?.Thumbprint, other.Certificate?.Thumbprint, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RfbViewerSecurity);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Password, Certificate?.Thumbprint);
}
