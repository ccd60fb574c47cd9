using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// <c>serve</c> against a pool whose TLS is Debian's real stunnel with xapi's own configuration (PROXY protocol to
/// plain HTTP behind it), as on a real host (docs/xapi-console-protocol.md, "The TLS front end").
/// </summary>
public sealed class StunnelEndToEndTests
{
    [Fact]
    public async Task Serve_PoolBehindStunnel_ViewersGetTheirConsolesAndWholeScreens()
    {
        await using var front = await StunnelFrontEnd.StartAsync(port => new SimulatedPoolOptions
        {
            HostCount = 2,
            Password = CliPool.Password,
            BehindProxy = true,
            PublicPort = port,
        });
        front.Pool.AddVm("web01", residentOn: front.Pool.Hosts[1], backend: ConsoleBackend.QemuTestCard());
        front.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        await using var lab = await CliPool.ForAsync(front.Pool);
        // Only the coordinator pinned: the member's certificate comes through stunnel, checked by what the pool says.
        var entry = lab.PoolEntry(pins: front.Pool.Coordinator.CertificateSha256Hex);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01", ["pv"] = "pv01" }, entry);

        await using (var viewer = await served.ViewAsync("web"))
        {
            Assert.Equal("QEMU (web01)", viewer.ServerInit.Name);
            // A full 800x600 screen, then another: bulk data from the console through stunnel, the daemon and back.
            for (var i = 0; i < 2; i++)
            {
                var screen = await viewer.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
                Assert.Equal((800, 600), (screen.Width, screen.Height));
            }
        }

        Assert.Equal("XenServer Virtual Terminal", await served.DesktopNameAsync("pv"));
        Assert.NotEmpty(front.Pool.Counters.ProxiedClients);
        Assert.Equal(1, front.Pool.Counters.Logins);
    }
}
