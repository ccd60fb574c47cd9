using System.Diagnostics;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;
using Xunit.Abstractions;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// The coordinator dies (HA failover, <c>pool.designate_new_master</c>, a reboot): sessions are not persisted, a dead
/// host times out instead of refusing, and members answer <c>HOST_IS_SLAVE</c>. The daemon must find the survivor on
/// its own, from the pool's host records, with no operator action (docs/xapi-console-protocol.md, "Coordinator failover").
/// </summary>
public sealed class FailoverEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_CoordinatorBlackHoledAndMemberPromoted_NewViewerGetsTheConsoleWithinThirtySeconds()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 3);
        var pool = lab.Pool;
        pool.AddVm("web01", residentOn: pool.Hosts[1], backend: ConsoleBackend.QemuTestCard());
        pool.AddVm("db01", residentOn: pool.Hosts[2]);
        // Only the coordinator's URL: the members' addresses must come from the pool itself.
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01", ["db"] = "db01" });
        await using var streaming = await served.ViewAsync("web");
        await streaming.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        Assert.Equal("QEMU (db01)", await served.DesktopNameAsync("db"));
        Assert.Equal(1, pool.Counters.Logins);

        pool.BlackHole(pool.Coordinator);
        pool.Promote(pool.Hosts[1]);
        var sincePromotion = Stopwatch.StartNew();
        var name = await served.DesktopNameAsync("db");
        var failover = sincePromotion.Elapsed;
        output.WriteLine($"promotion to a new viewer's ServerInit: {failover.TotalMilliseconds:0} ms");

        Assert.Equal("QEMU (db01)", name);
        Assert.True(failover < FailoverBudget, $"the new viewer waited {failover.TotalSeconds:0.0} s after the promotion");
        Assert.Equal(2, pool.Counters.Logins);
        // The viewer that was streaming through a member all along still is.
        var screen = await streaming.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        Assert.Equal((800, 600), (screen.Width, screen.Height));
        served.AssertNoSecretsLogged();
    }
}
