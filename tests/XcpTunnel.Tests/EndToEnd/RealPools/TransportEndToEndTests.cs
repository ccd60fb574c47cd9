using XcpTunnel.Tests.Cli;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// A host without the JSON-RPC handler answers <c>POST /jsonrpc</c> through its XML-RPC handler: 200 and
/// <c>text/xml</c>, never 404. The transport is told by the content type (docs/xapi-console-protocol.md, "RPC transports").
/// </summary>
public sealed class TransportEndToEndTests
{
    [Fact]
    public async Task Serve_PoolWithoutJsonRpc_AutoFallsBackToXmlRpc()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 2);
        foreach (var host in lab.Pool.Hosts)
        {
            host.JsonRpcEnabled = false;
        }

        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["web"] = "web01" });

        Assert.Equal("QEMU (web01)", await served.DesktopNameAsync("web"));
        Assert.Equal(1, lab.Pool.Counters.Logins);
    }
}
