using System.Security.Cryptography.X509Certificates;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// The TigerVNC viewer options later tests need (-passwd, VeNCrypt with -X509CA), checked against a real
/// Xvnc: what TigerVNC 1.12 accepts, and how it asks when a certificate does not check out.
/// </summary>
public sealed class TigerVncOptionsTests
{
    private const string Password = "s3cret!";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);
    private static readonly RgbColour Teal = RgbColour.Parse("#008080");

    [Fact]
    public async Task PasswordFile_AgainstXvncWithVncAuth_ShowsTheDesktop()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-tigervnc-test-");
        var password = await VncPasswordFile.CreateAsync(files, Password, CancellationToken.None).WaitAsync(TestTimeout);
        var security = new XvncSecurity { SecurityTypes = ["VncAuth"], PasswordFile = password };
        await using var server = await XvncServer.StartAsync(Teal, 640, 480, security, CancellationToken.None).WaitAsync(TestTimeout);

        await using var viewer = await TigerVncViewer.StartAsync(server.Host, server.Port, new TigerVncOptions { PasswordFile = password }, CancellationToken.None).WaitAsync(TestTimeout);

        await viewer.WaitForDesktopAsync(server.Root, server.Width, server.Height, () => server.Log, CancellationToken.None).WaitAsync(TestTimeout);
        Assert.Contains("Choosing security type VncAuth(2)", viewer.Log);
    }

    [Fact]
    public async Task X509Vnc_CertificateFromTheGivenCaNamingTheDialledIp_ShowsTheDesktop()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-tigervnc-test-");
        var (security, options) = await VeNCryptAsync(files, issuedBy: "trusted", certificateNames: ["127.0.0.1"], trusted: "trusted");
        await using var server = await XvncServer.StartAsync(Teal, 640, 480, security, CancellationToken.None).WaitAsync(TestTimeout);

        await using var viewer = await TigerVncViewer.StartAsync(server.Host, server.Port, options, CancellationToken.None).WaitAsync(TestTimeout);

        await viewer.WaitForDesktopAsync(server.Root, server.Width, server.Height, () => server.Log, CancellationToken.None).WaitAsync(TestTimeout);
        Assert.Contains("Choosing security type X509Vnc (261)", viewer.Log);
    }

    [Fact]
    public async Task X509Vnc_CertificateForAnotherName_AsksAboutTheMismatch_DecliningFailsTheConnection()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-tigervnc-test-");
        var (security, options) = await VeNCryptAsync(files, issuedBy: "trusted", certificateNames: ["console.example"], trusted: "trusted");
        await using var server = await XvncServer.StartAsync(Teal, 320, 200, security, CancellationToken.None).WaitAsync(TestTimeout);
        await using var viewer = await TigerVncViewer.StartAsync(server.Host, server.Port, options, CancellationToken.None).WaitAsync(TestTimeout);

        var dialog = await viewer.WaitForDialogAsync(TigerVncViewer.HostnameMismatchTitle, CancellationToken.None).WaitAsync(TestTimeout);
        await viewer.DeclineDialogAsync(TigerVncViewer.HostnameMismatchTitle, CancellationToken.None).WaitAsync(TestTimeout);
        var shown = await viewer.ShownFailureAsync(CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(ScreenText.Shows(dialog, "Hostname (127.0.0.1) does not match the server certificate"), dialog);
        Assert.True(shown.Shows("Certificate hostname mismatch"), shown.ToString());
    }

    [Fact]
    public async Task X509Vnc_CertificateFromAnotherCa_AsksToMakeAnException_DecliningFailsTheConnection()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-tigervnc-test-");
        var (security, options) = await VeNCryptAsync(files, issuedBy: "rogue", certificateNames: ["127.0.0.1"], trusted: "trusted");
        await using var server = await XvncServer.StartAsync(Teal, 320, 200, security, CancellationToken.None).WaitAsync(TestTimeout);
        await using var viewer = await TigerVncViewer.StartAsync(server.Host, server.Port, options, CancellationToken.None).WaitAsync(TestTimeout);

        var dialog = await viewer.WaitForDialogAsync(TigerVncViewer.UnknownIssuerTitle, CancellationToken.None).WaitAsync(TestTimeout);
        await viewer.DeclineDialogAsync(TigerVncViewer.UnknownIssuerTitle, CancellationToken.None).WaitAsync(TestTimeout);
        var shown = await viewer.ShownFailureAsync(CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(ScreenText.Shows(dialog, "This certificate has been signed by an unknown authority"), dialog);
        Assert.True(shown.Shows("Unknown certificate issuer"), shown.ToString());
    }

    // Two CAs, "trusted" and "rogue"; the server's certificate comes from issuedBy, the viewer trusts one.
    private static async Task<(XvncSecurity Security, TigerVncOptions Options)> VeNCryptAsync(
        TemporaryDirectory files, string issuedBy, string[] certificateNames, string trusted)
    {
        using var trustedCa = TestCertificates.CreateAuthority("XcpTunnel trusted test CA");
        using var rogueCa = TestCertificates.CreateAuthority("XcpTunnel rogue test CA");
        using var certificate = TestCertificates.Issue(issuedBy == "trusted" ? trustedCa : rogueCa, "xcptunnel-console", certificateNames);
        var caFile = files.File("ca.pem");
        await File.WriteAllTextAsync(caFile, (trusted == "trusted" ? trustedCa : rogueCa).ExportCertificatePem());
        var certificateFile = files.File("server.pem");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        var keyFile = files.File("server.key");
        await File.WriteAllTextAsync(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var password = await VncPasswordFile.CreateAsync(files, Password, CancellationToken.None).WaitAsync(TestTimeout);
        return (
            new XvncSecurity { SecurityTypes = ["X509Vnc"], PasswordFile = password, X509 = (certificateFile, keyFile) },
            new TigerVncOptions { PasswordFile = password, SecurityTypes = ["X509Vnc", "X509None"], X509CA = caFile });
    }
}
