using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.Tests.Configuration;

public sealed class AutoTunnelsSettingsTests : IDisposable
{
    private const string Uuid = "0B6E6C0E-4C6B-4D3A-9E1F-6A2B3C4D5E6F";

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_TagMatchAndRange_EveryVmGetsTheTunnelKeysOfAHandWrittenOne()
    {
        var config = WithAuto("""{ "Match": "tag:console", "Ports": "5910-5999", "MaxConnections": "2", "AllowUsers": ["root"] }""");

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        var auto = settings.AutoTunnels["lab"];
        Assert.Equal(new PortRange(5910, 5999), auto.Ports);
        Assert.Null(auto.SocketDirectory);
        Assert.Equal(2, auto.Template.MaxConnections);
        Assert.Equal(["root"], auto.Template.AllowUsers!.Entries);
        var tunnel = auto.For(Uuid, "web01", 5911);
        Assert.Equal("lab-0b6e6c0e-4c6b-4d3a-9e1f-6a2b3c4d5e6f", tunnel.Name);
        Assert.Equal(Uuid, tunnel.Vm);
        Assert.Equal("web01", tunnel.VmDisplay);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 5911)], tunnel.Listen);
        Assert.Equal("127.0.0.1:5911", tunnel.ListenText);
        Assert.Equal(2, tunnel.MaxConnections);
        Assert.Equal(["centos", "db01"], settings.Tunnels.Select(t => t.Name));
        Assert.Equal(DaemonSettings.DefaultStateDirectory, settings.StateDirectory);
    }

    [Theory]
    [InlineData("\"all\"", "web01", new string[0], true)]
    [InlineData("\"tag:console\"", "web01", new[] { "console" }, true)]
    [InlineData("\"tag:console\"", "web01", new[] { "Console" }, false)]
    [InlineData("\"web*\"", "web01", new string[0], true)]
    [InlineData("\"name:web?1\"", "web01", new string[0], true)]
    [InlineData("\"Web*\"", "web01", new string[0], false)]
    [InlineData("[\"tag:x\", \"db*\"]", "db7", new string[0], true)]
    [InlineData("[\"tag:x\", \"db*\"]", "web01", new string[0], false)]
    public void Match_FormsAndLists_MatchAsDocumented(string match, string name, string[] tags, bool matches)
    {
        var config = WithAuto($$"""{ "Match": {{match}}, "Ports": "5910-5999" }""");

        var auto = ConfigAssert.Loaded(_dir.Load(config)).AutoTunnels["lab"];

        Assert.Equal(matches, auto.Match.Matches(new VmRecord("OpaqueRef:1", Uuid, name, "Running", "OpaqueRef:NULL", [], false, false, false) { Tags = tags }));
    }

    [Fact]
    public void Load_UnixDirectory_OneSocketPerVmAndNoPorts()
    {
        var config = WithAuto("""{ "Match": "all", "Listen": "unix:/run/xcptunnel/lab/", "SocketMode": "0660" }""");

        var tunnel = ConfigAssert.Loaded(_dir.Load(config)).AutoTunnels["lab"].For(Uuid, "web01", null);

        Assert.Equal([new UnixDomainSocketEndPoint("/run/xcptunnel/lab/lab-0b6e6c0e-4c6b-4d3a-9e1f-6a2b3c4d5e6f.sock")], tunnel.Listen);
        Assert.Equal("unix:/run/xcptunnel/lab/lab-0b6e6c0e-4c6b-4d3a-9e1f-6a2b3c4d5e6f.sock", tunnel.ListenText);
        Assert.Equal(Convert.ToInt32("660", 8), (int)tunnel.UnixSocket!.Mode);
    }

    [Fact]
    public void Load_EveryMistake_ReportedAtOnceUnderItsKey()
    {
        var config = WithAuto("""{ "Match": ["tag:", "web*"], "Listen": "127.0.0.1:5901", "Prots": "1", "AllowRemote": "maybe" }""");

        var errors = _dir.Load(config).Errors.Select(e => e.ToString()).ToList();

        Assert.Contains("Pools:lab:AutoTunnels:Match:0: 'tag:' matches nothing; expected " + VmMatch.Help, errors);
        Assert.Contains("Pools:lab:AutoTunnels:Listen: '127.0.0.1:5901': give the address alone (e.g. 127.0.0.1); the ports come from Ports", errors);
        Assert.Contains(errors, e => e.StartsWith("Pools:lab:AutoTunnels:Prots: unknown key; expected one of Match, Ports, Listen", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "Match": "all" }""", "Pools:lab:AutoTunnels:Ports", "missing; the ports to give VMs, e.g. 5901-5999")]
    [InlineData("""{ "Match": "all", "Ports": "5999-5901" }""", "Pools:lab:AutoTunnels:Ports", "'5999-5901' is not a port range such as 5901-5999 (ports 1-65535, the first not above the last)")]
    [InlineData("""{ "Ports": "5910-5999" }""", "Pools:lab:AutoTunnels:Match", "missing; " + VmMatch.Help)]
    [InlineData("""{ "Match": "all", "Listen": "unix:/run/x", "Ports": "5910" }""", "Pools:lab:AutoTunnels:Ports", "a unix: Listen has no ports: each VM gets its socket /run/x/lab-<uuid>.sock")]
    [InlineData("""{ "Match": "all", "Listen": "0.0.0.0", "Ports": "5910-5999" }""", "Pools:lab:AutoTunnels:Listen", "0.0.0.0:5910 is not a loopback address; set \"AllowRemote\": true to listen on other interfaces")]
    [InlineData("""{ "Match": "all", "Ports": "5902-5999" }""", "Tunnels:db01:Listen", "127.0.0.1:5902 is inside Pools:lab:AutoTunnels:Ports (5902-5999), which generated tunnels use; move it out of the range or narrow Ports")]
    public void Load_OneMistake_OneErrorUnderItsKey(string auto, string key, string message)
    {
        var config = WithAuto(auto);
        if (!key.StartsWith("Tunnels:", StringComparison.Ordinal))
        {
            config.Remove("Tunnels");
        }

        Assert.Equal(message, ConfigAssert.SingleError(_dir.Load(config), key));
    }

    [Fact]
    public void Load_AutoTunnelsWithoutTunnels_IsEnoughForServe_AndStateFollowsSystemd()
    {
        var config = WithAuto("""{ "Match": "all", "Ports": "5910-5999" }""");
        config.Remove("Tunnels");

        var settings = ConfigAssert.Loaded(_dir.Load(config, new Dictionary<string, string?> { ["STATE_DIRECTORY"] = "/var/lib/xcptunnel:/var/lib/other" }));

        Assert.Empty(settings.Tunnels);
        Assert.Equal("/var/lib/xcptunnel", settings.StateDirectory);
    }

    [Fact]
    public void Load_StateDirectory_RelativeToTheConfiguration()
    {
        var config = WithAuto("""{ "Match": "all", "Ports": "5910-5999" }""");
        config["State"] = JsonNode.Parse("""{ "Directory": "state" }""");

        Assert.Equal(Path.Combine(_dir.Root, "state"), ConfigAssert.Loaded(_dir.Load(config)).StateDirectory);
    }

    [Fact]
    public void Load_NoAllowList_WarnsAboutTheGeneratedTunnels()
    {
        var config = WithAuto("""{ "Match": "all", "Ports": "5910-5999" }""");
        config.Remove("Access");
        config.Remove("Tunnels");

        var warning = Assert.Single(ConfigAssert.Loaded(_dir.Load(config)).Warnings);

        Assert.StartsWith("tunnel(s) Pools:lab:AutoTunnels have no AllowUsers", warning, StringComparison.Ordinal);
    }

    private static JsonObject WithAuto(string auto)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["AutoTunnels"] = JsonNode.Parse(auto);
        return config;
    }
}
