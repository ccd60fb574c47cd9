using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Tests.Configuration;

namespace XcpTunnel.Tests.Daemon;

/// <summary>What a reload restarts, from two configurations loaded as the daemon loads them.</summary>
public sealed class SettingsDiffTests : IDisposable
{
    private readonly ConfigDirectory _directory = new();

    [Fact]
    public void Between_SameFileLoadedTwice_EverythingUnchanged()
    {
        // Two loads build new lists, endpoints, passwords and pins: none of that may count as a change.
        var diff = Diff(_ => { });

        Assert.Equal(["centos", "db01"], Names(diff.Unchanged));
        Assert.Empty(diff.Added);
        Assert.Empty(diff.Removed);
        Assert.Empty(diff.Changed);
        Assert.Empty(diff.RenewedPools);
        Assert.False(diff.HealthChanged);
    }

    [Fact]
    public void Between_TunnelAddedRemovedAndChanged_EachSortedIntoItsList()
    {
        var diff = Diff(config =>
        {
            var tunnels = config["Tunnels"]!.AsObject();
            tunnels.Remove("centos");
            tunnels["web"] = new JsonObject { ["Listen"] = "127.0.0.1:5903", ["Pool"] = "lab", ["Vm"] = "web" };
            ConfigDirectory.Tunnel(config, "db01")["MaxConnections"] = 2;
        });

        Assert.Equal(["web"], Names(diff.Added));
        Assert.Equal(["centos"], Names(diff.Removed));
        Assert.Equal(["db01"], Names(diff.Changed));
        Assert.Equal(2, diff.Changed[0].MaxConnections);
        Assert.Empty(diff.Unchanged);
    }

    [Theory]
    [InlineData("Listen", "127.0.0.1:5999")]
    [InlineData("Vm", "db02")]
    [InlineData("IdleTimeoutSeconds", "60")]
    [InlineData("HoldSeconds", "0")]
    [InlineData("MaxConnections", "3")]
    public void Between_OneTunnelSettingDiffers_OnlyThatTunnelChanges(string key, string value)
    {
        var diff = Diff(config => ConfigDirectory.Tunnel(config, "db01")[key] = value);

        Assert.Equal(["db01"], Names(diff.Changed));
        Assert.Equal(["centos"], Names(diff.Unchanged));
    }

    [Fact]
    public void Between_OnlyProbeIntervalsDiffer_NoTunnelRestartsAndTheNewIntervalsAreCurrent()
    {
        // The probe scheduler reads the current settings on every tick: a new interval needs no new listener.
        var diff = Diff(config =>
        {
            ConfigDirectory.Tunnel(config, "db01")["ProbeIntervalSeconds"] = "30";
            config["Health"] = new JsonObject { ["ProbeIntervalSeconds"] = "60" };
        });

        Assert.Empty(diff.Changed);
        Assert.Equal(["centos", "db01"], Names(diff.Unchanged));
        Assert.False(diff.HealthChanged);
        Assert.Equal(TimeSpan.FromSeconds(30), diff.Unchanged.Single(t => t.Name == "db01").ProbeInterval);
    }

    [Fact]
    public void Between_TimeoutsDiffer_EveryTunnelChanges()
    {
        var diff = Diff(config => config["Timeouts"] = new JsonObject { ["RfbMessageSeconds"] = 3 });

        Assert.Equal(["centos", "db01"], Names(diff.Changed));
    }

    [Theory]
    [InlineData("Url", "https://xcp09.example.com")]
    [InlineData("Username", "operator")]
    [InlineData("TlsFingerprint", "01:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")]
    [InlineData("Transport", "xmlrpc")]
    public void Between_PoolOptionDiffers_PoolRenewedAndItsTunnelsChange(string key, string value)
    {
        var diff = Diff(config => ConfigDirectory.Lab(config)[key] = value);

        Assert.Equal(["lab"], diff.RenewedPools);
        Assert.Equal(["centos", "db01"], Names(diff.Changed));
    }

    [Fact]
    public void Between_PasswordFileRewritten_PoolRenewed()
    {
        var before = _directory.Load(ConfigDirectory.Sample()).GetSettingsOrThrow();
        _directory.WriteFile("lab.password", "an0ther-Pa55\n");
        var after = _directory.LoadFile().GetSettingsOrThrow();

        var diff = SettingsDiff.Between(before, after);

        Assert.Equal(["lab"], diff.RenewedPools);
        Assert.Equal(["centos", "db01"], Names(diff.Changed));
    }

    [Fact]
    public void Between_PoolOfOneTunnelOnly_OtherPoolsTunnelsUnchanged()
    {
        var diff = Diff(
            config =>
            {
                var lab2 = JsonNode.Parse(ConfigDirectory.Lab(config).ToJsonString())!.AsObject();
                lab2["PasswordFile"] = "lab.password";
                config["Pools"]!["lab2"] = lab2;
                ConfigDirectory.Tunnel(config, "db01")["Pool"] = "lab2";
            },
            next => ConfigDirectory.Lab(next)["Username"] = "operator");

        Assert.Equal(["lab"], diff.RenewedPools);
        Assert.Equal(["centos"], Names(diff.Changed));
        Assert.Equal(["db01"], Names(diff.Unchanged));
    }

    [Fact]
    public void Between_HealthListenDiffers_IsReported()
    {
        var diff = Diff(config => config["Health"] = new JsonObject { ["Listen"] = "127.0.0.1:9181" });

        Assert.True(diff.HealthChanged);
        Assert.Equal(["centos", "db01"], Names(diff.Unchanged));
    }

    [Theory]
    [InlineData(typeof(TunnelSettings))]
    [InlineData(typeof(XapiPoolOptions))]
    [InlineData(typeof(HealthSettings))]
    public void Settings_EveryMemberComparesByValue(Type settings)
    {
        // A reload compares the records with ==: a member that compared by reference (a plain list, a class without
        // Equals) would make every reload restart everything. The check itself must catch such a member.
        Assert.False(ComparesByValue(typeof(IReadOnlyList<Uri>)));
        Assert.False(ComparesByValue(typeof(ValueList<object>)));

        Assert.Empty(settings.GetProperties().Where(p => !ComparesByValue(p.PropertyType)).Select(p => p.Name));
    }

    [Fact]
    public void Between_FallbackUrlsAndHealthListenDiffer_BothDetected()
    {
        // Members held as lists take part in the comparison by content (tunnels' Listen: the theory above).
        var diff = Diff(config =>
        {
            ConfigDirectory.Lab(config)["FallbackUrls"] = new JsonArray("https://xcp03.example.com");
            config["Health"] = new JsonObject { ["Listen"] = "127.0.0.1:9181" };
        });

        Assert.Equal(["lab"], diff.RenewedPools);
        Assert.True(diff.HealthChanged);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Loads the sample, then again changed by <paramref name="change"/>.</summary>
    private SettingsDiff Diff(Action<JsonObject> change) => Diff(_ => { }, change);

    /// <summary>Loads the sample changed by <paramref name="before"/>, then again changed by <paramref name="change"/> too.</summary>
    private SettingsDiff Diff(Action<JsonObject> before, Action<JsonObject> change)
    {
        var config = ConfigDirectory.Sample();
        before(config);
        var current = _directory.Load(config).GetSettingsOrThrow();
        change(config);
        var next = _directory.Load(config).GetSettingsOrThrow();
        return SettingsDiff.Between(current, next);
    }

    private static string[] Names(IEnumerable<TunnelSettings> tunnels) => [.. tunnels.Select(t => t.Name).Order()];

    /// <summary>Whether <c>Equals</c> on <paramref name="type"/> compares contents rather than references.</summary>
    private static bool ComparesByValue(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return ComparesByValue(inner);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueList<>))
        {
            return ComparesByValue(type.GetGenericArguments()[0]);
        }

        if (type == typeof(EndPoint))
        {
            // Abstract; the loader makes only these two kinds.
            return ComparesByValue(typeof(IPEndPoint)) && ComparesByValue(typeof(UnixDomainSocketEndPoint));
        }

        var equals = type.GetMethod(nameof(Equals), [typeof(object)]);
        return equals is not null && equals.DeclaringType != typeof(object) && equals.DeclaringType != typeof(ValueType);
    }
}
