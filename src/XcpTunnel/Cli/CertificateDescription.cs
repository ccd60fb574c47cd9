using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Cli;

/// <summary>What <c>xcptunnel trust</c> shows about a certificate, enough to recognise it before pinning it.</summary>
internal static class CertificateDescription
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";

    public static void Write(X509Certificate2 certificate, string endpoint, TimeProvider time, TextWriter output)
    {
        var (dnsNames, addresses) = AlternativeNames(certificate);
        var issuer = certificate.Issuer == certificate.Subject ? $"{certificate.Issuer} (self-signed)" : certificate.Issuer;
        output.WriteLine($"Certificate presented by {endpoint} (not verified):");
        Field("Subject", certificate.Subject);
        Field("Issuer", issuer);
        Field("DNS names", dnsNames.Count == 0 ? "-" : string.Join(", ", dnsNames));
        Field("IP addresses", addresses.Count == 0 ? "-" : string.Join(", ", addresses));
        Field("Not before", Format(certificate.NotBefore));
        Field("Not after", Format(certificate.NotAfter));
        Field("SHA-256", CertificateFingerprint.Of(certificate).ToString());

        var now = time.GetUtcNow().UtcDateTime;
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            output.WriteLine($"Warning: this certificate expired on {Format(certificate.NotAfter)}.");
        }
        else if (now < certificate.NotBefore.ToUniversalTime())
        {
            output.WriteLine($"Warning: this certificate is not valid before {Format(certificate.NotBefore)} (check the host's clock).");
        }

        void Field(string name, string value) => output.WriteLine($"  {name + ":",-14}{value}");
    }

    private static (List<string> DnsNames, List<string> Addresses) AlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == SubjectAlternativeNameOid);
        if (extension is null)
        {
            return ([], []);
        }

        var names = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
        return ([.. names.EnumerateDnsNames()], [.. names.EnumerateIPAddresses().Select(a => a.ToString())]);
    }

    private static string Format(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
