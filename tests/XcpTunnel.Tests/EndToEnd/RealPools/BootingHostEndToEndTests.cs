using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// A host whose xapi is still starting refuses every call before dispatch, with a fallback reply that has id 0 and an
/// array error whatever the request said (docs/xapi-console-protocol.md, "Errors before dispatch"): a failure of that
/// host, to be told as such, not a malformed reply.
/// </summary>
public sealed class BootingHostEndToEndTests
{
    [Theory]
    [InlineData(SimulatedXapiVersion.XcpNg83)]
    [InlineData(SimulatedXapiVersion.XcpNg82)]
    public async Task Serve_CoordinatorRestartedAndStillBooting_ViewerToldSoThenServedOnceItIsUp(SimulatedXapiVersion version)
    {
        await using var lab = await CliPool.StartAsync(new SimulatedPoolOptions { HostCount = 2, Password = CliPool.Password, Version = version });
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" });
        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));

        // xapi restarted on the coordinator: its sessions are gone and it is not serving calls yet.
        lab.Pool.Coordinator.StillBooting = true;
        lab.Pool.ExpireAllSessions();
        lab.Pool.LoseEvents();
        var reason = await served.RefusalAsync("web");

        Assert.True(reason.Contains("HOST_STILL_BOOTING", StringComparison.Ordinal), reason + "\n" + served.Output);
        Assert.DoesNotContain("malformed", reason, StringComparison.OrdinalIgnoreCase);

        lab.Pool.Coordinator.StillBooting = false;
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        string? name = null;
        while (name is null && DateTime.UtcNow < deadline)
        {
            try
            {
                await using var viewer = await served.ViewAsync("web");
                name = viewer.ServerInit.Name;
            }
            catch (XcpTunnel.Protocol.Rfb.RfbAuthenticationException)
            {
                // A failed login is not retried for 5 s: a viewer meanwhile is told the same reason.
                await Task.Delay(250);
            }
        }

        Assert.Equal("QEMU (web01)", name);
        served.AssertNoSecretsLogged();
    }
}
