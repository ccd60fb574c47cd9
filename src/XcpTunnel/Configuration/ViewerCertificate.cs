using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Configuration;

/// <summary>Loads a tunnel's <c>ViewerTls</c> certificate and key (PEM), reporting every problem under its key.</summary>
internal static class ViewerCertificate
{
    /// <summary>The certificate with its private key, and the intermediate certificates that followed it in the file.</summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection Chain)? Load(ConfigSection tls, string? certificateFile, string? keyFile)
    {
        var diagnostics = tls.Diagnostics;
        var certificateKey = tls.Key("CertificateFile");
        var keyKey = tls.Key("KeyFile");
        var present = Require(certificateFile, certificateKey, "the PEM certificate viewers are shown", diagnostics)
            & Require(keyFile, keyKey, "the PEM private key of CertificateFile", diagnostics);
        if (!present)
        {
            return null;
        }

        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(certificateFile!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            diagnostics.Error(certificateKey, Describe(certificateFile!, e, "certificate"));
            return null;
        }

        if (chain.Count == 0)
        {
            diagnostics.Error(certificateKey, $"{certificateFile} holds no PEM certificate");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificateFile!, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            diagnostics.Error(keyKey, Describe(keyFile!, e, "private key of " + certificateFile));
            return null;
        }

        chain.RemoveAt(0);
        if (certificate.NotAfter < DateTime.Now)
        {
            diagnostics.Warn($"{certificateKey}: the certificate in {certificateFile} expired on {certificate.NotAfter:yyyy-MM-dd}; viewers will refuse it");
        }

        return (certificate, chain);
    }

    private static bool Require(string? file, string key, string what, ConfigDiagnostics diagnostics)
    {
        if (file is not null)
        {
            return true;
        }

        diagnostics.Error(key, $"missing; {what}");
        return false;
    }

    private static string Describe(string file, Exception e, string what) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"{file}: no such file",
        IOException or UnauthorizedAccessException => $"cannot read {file}: {e.Message}",
        _ => $"{file} holds no usable PEM {what}: {e.Message}",
    };
}
