using System.Text.Json.Nodes;
using XcpTunnel.Simulator;

namespace XcpTunnel.Tests.Cli;

/// <summary><c>xcptunnel vms</c> as a user runs it, against a simulated pool.</summary>
public sealed class VmsCommandTests
{
    [Fact]
    public async Task Vms_Table_ListsVmsWithHostConsolesAndMappedTunnel()
    {
        await using var lab = await CliPool.StartAsync();
        var web = lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        var db = lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var port = TestPorts.Free();
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel(web.Uuid, port) },
        });

        var result = await CliPool.RunAsync("vms", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("vms failed"));
        var lines = result.StandardOutput.Split('\n');
        var webLine = Assert.Single(lines, l => l.Contains("web01", StringComparison.Ordinal));
        foreach (var expected in (string[])["lab", web.Uuid, "Running", "host2", "rfb, vt100", $"web (127.0.0.1:{port})"])
        {
            Assert.Contains(expected, webLine, StringComparison.Ordinal);
        }

        var dbLine = Assert.Single(lines, l => l.Contains("db01", StringComparison.Ordinal));
        Assert.Contains(db.Uuid, dbLine, StringComparison.Ordinal);
        Assert.Contains("Halted", dbLine, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:", dbLine, StringComparison.Ordinal);

        // Sorted by name within the pool.
        Assert.True(Array.IndexOf(lines, dbLine) < Array.IndexOf(lines, webLine), result.StandardOutput);
    }

    [Fact]
    public async Task Vms_AutoTunnels_ShowsTheAddressTheDaemonGaveEachVm()
    {
        await using var lab = await CliPool.StartAsync();
        var web = lab.Pool.AddVm("web01");
        var fresh = lab.Pool.AddVm("fresh01");
        lab.Pool.AddTag(web, "console");
        lab.Pool.AddTag(fresh, "console");
        var first = XcpTunnel.Benchmarks.Tcp.FreeRange(10);
        var state = XcpTunnel.AutoTunnels.AutoTunnelState.Load(XcpTunnel.AutoTunnels.AutoTunnelState.PathFor(lab.Directory.Path, "lab"));
        state.Vms[web.Uuid] = new XcpTunnel.AutoTunnels.AutoTunnelEntry { Name = "web01", Port = first + 4, Tunnel = true };
        state.Save();
        var pool = lab.PoolEntry();
        pool["AutoTunnels"] = new JsonObject { ["Match"] = "tag:console", ["Ports"] = $"{first}-{first + 9}" };
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = pool },
            ["State"] = new JsonObject { ["Directory"] = lab.Directory.Path },
        });

        var result = await CliPool.RunAsync("vms", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("vms failed"));
        var lines = result.StandardOutput.Split('\n');
        Assert.Contains($"127.0.0.1:{first + 4} (generated)", Assert.Single(lines, l => l.Contains("web01", StringComparison.Ordinal)), StringComparison.Ordinal);
        // The daemon has not given it a port yet: vms never makes one up.
        Assert.DoesNotContain("127.0.0.1:", Assert.Single(lines, l => l.Contains("fresh01", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vms_Json_IsAnArrayWithEveryField()
    {
        await using var lab = await CliPool.StartAsync();
        var web = lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var port = TestPorts.Free();
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", port) },
        });

        var result = await CliPool.RunAsync("vms", "--json", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("vms --json failed"));
        var vms = JsonNode.Parse(result.StandardOutput)!.AsArray();
        Assert.Equal(["db01", "web01"], vms.Select(v => (string)v!["name"]!));
        var row = vms[1]!;
        Assert.Equal("lab", (string?)row["pool"]);
        Assert.Equal(web.Uuid, (string?)row["uuid"]);
        Assert.Equal("Running", (string?)row["powerState"]);
        Assert.Equal("host2", (string?)row["host"]);
        Assert.Equal(["rfb", "vt100"], row["consoles"]!.AsArray().Select(c => (string)c!));
        var tunnel = Assert.Single(row["tunnels"]!.AsArray())!;
        Assert.Equal("web", (string?)tunnel["name"]);
        Assert.Equal($"127.0.0.1:{port}", (string?)tunnel["listen"]);
        Assert.Null(vms[0]!["host"]?.GetValue<string>());
        Assert.Empty(vms[0]!["consoles"]!.AsArray());
    }

    [Fact]
    public async Task Vms_PoolOptionAndNameFilter_ListOnlyMatchingVms()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        await using var dev = await CliPool.StartAsync(hostCount: 1);
        lab.Pool.AddVm("web01");
        dev.Pool.AddVm("Web-dev");
        dev.Pool.AddVm("db-dev");
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(), ["dev"] = dev.PoolEntry() },
        });

        var onlyDev = await CliPool.RunAsync("vms", "--config", config, "--pool", "dev");
        var webOnly = await CliPool.RunAsync("vms", "--config", config, "WEB");

        Assert.True(onlyDev.ExitCode == 0, onlyDev.Describe("vms --pool failed"));
        Assert.Contains("Web-dev", onlyDev.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("db-dev", onlyDev.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("web01", onlyDev.StandardOutput, StringComparison.Ordinal);
        Assert.True(webOnly.ExitCode == 0, webOnly.Describe("vms WEB failed"));
        Assert.Contains("web01", webOnly.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Web-dev", webOnly.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("db-dev", webOnly.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vms_UnreachablePool_ListsTheOthersAndExitsOne()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        lab.Pool.AddVm("web01");
        var dead = lab.PoolEntry();
        dead["Url"] = $"https://127.0.0.1:{TestPorts.Free()}";
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(), ["gone"] = dead },
        });

        var result = await CliPool.RunAsync("vms", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("web01", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("pool gone:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("refused", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Vms_EveryPoolFails_PrintsNothingOnStdout(bool json)
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        var dead = lab.PoolEntry();
        dead["Url"] = $"https://127.0.0.1:{TestPorts.Free()}";
        var config = lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["gone"] = dead } });

        var result = await CliPool.RunAsync(json ? ["vms", "--json", "--config", config] : ["vms", "--config", config]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.StartsWith("xcptunnel: pool gone: ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vms_UnknownPool_SaysWhichPoolsThereAre()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        var config = lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() } });

        var result = await CliPool.RunAsync("vms", "--config", config, "--pool", "lba");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"xcptunnel: --pool: {config} has no pool named 'lba'; it has lab", result.StandardError.Trim());
    }
}
