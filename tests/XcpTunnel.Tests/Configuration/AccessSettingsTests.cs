using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Tests.Access;

namespace XcpTunnel.Tests.Configuration;

/// <summary><c>Access:AllowUsers</c>, a tunnel's own <c>AllowUsers</c> and <c>Health:AllowUsers</c>, as the loader reads them.</summary>
public sealed class AccessSettingsTests : IDisposable
{
    private static readonly ConfigLoadOptions Users = ConfigDirectory.Options with
    {
        Users = new FakeUserDirectory().User("root", 0, 0).User("alice", 1000, 1000).User("prometheus", 990, 990).Group("ops", 2000),
    };

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AccessDefault_AppliesToTunnelsWithoutTheirOwn_AndToHealth()
    {
        var config = ConfigDirectory.Sample();
        config["Access"] = new JsonObject { ["AllowUsers"] = new JsonArray("root", "@ops") };
        ConfigDirectory.Tunnel(config, "db01")["AllowUsers"] = new JsonArray("alice");

        var settings = ConfigAssert.Loaded(_dir.Load(config, options: Users));

        Assert.Equal(["root", "@ops"], settings.Tunnels[0].AllowUsers!.Entries);
        Assert.Equal(["alice"], settings.Tunnels[1].AllowUsers!.Entries);
        Assert.Equal(["root", "@ops"], settings.Health.AllowUsers!.Entries);
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void HealthAllowUsers_OverridesTheDefault()
    {
        var config = ConfigDirectory.Sample();
        config["Health"]!["AllowUsers"] = new JsonArray("prometheus");

        var settings = ConfigAssert.Loaded(_dir.Load(config, options: Users));

        Assert.Equal(["prometheus"], settings.Health.AllowUsers!.Entries);
    }

    [Fact]
    public void EmptyTunnelList_AdmitsNoOne_AndIsNotTheDefault()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["AllowUsers"] = new JsonArray();

        var centos = ConfigAssert.Loaded(_dir.Load(config, options: Users)).Tunnels[0];

        Assert.Empty(centos.AllowUsers!.Entries);
    }

    [Fact]
    public void UnknownUsersAndGroups_AreErrorsUnderTheirKeys_AllAtOnce()
    {
        var config = ConfigDirectory.Sample();
        config["Access"] = new JsonObject { ["AllowUsers"] = new JsonArray("root", "bob", "@nope") };
        ConfigDirectory.Tunnel(config, "db01")["AllowUsers"] = new JsonArray("@", "");

        var result = _dir.Load(config, options: Users);

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                "Access:AllowUsers: no user named 'bob'",
                "Access:AllowUsers: no group named 'nope'",
                "Tunnels:db01:AllowUsers: '@' names no group",
                "Tunnels:db01:AllowUsers: '' is not a user or @group",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void AllowUsersAsText_IsAnError_NotAQuietDefault()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["AllowUsers"] = "alice";

        var message = ConfigAssert.SingleError(_dir.Load(config, options: Users), "Tunnels:centos:AllowUsers");

        Assert.Equal("expected a list such as [\"alice\", \"@ops\"]", message);
    }

    [Fact]
    public void NoListAnywhere_WarnsNamingTheOpenTunnels()
    {
        var config = ConfigDirectory.Sample();
        config.Remove("Access");
        ConfigDirectory.Tunnel(config, "db01")["AllowUsers"] = new JsonArray("alice");

        var settings = ConfigAssert.Loaded(_dir.Load(config, options: Users));

        Assert.Null(settings.Tunnels[0].AllowUsers);
        Assert.Equal(
            "tunnel(s) centos have no AllowUsers and there is no Access:AllowUsers: every local account may open their consoles; list the users or @groups who may",
            Assert.Single(settings.Warnings));
    }
}
