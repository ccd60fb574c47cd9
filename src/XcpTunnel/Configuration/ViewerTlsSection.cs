namespace XcpTunnel.Configuration;

/// <summary><c>Tunnels:NAME:ViewerTls</c>, as written: the PEM files of the tunnel's VeNCrypt certificate.</summary>
internal sealed class ViewerTlsSection
{
    public static readonly IReadOnlyList<string> Keys = [nameof(CertificateFile), nameof(KeyFile)];

    /// <summary>The certificate, followed by any intermediate certificates, PEM.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Its private key, PEM (PKCS#8, PKCS#1 or SEC1).</summary>
    public string? KeyFile { get; set; }
}
