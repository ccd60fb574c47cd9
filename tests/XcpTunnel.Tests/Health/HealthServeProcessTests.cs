using System.Net;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Health;

/// <summary>The health endpoint of the real <c>xcptunnel serve</c> process, configured by <c>Health:Listen</c>.</summary>
public sealed class HealthServeProcessTests
{
    private const string Password = "health-e2e-Pa55";

    [Fact]
    public async Task Serve_HealthListenOnAFreePort_AnswersHealthz()
    {
        await using var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { Password = Password }, CancellationToken.None).Within();
        pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        using var directory = TemporaryDirectory.Create("xcptunnel-health-");
        var healthPort = TestPorts.Free();
        var config = WriteConfig(directory, pool, tunnelPort: TestPorts.Free(), healthPort);
        await using var serve = await ServeProcess.StartAsync(
            ["serve", "--config", config],
            output => output.Contains("Health endpoint listening", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = Bounded.Default };

        using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative)).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await serve.StopAsync());
    }

    private static string WriteConfig(TemporaryDirectory directory, SimulatedPool pool, int tunnelPort, int healthPort)
    {
        var passwordFile = directory.File("lab.password");
        File.WriteAllText(passwordFile, Password + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = new JsonObject
        {
            ["Pools"] = new JsonObject
            {
                ["lab"] = new JsonObject
                {
                    ["Url"] = pool.CoordinatorUrl.ToString(),
                    ["Username"] = "root",
                    ["PasswordFile"] = passwordFile,
                    ["TlsFingerprint"] = string.Join(",", pool.Hosts.Select(h => h.CertificateSha256Hex)),
                },
            },
            ["Tunnels"] = new JsonObject
            {
                ["pv"] = new JsonObject { ["Listen"] = $"127.0.0.1:{tunnelPort}", ["Pool"] = "lab", ["Vm"] = "pv01" },
            },
            ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{healthPort}" },
            ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
        };
        var path = directory.File("xcptunnel.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
