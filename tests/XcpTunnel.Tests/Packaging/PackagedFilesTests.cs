using System.Globalization;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Tests.Access;
using XcpTunnel.Tests.Configuration;

namespace XcpTunnel.Tests.Packaging;

/// <summary>
/// The files the .deb installs (packaging/xcptunnel.json, xcptunnel.service, packaging/systemd/xcptunnel.socket)
/// agree with the code that reads them: the example configuration loads, the unit hands it the
/// credential it asks for, the socket is named after one of its tunnels, and stop outlasts the drain.
/// </summary>
public sealed class PackagedFilesTests
{
    private static readonly string PackagedDirectory = Path.Combine(AppContext.BaseDirectory, "Packaging");

    [Fact]
    public void ExampleConfig_WithTheUnitsCredential_Loads()
    {
        using var config = new ConfigDirectory();
        File.Copy(Path.Combine(PackagedDirectory, "xcptunnel.json"), config.ConfigPath);
        var credentials = Directory.CreateDirectory(Path.Combine(config.Root, "credentials")).FullName;
        foreach (var credential in UnitValues("xcptunnel.service", "LoadCredential"))
        {
            config.WriteFile(Path.Combine("credentials", credential.Split(':')[0]), ConfigDirectory.Password + "\n");
        }

        // A machine the package is installed on: sysusers.d made the group the example admits.
        var users = new FakeUserDirectory().User("root", 0, 0).Group("xcptunnel-viewers", 990);

        var settings = ConfigAssert.Loaded(config.LoadFile(
            new Dictionary<string, string?> { [PasswordSources.CredentialsDirectoryVariable] = credentials },
            ConfigDirectory.Options with { Users = users }));

        Assert.Equal(["centos", "db01"], settings.Tunnels.Select(t => t.Name));
        Assert.All(settings.Tunnels, t => Assert.Equal(["root", "@xcptunnel-viewers"], t.AllowUsers!.Entries));
        Assert.Empty(settings.Warnings);
    }

    [Fact]
    public void SysusersConf_CreatesTheGroupTheExampleAdmits()
    {
        var lines = File.ReadLines(Path.Combine(PackagedDirectory, "sysusers.conf")).Where(l => !l.StartsWith('#')).ToList();

        Assert.Contains(lines, l => l.StartsWith("g xcptunnel-viewers ", StringComparison.Ordinal));
        Assert.Contains("@xcptunnel-viewers", ExampleConfig()["Access"]!["AllowUsers"]!.AsArray().Select(e => (string?)e));
    }

    [Fact]
    public void Unit_KeepsWhatTheUserCheckNeeds_NoPrivateUsersAndNetlink()
    {
        // PrivateUsers=yes makes every other user "nobody" to the daemon; sock_diag needs AF_NETLINK.
        Assert.Empty(UnitValues("xcptunnel.service", "PrivateUsers"));
        Assert.Contains("AF_NETLINK", Assert.Single(UnitValues("xcptunnel.service", "RestrictAddressFamilies")).Split(' '));
    }

    [Fact]
    public void Unit_StateDirectory_IsTheDaemonsDefault()
    {
        // systemd passes it as $STATE_DIRECTORY; without systemd the daemon looks in the same place.
        Assert.Equal(DaemonSettings.DefaultStateDirectory, "/var/lib/" + Assert.Single(UnitValues("xcptunnel.service", "StateDirectory")));
    }

    [Fact]
    public void Unit_LoadsACredentialForEveryPoolOfTheExampleConfig()
    {
        var loaded = UnitValues("xcptunnel.service", "LoadCredential").Select(v => v.Split(':')[0]).ToList();

        Assert.All(ExampleConfig()["Pools"]!.AsObject(), pool => Assert.Contains(PasswordSources.CredentialName(pool.Key), loaded));
    }

    [Fact]
    public void Socket_FileDescriptorName_IsATunnelOfTheExampleConfig()
    {
        var name = Assert.Single(UnitValues("xcptunnel.socket", "FileDescriptorName"));
        var tunnel = ExampleConfig()["Tunnels"]![name]!;

        // The same address, so the example works with or without the socket unit.
        Assert.Equal(tunnel["Listen"]!.GetValue<string>(), Assert.Single(UnitValues("xcptunnel.socket", "ListenStream")));
    }

    [Fact]
    public void Unit_TimeoutStopSec_OutlastsTheDrain()
    {
        var stop = TimeSpan.FromSeconds(int.Parse(Assert.Single(UnitValues("xcptunnel.service", "TimeoutStopSec")).TrimEnd('s'), CultureInfo.InvariantCulture));
        var drain = TimeSpan.FromSeconds(int.Parse(ExampleConfig()["Timeouts"]!["DrainSeconds"]!.ToJsonString(), CultureInfo.InvariantCulture));

        // DaemonHost gives up 10 s after the drain; systemd must not kill the daemon before that.
        Assert.True(stop > drain + TimeSpan.FromSeconds(10), $"TimeoutStopSec={stop.TotalSeconds}s, drain {drain.TotalSeconds}s");
        Assert.True(stop > TunnelTimeouts.Default.Drain + TimeSpan.FromSeconds(10));
    }

    private static JsonObject ExampleConfig() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(PackagedDirectory, "xcptunnel.json")))!.AsObject();

    /// <summary>Every value of <paramref name="key"/> in a unit file, comments skipped.</summary>
    private static List<string> UnitValues(string unit, string key) =>
        File.ReadLines(Path.Combine(PackagedDirectory, unit))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith(key + "=", StringComparison.Ordinal))
            .Select(line => line[(key.Length + 1)..])
            .ToList();
}
