using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Tests.Access;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Configuration;

/// <summary>What a tunnel asks of viewers (<c>VncPasswordFile</c>, <c>ViewerTls</c>) and its <c>unix:</c> socket keys, as loaded.</summary>
public sealed class ViewerSecuritySettingsTests : IDisposable
{
    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void VncPasswordFile_Text_AsksForThePassword()
    {
        var config = WithTunnelKey("VncPasswordFile", _dir.WriteFile("db.vncpass", "s3cret\n"));

        var centos = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.Equal(RfbSecurityType.VncAuthentication, centos.ViewerSecurity.Type);
        Assert.Equal("s3cret", centos.ViewerSecurity.Password!.Value);
    }

    [Fact]
    public async Task VncPasswordFile_WrittenByVncpasswd_IsReadToo()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-vncpasswd-");
        var file = await VncPasswordFile.CreateAsync(directory, "tiger123", CancellationToken.None);
        var config = WithTunnelKey("VncPasswordFile", file);

        var centos = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.Equal("tiger123", centos.ViewerSecurity.Password!.Value);
    }

    [Fact]
    public void VncPassword_LongerThanEightBytes_WarnsThatOnlyEightCount()
    {
        var config = WithTunnelKey("VncPasswordFile", _dir.WriteFile("db.vncpass", "0123456789\n"));

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Contains(settings.Warnings, w => w.Contains("only the first 8 bytes of the password", StringComparison.Ordinal));
    }

    [Fact]
    public void VncPassword_FromTheTunnelsCredential()
    {
        var credentials = Directory.CreateDirectory(Path.Combine(_dir.Root, "credentials")).FullName;
        _dir.WriteFile(Path.Combine("credentials", "centos.vncpassword"), "cred-pw\n");

        var settings = ConfigAssert.Loaded(_dir.Load(
            ConfigDirectory.Sample(), new Dictionary<string, string?> { [PasswordSources.CredentialsDirectoryVariable] = credentials }));

        Assert.Equal("cred-pw", settings.Tunnels[0].ViewerSecurity.Password!.Value);
        Assert.Null(settings.Tunnels[1].ViewerSecurity.Password);
    }

    [Theory]
    [InlineData("missing.vncpass", "no such file")]
    [InlineData("", "is a directory, not a file")]
    public void VncPasswordFile_Unusable_NamesTheFile(string name, string problem)
    {
        var path = Path.Combine(_dir.Root, name);
        var config = WithTunnelKey("VncPasswordFile", path);

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:VncPasswordFile");

        Assert.Contains(path.TrimEnd('/'), message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
    }

    [Fact]
    public void ViewerTls_CertificateAndKey_MakeVeNCrypt()
    {
        var (certificate, key) = WriteCertificate();
        var config = WithTunnelKey("ViewerTls", new JsonObject { ["CertificateFile"] = certificate, ["KeyFile"] = key });

        var centos = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.Equal(RfbSecurityType.VeNCrypt, centos.ViewerSecurity.Type);
        Assert.True(centos.ViewerSecurity.Certificate!.HasPrivateKey);
    }

    [Fact]
    public void ViewerTls_Incomplete_NamesEachMissingKey()
    {
        var config = WithTunnelKey("ViewerTls", new JsonObject());

        var result = _dir.Load(config);

        Assert.Equal(["Tunnels:centos:ViewerTls:CertificateFile", "Tunnels:centos:ViewerTls:KeyFile"], result.Errors.Select(e => e.Key));
    }

    [Fact]
    public void ViewerTls_KeyOfAnotherCertificate_IsAnErrorOnKeyFile()
    {
        var (certificate, _) = WriteCertificate();
        var (_, otherKey) = WriteCertificate("other");
        var config = WithTunnelKey("ViewerTls", new JsonObject { ["CertificateFile"] = certificate, ["KeyFile"] = otherKey });

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:ViewerTls:KeyFile");

        Assert.Contains(otherKey, message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteListener_WithViewerTls_NeedsNoAllowCleartext()
    {
        var (certificate, key) = WriteCertificate();
        var config = WithTunnelKey("ViewerTls", new JsonObject { ["CertificateFile"] = certificate, ["KeyFile"] = key });
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "0.0.0.0:5901";
        ConfigDirectory.Tunnel(config, "centos")["AllowRemote"] = true;

        Assert.False(ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0].AllowCleartext);
    }

    [Fact]
    public void UnixListen_WithModeAndGroup_IsRead()
    {
        var config = WithTunnelKey("Listen", "unix:/run/xcptunnel/web.sock");
        ConfigDirectory.Tunnel(config, "centos")["SocketMode"] = "0660";
        ConfigDirectory.Tunnel(config, "centos")["SocketGroup"] = "ops";
        var options = ConfigDirectory.Options with { Users = new FakeUserDirectory().User("root", 0, 0).Group("ops", 2000) };

        var centos = ConfigAssert.Loaded(_dir.Load(config, options: options)).Tunnels[0];

        Assert.Equal("unix:/run/xcptunnel/web.sock", centos.ListenText);
        Assert.Equal(new UnixSocketSettings((UnixFileMode)Convert.ToInt32("660", 8), 2000, "ops"), centos.UnixSocket);
    }

    [Theory]
    [InlineData("Listen", "unix:run/web.sock", "Tunnels:centos:Listen", "'unix:run/web.sock': a unix socket needs an absolute path, as in unix:/run/xcptunnel/web.sock")]
    [InlineData("SocketMode", "0660", "Tunnels:centos:SocketMode", "only a unix: Listen address has a socket file")]
    public void SocketKeys_Misused_AreErrors(string key, string value, string errorKey, string message)
    {
        var config = WithTunnelKey(key, value);

        Assert.Equal(message, ConfigAssert.SingleError(_dir.Load(config), errorKey));
    }

    [Theory]
    [InlineData("SocketMode", "rw-rw----", "'rw-rw----' is not an octal mode such as 0660")]
    [InlineData("SocketGroup", "nosuchgroup", "no group named 'nosuchgroup'")]
    public void UnixListen_BadModeOrGroup_AreErrors(string key, string value, string message)
    {
        var config = WithTunnelKey("Listen", "unix:/run/xcptunnel/web.sock");
        ConfigDirectory.Tunnel(config, "centos")[key] = value;

        Assert.Equal(message, ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:" + key));
    }

    [Fact]
    public void HealthOnAUnixSocket_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        config["Health"]!["Listen"] = "unix:/run/xcptunnel/health.sock";

        Assert.Equal("the health endpoint listens on TCP only (host:port)", ConfigAssert.SingleError(_dir.Load(config), "Health:Listen"));
    }

    private static JsonObject WithTunnelKey(string key, JsonNode value)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")[key] = value;
        return config;
    }

    private (string Certificate, string Key) WriteCertificate(string name = "vnc")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (_dir.WriteFile(name + ".crt", certificate.ExportCertificatePem()), _dir.WriteFile(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }
}
