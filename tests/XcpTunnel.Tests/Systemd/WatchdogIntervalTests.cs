using XcpTunnel.Systemd;

namespace XcpTunnel.Tests.Systemd;

public sealed class WatchdogIntervalTests
{
    [Fact]
    public void FromEnvironment_WatchdogUsec_PingsAtHalfOfIt()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), WatchdogInterval.FromEnvironment(Env(("WATCHDOG_USEC", "200000")), 7));
    }

    [Fact]
    public void FromEnvironment_WatchdogPidIsOurs_Pings()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), WatchdogInterval.FromEnvironment(Env(("WATCHDOG_USEC", "30000000"), ("WATCHDOG_PID", "7")), 7));
    }

    [Theory]
    [InlineData("200000", "8")]
    [InlineData("200000", "x")]
    [InlineData("0", null)]
    [InlineData("soon", null)]
    [InlineData(null, null)]
    public void FromEnvironment_NotForUs_NoWatchdog(string? usec, string? pid)
    {
        var environment = new Dictionary<string, string?>();
        if (usec is not null)
        {
            environment["WATCHDOG_USEC"] = usec;
        }

        if (pid is not null)
        {
            environment["WATCHDOG_PID"] = pid;
        }

        Assert.Null(WatchdogInterval.FromEnvironment(environment, 7));
    }

    private static Dictionary<string, string?> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => (string?)v.Value);
}
