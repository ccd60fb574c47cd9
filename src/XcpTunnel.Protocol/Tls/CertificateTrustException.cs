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

    /// <summary>
    /// Not trusted by the pool's own policy, and not the certificate the (verified) coordinator publishes for that
    /// host either: something else answers at the member's address.
    /// </summary>
    PoolMismatch,
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

    /// <summary>
    /// A member's certificate is not the one the pool publishes for it (<see cref="CertificateTrustFailure.PoolMismatch"/>);
    /// the message shows both fingerprints.
    /// </summary>
    public CertificateTrustException(string host, string memberName, CertificateFingerprint presented, CertificateFingerprint published)
        : base($"certificate of {host} is not the one the pool publishes for its host {memberName}: it presented SHA-256 {presented}, " +
               $"the pool says SHA-256 {published}")
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(published);
        Failure = CertificateTrustFailure.PoolMismatch;
        Host = host;
        Presented = presented;
        Published = published;
    }

    /// <summary>What failed.</summary>
    public CertificateTrustFailure Failure { get; }

    /// <summary>The host name or address that was connected to.</summary>
    public string Host { get; }

    /// <summary>The fingerprint of the certificate the host presented, if any.</summary>
    public CertificateFingerprint? Presented { get; }

    /// <summary>For <see cref="CertificateTrustFailure.PoolMismatch"/>: the fingerprint the pool publishes for the host.</summary>
    public CertificateFingerprint? Published { get; }

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
