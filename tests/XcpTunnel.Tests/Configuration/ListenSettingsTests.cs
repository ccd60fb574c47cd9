using System.Net;
using System.Text.Json.Nodes;

namespace XcpTunnel.Tests.Configuration;

/// <summary>Listen addresses of tunnels and the health endpoint, as the loader validates them.</summary>
public sealed class ListenSettingsTests : IDisposable
{
    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ipv6Loopback_IsAccepted()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "[::1]:5901";

        var tunnel = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.Equal([new IPEndPoint(IPAddress.IPv6Loopback, 5901)], tunnel.Listen);
        Assert.Equal("[::1]:5901", tunnel.ListenText);
    }

    [Fact]
    public void Localhost_BindsEveryLoopback()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "localhost:5901";

        var tunnel = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 5901), tunnel.Listen);
        Assert.All(tunnel.Listen, e => Assert.True(IPAddress.IsLoopback(Assert.IsType<IPEndPoint>(e).Address)));
        Assert.Equal("localhost:5901", tunnel.ListenText);
    }

    [Fact]
    public void HostNameResolvingToLoopback_IsAccepted()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "lo.example:5901";

        var tunnel = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.Equal([new IPEndPoint(IPAddress.Parse("127.0.0.2"), 5901)], tunnel.Listen);
    }

    [Fact]
    public void NonLoopback_WithoutAllowRemote_IsAnErrorWithTheFix()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "0.0.0.0:5901";

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Listen");

        Assert.Equal("0.0.0.0:5901 is not a loopback address; set \"AllowRemote\": true to listen on other interfaces", message);
    }

    [Fact]
    public void HostNameResolvingElsewhere_WithoutAllowRemote_IsAnErrorNamingTheAddress()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "vnc.example:5901";

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Listen");

        Assert.StartsWith("'vnc.example:5901' resolves to 10.0.0.5:5901, which is not a loopback address", message);
    }

    [Theory]
    [InlineData("0.0.0.0:5901")]
    [InlineData("[::]:5901")]
    [InlineData("vnc.example:5901")]
    public void NonLoopback_WithAllowRemote_IsAccepted(string listen)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = listen;
        ConfigDirectory.Tunnel(config, "centos")["AllowRemote"] = true;
        ConfigDirectory.Tunnel(config, "centos")["AllowCleartext"] = true;

        var tunnel = ConfigAssert.Loaded(_dir.Load(config)).Tunnels[0];

        Assert.True(tunnel.AllowRemote);
        Assert.True(tunnel.AllowCleartext);
        Assert.Equal(listen, tunnel.ListenText);
    }

    [Fact]
    public void NonLoopback_WithoutViewerTlsOrAllowCleartext_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "0.0.0.0:5901";
        ConfigDirectory.Tunnel(config, "centos")["AllowRemote"] = true;

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Listen");

        Assert.Equal(
            "0.0.0.0:5901 is reachable from other hosts and the tunnel has no ViewerTls; add ViewerTls (VeNCrypt) or set \"AllowCleartext\": true",
            message);
    }

    [Fact]
    public void UnresolvableHostName_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = "nowhere.example:5901";

        Assert.StartsWith("cannot resolve 'nowhere.example'", ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Listen"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1")]
    public void MissingOrMalformedListen_IsAnError(string? listen)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["Listen"] = listen;

        ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:Listen");
    }

    [Fact]
    public void TwoTunnelsOnTheSameEndpoint_IsAnErrorNamingTheOther()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "db01")["Listen"] = "127.0.0.1:5901";

        var message = ConfigAssert.SingleError(_dir.Load(config), "Tunnels:db01:Listen");

        Assert.Equal("127.0.0.1:5901 is already used by Tunnels:centos:Listen", message);
    }

    [Fact]
    public void WildcardAndLoopbackOnTheSamePort_Clash()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "db01")["Listen"] = "0.0.0.0:5901";
        ConfigDirectory.Tunnel(config, "db01")["AllowRemote"] = true;
        ConfigDirectory.Tunnel(config, "db01")["AllowCleartext"] = true;

        ConfigAssert.SingleError(_dir.Load(config), "Tunnels:db01:Listen");
    }

    [Fact]
    public void SamePortOnIpv4AndIpv6Loopback_DoesNotClash()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "db01")["Listen"] = "[::1]:5901";

        Assert.Equal(2, ConfigAssert.Loaded(_dir.Load(config)).Tunnels.Count);
    }

    [Fact]
    public void HealthOnATunnelsEndpoint_IsAnError()
    {
        var config = ConfigDirectory.Sample();
        config["Health"] = new JsonObject { ["Listen"] = "localhost:5902" };

        Assert.Contains("already used by Tunnels:db01:Listen", ConfigAssert.SingleError(_dir.Load(config), "Health:Listen"));
    }

    [Fact]
    public void HealthNonLoopback_NeedsItsOwnAllowRemote()
    {
        var config = ConfigDirectory.Sample();
        config["Health"] = new JsonObject { ["Listen"] = "0.0.0.0:9180" };

        Assert.Contains("\"AllowRemote\": true", ConfigAssert.SingleError(_dir.Load(config), "Health:Listen"));

        config["Health"]!["AllowRemote"] = true;
        var health = ConfigAssert.Loaded(_dir.Load(config)).Health;
        Assert.Equal([new IPEndPoint(IPAddress.Any, 9180)], health.Listen);
        Assert.True(health.AllowRemote);
    }
}
