using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Tests.Configuration;

public sealed class TrustSettingsTests : IDisposable
{
    private const string PinWithoutColons = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ConfigDirectory.Pin)]
    [InlineData(PinWithoutColons)]
    [InlineData("SHA256:" + PinWithoutColons)]
    public void Fingerprint_WithOrWithoutColons_IsOnePin(string text)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["TlsFingerprint"] = text;

        var trust = ConfigAssert.Loaded(_dir.Load(config)).Pools["lab"].Trust;

        Assert.Equal(TlsTrustMode.Pinned, trust.Mode);
        Assert.Equal(CertificateFingerprint.Parse(text), Assert.Single(trust.Pins));
    }

    [Theory]
    [InlineData(ConfigDirectory.Pin + "," + PinWithoutColons)]
    [InlineData(ConfigDirectory.Pin + ", " + PinWithoutColons)]
    [InlineData(ConfigDirectory.Pin + "\n  " + PinWithoutColons + " ")]
    public void Fingerprint_SeveralPins_SeparatedByCommasOrWhiteSpace(string text)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["TlsFingerprint"] = text;

        var trust = ConfigAssert.Loaded(_dir.Load(config)).Pools["lab"].Trust;

        Assert.Equal([CertificateFingerprint.Parse(ConfigDirectory.Pin), CertificateFingerprint.Parse(PinWithoutColons)], trust.Pins);
    }

    [Fact]
    public void Fingerprint_Bad_IsAnErrorWithTheParsersMessage()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["TlsFingerprint"] = ConfigDirectory.Pin + ",AB:CD";
        Assert.False(CertificateFingerprint.TryParse("AB:CD", out _, out var expected));

        Assert.Equal(expected, ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:TlsFingerprint"));
    }

    [Fact]
    public void NoTrustKey_MeansTheSystemStore()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal(TlsTrustMode.SystemStore, settings.Pools["lab"].Trust.Mode);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void Insecure_IsAllowedWithAWarning()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");
        ConfigDirectory.Lab(config)["Insecure"] = true;

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal(TlsTrustMode.Insecure, settings.Pools["lab"].Trust.Mode);
        Assert.Equal(["pool lab: TLS verification is OFF (Insecure: true)"], settings.Warnings);
    }

    [Fact]
    public void InsecureFromEnvironment_IsAllowedWithAWarning()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");
        var environment = new Dictionary<string, string?> { ["XCPTUNNEL_Pools__lab__Insecure"] = "true" };

        var settings = ConfigAssert.Loaded(_dir.Load(config, environment));

        Assert.Equal(TlsTrustMode.Insecure, settings.Pools["lab"].Trust.Mode);
        Assert.Single(settings.Warnings);
    }

    [Fact]
    public void FingerprintAndInsecure_IsAnErrorNamingBothKeys()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Insecure"] = true;

        var message = ConfigAssert.SingleError(_dir.Load(config), "Pools:lab");

        Assert.StartsWith("TlsFingerprint and Insecure are both set", message);
    }

    [Fact]
    public void AllThreeTrustKeys_IsOneErrorNamingThemAll()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Insecure"] = true;
        ConfigDirectory.Lab(config)["CaFile"] = WriteCaFile();

        var message = ConfigAssert.SingleError(_dir.Load(config), "Pools:lab");

        Assert.StartsWith("TlsFingerprint and CaFile and Insecure are all set", message);
    }

    [Fact]
    public void CaFile_WithAPemCertificate_TrustsThatAuthority()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");
        ConfigDirectory.Lab(config)["CaFile"] = "ca.pem";
        WriteCaFile();

        Assert.Equal(TlsTrustMode.CertificateAuthority, ConfigAssert.Loaded(_dir.Load(config)).Pools["lab"].Trust.Mode);
    }

    [Fact]
    public void CaFile_Missing_IsAnErrorWithItsKey()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");
        ConfigDirectory.Lab(config)["CaFile"] = "/nonexistent/ca.pem";

        Assert.Equal("/nonexistent/ca.pem: no such file", ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:CaFile"));
    }

    [Fact]
    public void CaFile_WithoutPem_IsAnErrorWithItsKey()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");
        ConfigDirectory.Lab(config)["CaFile"] = _dir.WriteFile("ca.pem", "not a certificate\n");

        Assert.StartsWith("cannot use", ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:CaFile"));
    }

    [Fact]
    public void Insecure_NotABoolean_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Insecure"] = "sometimes";

        ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:Insecure");
    }

    private string WriteCaFile()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test Pool CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return _dir.WriteFile("ca.pem", certificate.ExportCertificatePem() + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }
}
