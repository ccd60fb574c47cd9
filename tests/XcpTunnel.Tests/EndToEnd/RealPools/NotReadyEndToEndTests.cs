using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// xapi says 200 before it connects to the VM's VNC server, so an unreachable backend is 200 then EOF; and a VM is
/// Running a moment before its console exists. The daemon retries once after a short wait, then says why
/// (docs/xapi-console-protocol.md, "When the console is not there yet").
/// </summary>
public sealed class NotReadyEndToEndTests
{
    [Fact]
    public async Task Serve_200ThenEofOnce_ViewerGetsTheConsoleAfterOneRetry()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" });
        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));

        lab.Pool.Faults.FailNextConnects(200, 1);

        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));
        Assert.Equal(3, lab.Pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task Serve_200ThenEofAlways_ViewerToldWhyAfterExactlyOneRetry()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        lab.Pool.Faults.BackendUnavailable = true;
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" });

        var reason = await served.RefusalAsync("web");

        Assert.Contains("VNC server closed the connection at once", reason, StringComparison.Ordinal);
        Assert.Equal(2, lab.Pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task Serve_VmRunningBeforeItsConsoleExists_ViewerGetsTheConsole()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        var vm = lab.Pool.AddVm("late01", residentOn: lab.Pool.Hosts[1], powerState: SimulatedPowerState.Halted);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["late"] = "late01" });
        Assert.Contains("VM 'late01' is Halted", await served.RefusalAsync("late"), StringComparison.Ordinal);

        lab.Pool.Start(vm, consolesAfter: TimeSpan.FromMilliseconds(300));
        string? name = null;
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (name is null && DateTime.UtcNow < deadline)
        {
            try
            {
                await using var viewer = await served.ViewAsync("late");
                name = viewer.ServerInit.Name;
            }
            catch (RfbAuthenticationException ex) when (ex.Message.Contains("is Halted", StringComparison.Ordinal))
            {
                // The daemon has not seen the start yet.
                await Task.Delay(20);
            }
        }

        Assert.Equal("QEMU (late01)", name);
    }
}
