using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Configuration;

/// <summary>Loads a tunnel's <c>ViewerTls</c> certificate and key (PEM), reporting every problem under its key.</summary>
internal static class ViewerCertificate
{
    /// <summary>The certificate with its private key, and the intermediate certificates that followed it in the file.</summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection Chain)? Load(ConfigSection tls, string certificateFile, string keyFile)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(certificateFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            tls.Error("CertificateFile", Describe(certificateFile, e, "certificate"));
            return null;
        }

        if (chain.Count == 0)
        {
            tls.Error("CertificateFile", $"{certificateFile} holds no PEM certificate");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            tls.Error("KeyFile", Describe(keyFile, e, "private key of " + certificateFile));
            return null;
        }

        chain.RemoveAt(0);
        if (certificate.NotAfter < DateTime.Now)
        {
            tls.Diagnostics.Warn($"{tls.Key("CertificateFile")}: the certificate in {certificateFile} expired on {certificate.NotAfter:yyyy-MM-dd}; viewers will refuse it");
        }

        return (certificate, chain);
    }

    private static string Describe(string file, Exception e, string what) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"{file}: no such file",
        IOException or UnauthorizedAccessException => $"cannot read {file}: {e.Message}",
        _ => $"{file} holds no usable PEM {what}: {e.Message}",
    };
}
