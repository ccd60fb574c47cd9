using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>Certificates for TLS tests: self-signed like xapi's default, or issued by a test CA.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned(string commonName = "xcp-test", params string[] names)
    {
        using var key = RSA.Create(2048);
        var request = HostRequest(commonName, key, names);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return Exportable(certificate);
    }

    public static X509Certificate2 CreateAuthority(string name = "XcpTunnel Test CA")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return Exportable(certificate);
    }

    public static X509Certificate2 Issue(X509Certificate2 authority, string commonName, params string[] names)
    {
        using var key = RSA.Create(2048);
        var request = HostRequest(commonName, key, names);
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Exportable(withKey);
    }

    private static CertificateRequest HostRequest(string commonName, RSA key, string[] names)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Length == 0 ? [commonName] : names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }

    // SslStream on Linux wants a certificate whose key came from a PKCS#12 import.
    private static X509Certificate2 Exportable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
}
