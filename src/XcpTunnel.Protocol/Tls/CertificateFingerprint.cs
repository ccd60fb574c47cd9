using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Protocol.Tls;

/// <summary>
/// The SHA-256 fingerprint of a certificate's DER encoding: what a pin names and what an error shows
/// when the presented certificate is not trusted. Formats as <c>AB:CD:…</c> like
/// <c>openssl x509 -fingerprint -sha256</c>; parses hex with or without colons, in either case.
/// </summary>
public sealed class CertificateFingerprint : IEquatable<CertificateFingerprint>
{
    /// <summary>SHA-256 digest length.</summary>
    public const int Length = 32;

    private readonly byte[] _digest;

    private CertificateFingerprint(byte[] digest) => _digest = digest;

    /// <summary>Fingerprints a certificate.</summary>
    public static CertificateFingerprint Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificateFingerprint(SHA256.HashData(certificate.GetRawCertData()));
    }

    /// <summary>Parses 64 hex digits, optionally separated by colons (optionally prefixed <c>SHA256:</c>).</summary>
    /// <exception cref="FormatException">The text is not a SHA-256 fingerprint; the message says why.</exception>
    public static CertificateFingerprint Parse(string text) =>
        TryParse(text, out var fingerprint, out var error) ? fingerprint : throw new FormatException(error);

    /// <summary>Parses like <see cref="Parse"/> without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CertificateFingerprint? fingerprint, [NotNullWhen(false)] out string? error)
    {
        fingerprint = null;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed["SHA256:".Length..];
        }

        var hex = trimmed.Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length != Length * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            error = $"'{Printable(text)}' is not a SHA-256 fingerprint (expected 64 hex digits, colons optional)";
            return false;
        }

        fingerprint = new CertificateFingerprint(Convert.FromHexString(hex));
        error = null;
        return true;
    }

    /// <summary>Upper-case hex pairs separated by colons.</summary>
    public override string ToString() =>
        string.Join(':', _digest.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    public bool Equals(CertificateFingerprint? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_digest, other._digest);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CertificateFingerprint);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(_digest, 0);

    private static string Printable(string? text) =>
        text is null ? string.Empty : new string([.. text.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
}
