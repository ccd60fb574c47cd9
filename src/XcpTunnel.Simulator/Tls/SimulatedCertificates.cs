using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Simulator;

/// <summary>
/// xapi's default host certificate: self-signed RSA-2048, 10 years. 8.3 and later: CN = host name, SANs for the name
/// and the IP. 8.2: CN = the host's FQDN and a DNS SAN only, so host-name checks against the IP in a console location
/// fail (docs/xapi-console-protocol.md, "Certificates of members").
/// </summary>
internal static class SimulatedCertificates
{
    /// <summary>The domain of the simulated hosts' FQDNs (<c>host2.xcp.test</c>).</summary>
    public const string Domain = "xcp.test";

    // RSA-2048 key generation costs 50–500 ms on a small machine and a test run starts many pools, so every
    // default certificate of the process shares one key. Certificates still differ (serial, subject, SANs), so
    // their fingerprints differ and pinning behaves as with real hosts. Supply CertificateFactory for distinct keys.
    private static readonly Lazy<RSA> SharedKey = new(() => RSA.Create(2048));

    public static X509Certificate2 CreateDefault(SimulatedHostIdentity identity) => Create(identity, SimulatedXapiVersion.XcpNg83);

    public static X509Certificate2 Create(SimulatedHostIdentity identity, SimulatedXapiVersion version)
    {
        bool dnsOnly = version == SimulatedXapiVersion.XcpNg82;
        string name = dnsOnly ? identity.NameLabel + "." + Domain : identity.NameLabel;
        var request = new CertificateRequest(
            new X500DistinguishedName("CN=" + name), SharedKey.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        if (!dnsOnly)
        {
            san.AddIpAddress(identity.Address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));

        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 publicOnly = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(SharedKey.Value, RSASignaturePadding.Pkcs1),
            now.AddMinutes(-5), now.AddYears(10), serial);
        using X509Certificate2 withKey = publicOnly.CopyWithPrivateKey(SharedKey.Value);

        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform (ephemeral keys are not on Windows).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
