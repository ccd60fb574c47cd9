using XcpTunnel.Tests.Cli;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// xapi logs every request line it receives, query string included, into xensource.log; cookie values are filtered.
/// A session ref in a URL is a bearer credential in every host's log (docs/xapi-console-protocol.md, "The CONNECT request").
/// </summary>
public sealed class HostLogEndToEndTests
{
    [Fact]
    public async Task Serve_ConsoleConnect_LeavesNoSessionRefInTheHostsLog()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" });

        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));

        var log = lab.Pool.Counters.RequestLog;
        Assert.Contains(log, line => line.StartsWith("CONNECT /console?uuid=", StringComparison.Ordinal));
        var sessions = lab.Pool.IssuedSessionRefs;
        Assert.NotEmpty(sessions);
        foreach (var line in log)
        {
            Assert.DoesNotContain(sessions, session => line.Contains(session, StringComparison.Ordinal)
                || line.Contains(Uri.EscapeDataString(session), StringComparison.Ordinal));
        }
    }
}
