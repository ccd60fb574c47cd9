using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Simulator;

/// <summary>
/// The TLS policy of xapi's stunnel front end (docs/xapi-console-protocol.md, "The TLS front end"): TLS 1.2 only, two ECDHE-RSA AES-GCM suites.
/// </summary>
/// <remarks>
/// xapi also restricts the key exchange to secp384r1. .NET has no API to choose the server's groups, so the
/// simulator offers OpenSSL's defaults: a client that offers only other curves succeeds here but fails against a
/// real host (see "The TLS front end" in docs/xapi-console-protocol.md; the tests also run a real stunnel with that policy).
/// </remarks>
internal static class XapiTlsPolicy
{
    public static SslServerAuthenticationOptions CreateServerOptions(X509Certificate2 certificate)
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true),
            EnabledSslProtocols = SslProtocols.Tls12,
            ClientCertificateRequired = false,
            AllowRenegotiation = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        // CipherSuitesPolicy exists on OpenSSL platforms only; elsewhere the OS defaults apply (documented gap).
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy(
            [
                TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            ]);
        }

        return options;
    }
}
