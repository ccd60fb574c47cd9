using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Protocol.Tls;

/// <summary>How a pool's certificates are trusted: exactly one of these per pool (README, Configuration reference).</summary>
public enum TlsTrustMode
{
    /// <summary>The certificate's SHA-256 fingerprint must match one of the pins.</summary>
    Pinned,

    /// <summary>The chain must lead to a CA from the configured file and the certificate must name the host.</summary>
    CertificateAuthority,

    /// <summary>The operating system's trust store and host name check (CA-signed pool certificates).</summary>
    SystemStore,

    /// <summary>No verification: an explicit opt-out, warned about by the daemon.</summary>
    Insecure,
}

/// <summary>
/// Decides whether a host's certificate is trusted. Every existing console client skips this;
/// XcpTunnel does not (docs/xapi-console-protocol.md, "Certificates of members").
/// </summary>
public sealed class TlsTrustPolicy : IEquatable<TlsTrustPolicy>
{
    private readonly CertificateFingerprint[] _pins;
    private readonly X509Certificate2Collection _authorities;

    private TlsTrustPolicy(TlsTrustMode mode, CertificateFingerprint[] pins, X509Certificate2Collection authorities)
    {
        Mode = mode;
        _pins = pins;
        _authorities = authorities;
    }

    /// <summary>The trust mode.</summary>
    public TlsTrustMode Mode { get; }

    /// <summary>The pins, for <see cref="TlsTrustMode.Pinned"/>.</summary>
    public IReadOnlyList<CertificateFingerprint> Pins => _pins;

    /// <summary>The system trust store with host name check.</summary>
    public static TlsTrustPolicy SystemStore { get; } = new(TlsTrustMode.SystemStore, [], []);

    /// <summary>Trust anything. Only for an explicit user opt-out.</summary>
    public static TlsTrustPolicy Insecure { get; } = new(TlsTrustMode.Insecure, [], []);

    /// <summary>Trust certificates whose SHA-256 fingerprint is one of <paramref name="pins"/>.</summary>
    public static TlsTrustPolicy Pinned(IEnumerable<CertificateFingerprint> pins)
    {
        CertificateFingerprint[] all = [.. pins ?? throw new ArgumentNullException(nameof(pins))];
        return all.Length == 0
            ? throw new ArgumentException("at least one fingerprint is needed", nameof(pins))
            : new TlsTrustPolicy(TlsTrustMode.Pinned, all, []);
    }

    /// <summary>Trust chains that lead to one of <paramref name="authorities"/> and name the host.</summary>
    public static TlsTrustPolicy CertificateAuthority(X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        return authorities.Count == 0
            ? throw new ArgumentException("at least one CA certificate is needed", nameof(authorities))
            : new TlsTrustPolicy(TlsTrustMode.CertificateAuthority, [], authorities);
    }

    /// <summary>Reads PEM CA certificates from <paramref name="path"/> for <see cref="CertificateAuthority(X509Certificate2Collection)"/>.</summary>
    /// <exception cref="InvalidDataException">The file holds no PEM certificate.</exception>
    public static TlsTrustPolicy FromCaFile(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        return authorities.Count == 0
            ? throw new InvalidDataException($"{path} holds no PEM certificate")
            : CertificateAuthority(authorities);
    }

    /// <summary>
    /// Whether <paramref name="other"/> trusts exactly the same certificates: same mode, same pins, same CA
    /// certificates (by content, so a CA file rewritten between two reads counts as a change).
    /// </summary>
    public bool Equals(TlsTrustPolicy? other) =>
        other is not null
        && Mode == other.Mode
        && _pins.ToHashSet().SetEquals(other._pins)
        && _authorities.Select(c => Convert.ToHexString(c.RawData)).ToHashSet(StringComparer.Ordinal)
            .SetEquals(other._authorities.Select(c => Convert.ToHexString(c.RawData)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TlsTrustPolicy);

    /// <inheritdoc/>
    public override int GetHashCode() => Mode.GetHashCode();

    /// <summary>
    /// Checks the certificate <paramref name="host"/> presented. Returns null when it is trusted,
    /// else the failure to throw (with the presented fingerprint).
    /// </summary>
    internal CertificateTrustException? Check(string host, X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Mode == TlsTrustMode.Insecure)
        {
            return null;
        }

        if (presented is null)
        {
            return new CertificateTrustException(CertificateTrustFailure.NoCertificate, host, null);
        }

        var fingerprint = CertificateFingerprint.Of(presented);
        return Mode switch
        {
            TlsTrustMode.Pinned => _pins.Contains(fingerprint)
                ? null
                : new CertificateTrustException(CertificateTrustFailure.PinMismatch, host, fingerprint),
            TlsTrustMode.CertificateAuthority => CheckAuthority(host, presented, chain, fingerprint),
            _ => CheckSystemStore(host, errors, fingerprint),
        };
    }

    private CertificateTrustException? CheckAuthority(string host, X509Certificate presented, X509Chain? presentedChain, CertificateFingerprint fingerprint)
    {
        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // Pool CAs are usually private: they publish no revocation lists the daemon could reach.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return new CertificateTrustException(CertificateTrustFailure.UntrustedChain, host, fingerprint, status);
        }

        return certificate.MatchesHostname(host)
            ? null
            : new CertificateTrustException(CertificateTrustFailure.NameMismatch, host, fingerprint);
    }

    private static CertificateTrustException? CheckSystemStore(string host, SslPolicyErrors errors, CertificateFingerprint fingerprint)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            return new CertificateTrustException(CertificateTrustFailure.UntrustedChain, host, fingerprint);
        }

        return errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            ? new CertificateTrustException(CertificateTrustFailure.NameMismatch, host, fingerprint)
            : null;
    }
}
