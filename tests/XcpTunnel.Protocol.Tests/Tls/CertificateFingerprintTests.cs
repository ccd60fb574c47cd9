using System.Security.Cryptography;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Protocol.Tests.Tls;

public sealed class CertificateFingerprintTests
{
    private const string Colons = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    [Theory]
    [InlineData(Colons)]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("SHA256:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89")]
    [InlineData("  ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\n")]
    public void Parse_AcceptedForms_FormatAsUpperCaseWithColons(string text)
    {
        Assert.Equal(Colons, CertificateFingerprint.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("AB:CD")]
    [InlineData("ZZCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF012345678900")]
    [InlineData("SHA1:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public void Parse_NotAFingerprint_SaysWhatIsExpected(string text)
    {
        var error = Assert.Throws<FormatException>(() => CertificateFingerprint.Parse(text));
        Assert.Contains("64 hex digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_Certificate_IsSha256OfDer()
    {
        using var certificate = TestCertificates.SelfSigned();
        var expected = CertificateFingerprint.Parse(Convert.ToHexString(SHA256.HashData(certificate.RawData)));

        Assert.Equal(expected, CertificateFingerprint.Of(certificate));
    }
}
