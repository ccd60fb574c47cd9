using System.Text.Json.Nodes;
using XcpTunnel.Probes;

namespace XcpTunnel.Tests.Configuration;

/// <summary><c>Tunnels:NAME:ProbeIntervalSeconds</c> and its default <c>Health:ProbeIntervalSeconds</c>.</summary>
public sealed class ProbeIntervalSettingsTests : IDisposable
{
    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoProbeInterval_MeansNoPeriodicProbes()
    {
        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample()));

        Assert.All(settings.Tunnels, t => Assert.Equal(TimeSpan.Zero, ProbeSchedule.IntervalOf(t, settings.Health)));
    }

    [Fact]
    public void Load_HealthDefault_AppliesToTunnelsWithoutTheirOwn_AndZeroTurnsATunnelOff()
    {
        var config = ConfigDirectory.Sample();
        config["Health"] = new JsonObject { ["ProbeIntervalSeconds"] = 60 };
        ConfigDirectory.Tunnel(config, "centos")["ProbeIntervalSeconds"] = 0;

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal(TimeSpan.Zero, ProbeSchedule.IntervalOf(settings.Tunnels.Single(t => t.Name == "centos"), settings.Health));
        Assert.All(
            settings.Tunnels.Where(t => t.Name != "centos"),
            t => Assert.Equal(TimeSpan.FromMinutes(1), ProbeSchedule.IntervalOf(t, settings.Health)));
    }

    [Fact]
    public void Load_TunnelInterval_OverridesTheDefault()
    {
        var config = ConfigDirectory.Sample();
        config["Health"] = new JsonObject { ["ProbeIntervalSeconds"] = 60 };
        ConfigDirectory.Tunnel(config, "centos")["ProbeIntervalSeconds"] = 5;

        var settings = ConfigAssert.Loaded(_dir.Load(config));

        Assert.Equal(TimeSpan.FromSeconds(5), ProbeSchedule.IntervalOf(settings.Tunnels.Single(t => t.Name == "centos"), settings.Health));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-1)]
    public void Load_TunnelIntervalBelowFiveAndNotZero_IsAnErrorWithItsKey(int seconds)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")["ProbeIntervalSeconds"] = seconds;

        ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:ProbeIntervalSeconds");
    }

    [Fact]
    public void Load_HealthIntervalNotANumber_IsAnErrorWithItsKey()
    {
        var config = ConfigDirectory.Sample();
        config["Health"] = new JsonObject { ["ProbeIntervalSeconds"] = "often" };

        var message = ConfigAssert.SingleError(_dir.Load(config), "Health:ProbeIntervalSeconds");

        Assert.Contains("'often'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TooOften_SaysTheMinimum()
    {
        var config = ConfigDirectory.Sample();
        config["Health"] = new JsonObject { ["ProbeIntervalSeconds"] = 2 };

        var message = ConfigAssert.SingleError(_dir.Load(config), "Health:ProbeIntervalSeconds");

        Assert.Equal("2 is too often; 0 (off) or at least 5 seconds", message);
    }
}
