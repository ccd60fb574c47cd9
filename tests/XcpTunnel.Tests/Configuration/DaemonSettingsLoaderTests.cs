using System.Net;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Tests.Configuration;

public sealed class DaemonSettingsLoaderTests : IDisposable
{
    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_ProductExample_GivesPoolsTunnelsHealthAndDefaults()
    {
        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample()));

        var lab = settings.Pools["lab"];
        Assert.Equal("lab", lab.Name);
        Assert.Equal(new Uri("https://xcp01.example.com"), lab.Url);
        Assert.Equal([new Uri("https://xcp02.example.com")], lab.FallbackUrls);
        Assert.Equal("root", lab.UserName);
        Assert.Equal(XapiTransport.Auto, lab.Transport);
        Assert.Equal(TlsTrustMode.Pinned, lab.Trust.Mode);
        Assert.Equal(TimeSpan.FromSeconds(10), lab.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), lab.TlsHandshakeTimeout);

        Assert.Equal(["centos", "db01"], settings.Tunnels.Select(t => t.Name));
        var centos = settings.Tunnels[0];
        Assert.Equal("lab", centos.Pool);
        Assert.Equal("kamal-CentOS-5.3x64", centos.Vm);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5901)], centos.Listen);
        Assert.Equal("127.0.0.1:5901", centos.ListenText);
        Assert.False(centos.AllowRemote);
        Assert.Equal(16, centos.MaxConnections);
        Assert.Null(centos.IdleTimeout);
        Assert.Equal("90e68b99-0408-3e4c-1dd1-ea28e98fbbad", settings.Tunnels[1].Vm);

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 9180)], settings.Health.Listen);
        Assert.Equal(TunnelTimeouts.Default, settings.Timeouts);
        Assert.Equal(["root"], centos.AllowUsers!.Entries);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void Load_NoHealthNoTimeouts_UsesDefaults()
    {
        var config = ConfigDirectory.Sample();
        config.Remove("Health");

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal("127.0.0.1:9180", settings.Health.ListenText);
        Assert.False(settings.Health.AllowRemote);
        Assert.Equal(new TunnelTimeouts(
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)),
            settings.Timeouts);
    }

    [Fact]
    public void Load_TimeoutsAndTunnelLimits_AreApplied()
    {
        var config = ConfigDirectory.Sample();
        config["Timeouts"] = new JsonObject { ["ConnectSeconds"] = 3, ["TlsSeconds"] = 4, ["ConnectReplySeconds"] = 5, ["RfbMessageSeconds"] = 6, ["DrainSeconds"] = 0 };
        ConfigDirectory.Tunnel(config, "centos")["MaxConnections"] = 2;
        ConfigDirectory.Tunnel(config, "centos")["IdleTimeoutSeconds"] = 600;

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal(new TunnelTimeouts(
            TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6), TimeSpan.Zero),
            settings.Timeouts);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Pools["lab"].ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.Pools["lab"].TlsHandshakeTimeout);
        Assert.Equal(2, settings.Tunnels[0].MaxConnections);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.Tunnels[0].IdleTimeout);
    }

    [Theory]
    [InlineData("auto", XapiTransport.Auto)]
    [InlineData("JsonRpc", XapiTransport.JsonRpc)]
    [InlineData("XMLRPC", XapiTransport.XmlRpc)]
    [InlineData(null, XapiTransport.Auto)]
    public void Load_Transport_IsCaseInsensitiveAndDefaultsToAuto(string? text, XapiTransport expected)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Transport"] = text;

        Assert.Equal(expected, ConfigAssert.Loaded(_dir.Load(config)).Pools["lab"].Transport);
    }

    [Fact]
    public void Load_EnvironmentOverride_ReplacesFileValue()
    {
        var environment = new Dictionary<string, string?>
        {
            ["XCPTUNNEL_Tunnels__centos__Vm"] = "web02",
            ["XCPTUNNEL_Pools__lab__Transport"] = "xmlrpc",
            ["OTHER_Tunnels__centos__Vm"] = "ignored",
        };

        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample(), environment));

        Assert.Equal("web02", settings.Tunnels[0].Vm);
        Assert.Equal(XapiTransport.XmlRpc, settings.Pools["lab"].Transport);
    }

    [Fact]
    public void Load_EnvironmentOverride_CanAddATunnel()
    {
        var environment = new Dictionary<string, string?>
        {
            ["XCPTUNNEL_Tunnels__web__Listen"] = "127.0.0.1:5903",
            ["XCPTUNNEL_Tunnels__web__Pool"] = "lab",
            ["XCPTUNNEL_Tunnels__web__Vm"] = "web01",
        };

        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample(), environment));

        Assert.Contains(settings.Tunnels, t => t is { Name: "web", Vm: "web01" });
    }

    [Fact]
    public void Load_EnvironmentOverride_IsValidatedLikeTheFile()
    {
        var environment = new Dictionary<string, string?> { ["XCPTUNNEL_Tunnels__centos__MaxConnections"] = "0" };

        var message = ConfigAssert.SingleError(_dir.Load(ConfigDirectory.Sample(), environment), "Tunnels:centos:MaxConnections");

        Assert.Contains("less than 1", message);
    }

    [Fact]
    public void Load_MissingFile_IsOneErrorNamingThePath()
    {
        var message = ConfigAssert.SingleError(_dir.LoadFile(), _dir.ConfigPath);

        Assert.Equal("no such file", message);
    }

    [Fact]
    public void Load_DirectoryInsteadOfAFile_IsOneErrorNamingThePath()
    {
        Directory.CreateDirectory(_dir.ConfigPath);

        var message = ConfigAssert.SingleError(_dir.LoadFile(), _dir.ConfigPath);

        Assert.Equal("is a directory, not a configuration file", message);
    }

    [Theory]
    [InlineData("{ \"Pools\": { ")]
    [InlineData("{ \"Tunnels\": { \"a\": 1, \"a\": 2 } }")]
    [InlineData("[1, 2]")]
    [InlineData("Tunnels: {}")]
    public void Load_InvalidJson_IsOneErrorNamingThePath(string json)
    {
        File.WriteAllText(_dir.ConfigPath, json);

        var message = ConfigAssert.SingleError(_dir.LoadFile(), _dir.ConfigPath);

        Assert.StartsWith("not valid JSON", message);
    }

    [Fact]
    public void Load_InvalidJson_SaysWhereCountingFromOne()
    {
        File.WriteAllText(_dir.ConfigPath, "{\n  \"Pools\": x\n}");

        var message = ConfigAssert.SingleError(_dir.LoadFile(), _dir.ConfigPath);

        Assert.StartsWith("not valid JSON at line 2, column 12: 'x' is an invalid start of a value.", message);
    }

    [Fact]
    public void Load_NoTunnels_IsAnErrorForServe()
    {
        var config = ConfigDirectory.Sample();
        config.Remove("Tunnels");

        Assert.Equal("no tunnel configured", ConfigAssert.SingleError(_dir.Load(config), "Tunnels"));
    }

    [Fact]
    public void Load_NoTunnels_IsFineWhenNotRequired()
    {
        var config = ConfigDirectory.Sample();
        config.Remove("Tunnels");
        _dir.Load(config);

        var result = DaemonSettingsLoader.Load(
            _dir.ConfigPath, new Dictionary<string, string?>(), ConfigDirectory.Options with { RequireTunnels = false });

        Assert.Empty(ConfigAssert.Loaded(result).Tunnels);
    }

    [Fact]
    public void Load_UnknownPool_NamesTheTunnelKey()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "db01")["Pool"] = "lba";

        Assert.Equal("no pool named 'lba'", ConfigAssert.SingleError(_dir.Load(config), "Tunnels:db01:Pool"));
    }

    [Fact]
    public void Load_PoolNameInOtherCase_ResolvesToThePoolsSpelling()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "db01")["Pool"] = "LAB";

        Assert.Equal("lab", ConfigAssert.Loaded(_dir.Load(config)).Tunnels[1].Pool);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Load_MissingVm_IsAnError(string? vm)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Vm"] = vm;

        Assert.StartsWith("missing", ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Vm"));
    }

    [Theory]
    [InlineData("http://xcp01.example.com")]
    [InlineData("xcp01.example.com")]
    [InlineData("/relative")]
    [InlineData("https://")]
    public void Load_UrlNotAbsoluteHttps_IsAnError(string url)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Url"] = url;

        Assert.Contains("not an absolute https URL", ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:Url"));
    }

    [Fact]
    public void Load_UrlWithCredentials_IsAnErrorThatDoesNotRepeatThem()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Url"] = $"https://root:{ConfigDirectory.Password}@xcp01.example.com";

        var message = ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:Url");

        Assert.Contains("user info", message);
    }

    [Fact]
    public void Load_BadFallbackUrl_NamesItsIndex()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["FallbackUrls"] = new JsonArray("https://ok.example.com", "ftp://xcp03");

        ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:FallbackUrls:1");
    }

    [Fact]
    public void Load_MissingUsername_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("Username");

        ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:Username");
    }

    [Fact]
    public void Load_BadTransport_ListsTheChoices()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Transport"] = "soap";

        Assert.Equal("'soap' is not one of auto, jsonrpc, xmlrpc", ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:Transport"));
    }

    [Theory]
    [InlineData("ConnectSeconds", -1)]
    [InlineData("TlsSeconds", 0)]
    [InlineData("ConnectReplySeconds", -5)]
    [InlineData("RfbMessageSeconds", 0)]
    [InlineData("DrainSeconds", -1)]
    public void Load_NegativeOrZeroTimeout_IsAnError(string key, int seconds)
    {
        var config = ConfigDirectory.Sample();
        config["Timeouts"] = new JsonObject { [key] = seconds };

        ConfigAssert.SingleError(_dir.Load(config), $"Timeouts:{key}");
    }

    [Fact]
    public void Load_HoldSecondsUnset_HoldsForTheDefaultAsATunnelBuiltInCodeDoes()
    {
        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample()));

        Assert.Equal(TimeSpan.FromSeconds(120), settings.Tunnels[0].Hold);
        Assert.Equal(TunnelSettings.DefaultHold, new TunnelSettings(
            "t", "lab", "vm", [], "127.0.0.1:5900", AllowRemote: false, TunnelSettings.DefaultMaxConnections, IdleTimeout: null).Hold);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("3600", 3600)]
    public void Load_HoldSeconds_IsApplied(string value, int seconds)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["HoldSeconds"] = value;

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.Tunnels.Single(t => t.Name == "centos").Hold);
    }

    [Theory]
    [InlineData("-1", "-1 is negative")]
    [InlineData("3601", "3601 seconds is too long to hold a viewer (at most 3600)")]
    [InlineData("two minutes", "'two minutes' is not a whole number of seconds")]
    public void Load_HoldSecondsOutOfRange_SaysWhy(string value, string message)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["HoldSeconds"] = value;

        Assert.Equal(message, ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:HoldSeconds"));
    }

    [Fact]
    public void Load_NegativeIdleTimeout_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["IdleTimeoutSeconds"] = -1;

        ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:IdleTimeoutSeconds");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Load_MaxConnectionsBelowOne_IsAnError(int value)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["MaxConnections"] = value;

        ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:MaxConnections");
    }

    [Fact]
    public void Load_ValuesOfTheWrongType_AreErrorsWithTheirKeys()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["MaxConnections"] = "many";
        ConfigDirectory.Tunnel(config, "centos")["AllowRemote"] = "yes";
        config["Timeouts"] = new JsonObject { ["DrainSeconds"] = 1.5 };

        var result = _dir.Load(config);

        Assert.Equal(
            ["Timeouts:DrainSeconds", "Tunnels:centos:AllowRemote", "Tunnels:centos:MaxConnections"],
            result.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_MisspeltKeys_AreErrors()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["AllowRemot"] = true;
        ConfigDirectory.Lab(config)["Password"] = ConfigDirectory.Password;
        config["Tunnel"] = new JsonObject();

        var result = _dir.Load(config);

        Assert.Equal(
            ["Pools:lab:Password", "Tunnel", "Tunnels:centos:AllowRemot"],
            result.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.StartsWith("unknown key", e.Message));
        ConfigAssert.NoSecret(result);
    }

    [Fact]
    public void Load_MisspeltKeysDeepDownAndFromTheEnvironment_AreErrors()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["ViewerTls"] = new JsonObject { ["CertFile"] = "a.pem" };
        ConfigDirectory.Lab(config)["AutoTunnels"] = new JsonObject { ["Match"] = "all", ["Ports"] = "5910-5919", ["Pool"] = "lab" };
        var environment = new Dictionary<string, string?> { ["XCPTUNNEL_Health__Listn"] = "127.0.0.1:9181" };

        var result = _dir.Load(config, environment);

        Assert.Contains(result.Errors, e => e.Key == "Tunnels:centos:ViewerTls:CertFile" && e.Message == "unknown key; expected one of CertificateFile, KeyFile");
        Assert.Contains(result.Errors, e => e.Key == "Pools:lab:AutoTunnels:Pool" && e.Message.StartsWith("unknown key", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Key == "Health:Listn" && e.Message.StartsWith("unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ObjectWhereAValueBelongs_IsAnErrorUnderItsKey()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Vm"] = new JsonObject { ["Name"] = "web01" };

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Vm");

        Assert.Equal("expected a single value, not an object or a list", message);
    }

    [Fact]
    public void Load_FallbackUrlsNotAList_IsAnErrorRatherThanIgnored()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["FallbackUrls"] = "https://xcp02.example.com";

        var message = ConfigAssert.SingleError(_dir.Load(config), "Pools:lab:FallbackUrls");

        Assert.StartsWith("expected a list", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TunnelThatIsNotAnObject_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        config["Tunnels"]!["web"] = "127.0.0.1:5909";

        var result = _dir.Load(config);

        Assert.Contains(result.Errors, e => e.Key == "Tunnels:web" && e.Message.StartsWith("expected an object", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Health")]
    [InlineData("Timeouts")]
    [InlineData("Pools")]
    public void Load_SectionThatIsNotAnObject_IsAnError(string section)
    {
        var config = ConfigDirectory.Sample();
        config[section] = "127.0.0.1:9180";

        var result = _dir.Load(config);

        Assert.Contains(result.Errors, e => e.Key == section && e.Message.StartsWith("expected an object", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("my tunnel")]
    [InlineData(".hidden")]
    public void Load_TunnelNameUnfitForFilesAndUrls_IsAnError(string name)
    {
        var config = ConfigDirectory.Sample();
        config["Tunnels"]![name] = new JsonObject { ["Listen"] = "127.0.0.1:5909", ["Pool"] = "lab", ["Vm"] = "x" };

        ConfigAssert.SingleError(_dir.Load(config), $"Tunnels:{name}");
    }

    [Fact]
    public void Load_SeveralErrors_AreReportedTogetherWithTheirKeys()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["Url"] = "http://xcp01";
        ConfigDirectory.Lab(config)["FallbackUrls"] = new JsonArray("nope");
        ConfigDirectory.Lab(config).Remove("Username");
        ConfigDirectory.Lab(config)["Transport"] = "corba";
        ConfigDirectory.Lab(config)["TlsFingerprint"] = "AB:CD";
        ConfigDirectory.Tunnel(config, "db01")["Pool"] = "lba";
        ConfigDirectory.Tunnel(config, "db01")["Vm"] = "";
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "0.0.0.0:5901";
        ConfigDirectory.Tunnel(config, "centos")["MaxConnections"] = 0;
        config["Timeouts"] = new JsonObject { ["ConnectSeconds"] = -1 };

        var result = _dir.Load(config);

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                "Pools:lab:FallbackUrls:0",
                "Pools:lab:TlsFingerprint",
                "Pools:lab:Transport",
                "Pools:lab:Url",
                "Pools:lab:Username",
                "Timeouts:ConnectSeconds",
                "Tunnels:centos:Listen",
                "Tunnels:centos:MaxConnections",
                "Tunnels:db01:Pool",
                "Tunnels:db01:Vm",
            ],
            result.Errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("Tunnels:db01:Pool: no pool named 'lba'", result.Errors.Select(e => e.ToString()));
        ConfigAssert.NoSecret(result);
    }

    [Fact]
    public void GetSettingsOrThrow_ListsEveryErrorOnItsOwnLine()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "db01")["Pool"] = "lba";
        ConfigDirectory.Tunnel(config, "centos")["Vm"] = null;

        var error = Assert.Throws<ConfigException>(() => _dir.Load(config).GetSettingsOrThrow());

        Assert.Equal(2, error.Errors.Count);
        Assert.Contains($"{_dir.ConfigPath}: 2 configuration errors:", error.Message);
        Assert.Contains("  Tunnels:db01:Pool: no pool named 'lba'", error.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void ConfigError_FormatsAsKeyColonMessage()
    {
        Assert.Equal("Tunnels:db01:Pool: no pool named 'lba'", new ConfigError("Tunnels:db01:Pool", "no pool named 'lba'").ToString());
    }

    [Fact]
    public void DefaultPath_IsUnderEtc()
    {
        Assert.Equal("/etc/xcptunnel/xcptunnel.json", DaemonSettingsLoader.DefaultPath);
    }
}
