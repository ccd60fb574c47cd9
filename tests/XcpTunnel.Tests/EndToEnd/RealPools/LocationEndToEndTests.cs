using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// Real hosts write console locations that are not URIs: <c>""</c>, <c>https:///console?ref=…</c>, and on 8.2 an IPv6
/// host's address without brackets. The console is then on the VM's resident_on host, path and query kept
/// (docs/xapi-console-protocol.md, "Console locations").
/// </summary>
public sealed class LocationEndToEndTests
{
    [Fact]
    public async Task Serve_LocationsThatAreNotUris_ViewersReachTheResidentHost()
    {
        await using var lab = await CliPool.StartAsync(new SimulatedPoolOptions
        {
            HostCount = 2,
            IncludeIpv6Host = true,
            Password = CliPool.Password,
            Version = SimulatedXapiVersion.XcpNg82,
        });
        var pool = lab.Pool;
        var v6 = pool.Hosts[^1];
        pool.AddVm("empty01", residentOn: pool.Hosts[1], locationForm: ConsoleLocationForm.Empty);
        pool.AddVm("nohost01", residentOn: pool.Hosts[1], locationForm: ConsoleLocationForm.EmptyHost);
        var ipv6 = pool.AddVm("v601", residentOn: v6);
        Assert.StartsWith("https://::1/console?uuid=", ipv6.ConsoleLocation, StringComparison.Ordinal);
        await using var served = await ServedPool.StartAsync(
            lab, new Dictionary<string, string> { ["empty"] = "empty01", ["nohost"] = "nohost01", ["v6"] = "v601" });

        Assert.Equal("QEMU (empty01)", await served.DesktopNameAsync("empty"));
        Assert.Equal("QEMU (nohost01)", await served.DesktopNameAsync("nohost"));
        Assert.Equal("QEMU (v601)", await served.DesktopNameAsync("v6"));
        Assert.Equal(3, pool.Counters.ConnectsWithStatus(200));
    }
}
