using System.Net;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>The health endpoint of the real <c>xcptunnel serve</c> process, configured by <c>Health:Listen</c>.</summary>
public sealed class HealthServeProcessTests
{
    [Fact]
    public async Task Serve_HealthListenOnAFreePort_AnswersHealthz()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        var healthPort = 0;
        await using var serve = await ServeProcess.StartAsync(
            () => lab.WriteConfig(new JsonObject
            {
                ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
                ["Tunnels"] = new JsonObject { ["pv"] = CliPool.Tunnel("pv01", TestPorts.Free()) },
                ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{healthPort = TestPorts.Free()}" },
                ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
            }),
            ["pv"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = TestTimeouts.Default };

        using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await serve.StopAsync());
    }
}
