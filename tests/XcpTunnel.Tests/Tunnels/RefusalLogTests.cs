using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>Refusals anyone can cause are summed up in the log, not written one line each.</summary>
public sealed class RefusalLogTests
{
    [Fact]
    public void ManyRefusals_OneLineFirst_ThenOneSummaryPerKindAtTheEndOfTheInterval()
    {
        var lines = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(lines));
        var clock = new FakeTimeProvider();
        using var log = new RefusalLog("centos", factory.CreateLogger("t"), clock, TimeSpan.FromMinutes(1));

        for (var i = 0; i < 1000; i++)
        {
            log.Refused(TunnelOutcome.AccessDenied, $"uid {1000 + i} may not open tunnel centos");
        }

        log.Refused(TunnelOutcome.OverCapacity, "tunnel 'centos' already has 16 viewers");
        Assert.Equal(2, lines.Lines.Count);
        Assert.Contains("refused a viewer (access_denied): uid 1000 may not open tunnel centos", lines.Lines.ElementAt(0), StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(3, lines.Lines.Count);
        Assert.Contains("Tunnel centos refused 999 more viewer(s) (access_denied) in the last 60 s", lines.Lines.ElementAt(2), StringComparison.Ordinal);

        // A new interval: the next refusal is written whole again.
        log.Refused(TunnelOutcome.AccessDenied, "uid 4242 may not open tunnel centos");
        Assert.Contains("uid 4242", lines.Lines.Last(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 1024, 384)]
    [InlineData(1024, 65536, 1024)]
    [InlineData(4096, 1024, 384)]
    [InlineData(1024, 200, 1)]
    public void ViewerBudget_FitsTheOpenFilesLimit_TwoDescriptorsEach(int configured, long openFiles, int expected)
    {
        Assert.Equal(expected, XcpTunnel.Daemon.TunnelService.ConnectionCapacity(configured, openFiles));
    }
}
