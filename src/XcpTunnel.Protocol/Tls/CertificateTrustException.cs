namespace XcpTunnel.Protocol.Tls;

/// <summary>Why a host's certificate was not trusted.</summary>
public enum CertificateTrustFailure
{
    /// <summary>The certificate's SHA-256 fingerprint matches none of the pins.</summary>
    PinMismatch,

    /// <summary>The chain does not lead to the configured CA (or the system store).</summary>
    UntrustedChain,

    /// <summary>The chain is trusted but the certificate does not name the host.</summary>
    NameMismatch,

    /// <summary>The host presented no certificate.</summary>
    NoCertificate,
}

/// <summary>
/// A host's TLS certificate failed the trust policy. The message names the host and shows the
/// presented certificate's fingerprint, so the user can compare it and pin it on purpose.
/// </summary>
public sealed class CertificateTrustException : XcpTunnelException
{
    /// <summary>Creates the exception.</summary>
    public CertificateTrustException(CertificateTrustFailure failure, string host, CertificateFingerprint? presented, string? detail = null)
        : base(Describe(failure, host, presented, detail))
    {
        Failure = failure;
        Host = host;
        Presented = presented;
    }

    /// <summary>What failed.</summary>
    public CertificateTrustFailure Failure { get; }

    /// <summary>The host name or address that was connected to.</summary>
    public string Host { get; }

    /// <summary>The fingerprint of the certificate the host presented, if any.</summary>
    public CertificateFingerprint? Presented { get; }

    private static string Describe(CertificateTrustFailure failure, string host, CertificateFingerprint? presented, string? detail)
    {
        var what = failure switch
        {
            CertificateTrustFailure.PinMismatch => $"certificate of {host} does not match the pinned fingerprint",
            CertificateTrustFailure.UntrustedChain => $"certificate of {host} is not signed by a trusted CA",
            CertificateTrustFailure.NameMismatch => $"certificate of {host} does not name {host}",
            _ => $"{host} presented no TLS certificate",
        };
        var shown = presented is null ? string.Empty : $"; it presented SHA-256 {presented}";
        var why = string.IsNullOrEmpty(detail) ? string.Empty : $" ({detail})";
        return what + why + shown;
    }
}
