using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Cli;

/// <summary><c>xcptunnel probe</c> as Nagios runs it: the real binary, a config file, a simulated pool.</summary>
public sealed class ProbeCommandTests
{
    // A loaded two-core CI machine starts a process slowly; thresholds are tested on their own.
    private static readonly string[] Relaxed = ["--warning-ms", "20000", "--critical-ms", "25000"];

    private static readonly string[] XapiStages = ["xapi", "tls", "connect", "rfb_version", "security", "server_init", "first_update"];

    [Fact]
    public async Task Probe_TunnelName_PrintsOkWithEveryStageAndExitsZero()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("kamal-CentOS-5.3x64", residentOn: lab.Pool.Hosts[1], backend: ConsoleBackend.QemuTestCard());
        var config = WriteConfig(lab, ("centos", "kamal-CentOS-5.3x64"));

        var result = await CliPool.RunAsync(["probe", "centos", "--config", config, .. Relaxed]);

        Assert.True(result.ExitCode == 0, result.Describe("probe failed"));
        var line = SingleLine(result);
        Assert.StartsWith("XCPTUNNEL OK - centos: 800x600 \"QEMU (kamal-CentOS-5.3x64)\" in ", line, StringComparison.Ordinal);
        var perfdata = line[(line.IndexOf(" | ", StringComparison.Ordinal) + 3)..].Split(' ');
        Assert.Equal([.. XapiStages, "total"], perfdata.Select(p => p[..p.IndexOf('=', StringComparison.Ordinal)]));
        Assert.Matches(@"^total=\d+(\.\d)?ms;20000;25000;0$", perfdata[^1]);
        Assert.Equal(1, lab.Pool.Counters.Logouts);
    }

    [Fact]
    public async Task Probe_HaltedVm_IsCriticalWithTheReasonAndExitsTwo()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var config = WriteConfig(lab, ("db", "db01"));

        var result = await CliPool.RunAsync("probe", "db", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("XCPTUNNEL CRITICAL - db: VM 'db01' is Halted | ", SingleLine(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_WrongPin_IsCriticalNamingTheCertificate()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(pins: new string('A', 64)) },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
        });

        var result = await CliPool.RunAsync("probe", "web", "--config", config);

        Assert.Equal(2, result.ExitCode);
        var line = SingleLine(result);
        Assert.StartsWith("XCPTUNNEL CRITICAL - web: ", line, StringComparison.Ordinal);
        Assert.Contains("does not match the pinned fingerprint", line, StringComparison.Ordinal);
        Assert.Equal(0, lab.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Probe_Json_ParsesWithTheScreenAndEveryStage()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        var config = WriteConfig(lab, ("web", "web01"));

        var result = await CliPool.RunAsync(["probe", "web", "--config", config, "--json", .. Relaxed]);

        Assert.True(result.ExitCode == 0, result.Describe("probe failed"));
        var json = JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("web", (string?)json["target"]);
        Assert.Equal("OK", (string?)json["status"]);
        Assert.Equal(0, (int?)json["exitCode"]);
        Assert.Equal("QEMU (web01)", (string?)json["desktopName"]);
        Assert.Equal((800, 600), ((int)json["width"]!, (int)json["height"]!));
        Assert.False((bool?)json["singleColour"]);
        Assert.Matches("^#[0-9a-f]{6}$", (string?)json["dominantColour"]);
        var stages = json["stages"]!.AsArray();
        Assert.Equal(XapiStages, stages.Select(s => (string?)s!["name"]));
        Assert.All(stages, s => Assert.True((double)s!["ms"]! >= 0));
        Assert.True((double)json["totalMs"]! >= stages.Sum(s => (double)s!["ms"]!));
    }

    [Theory]
    [InlineData("0", "25000", 1, "WARNING", "over the warning threshold of 0 ms")]
    [InlineData("0", "0", 2, "CRITICAL", "over the critical threshold of 0 ms")]
    public async Task Probe_OverThresholds_IsWarningOrCritical(string warningMs, string criticalMs, int exitCode, string status, string reason)
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        var config = WriteConfig(lab, ("web", "web01"));

        var result = await CliPool.RunAsync("probe", "web", "--config", config, "--warning-ms", warningMs, "--critical-ms", criticalMs);

        Assert.Equal(exitCode, result.ExitCode);
        var line = SingleLine(result);
        Assert.StartsWith($"XCPTUNNEL {status} - web: 800x600 ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.Contains($"ms;{warningMs};{criticalMs};0", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_SilentConsole_TimesOutNamingTheStage()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("mute01", backend: ConsoleBackend.Custom((_, ct) => Task.Delay(Timeout.Infinite, ct)));
        var config = WriteConfig(lab, ("mute", "mute01"));

        // Long enough for a cold process to log in (which reads the pool's host and certificate records too), even on
        // a loaded machine: a shorter budget can run out in the xapi stage, which is not the stage this test is about.
        var result = await CliPool.RunAsync("probe", "mute", "--config", config, "--timeout", "6");

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(
            @"^XCPTUNNEL CRITICAL - mute: timed out after 6 s in stage rfb_version \| xapi=\S+ms tls=\S+ms connect=\S+ms total=\S+ms;1000;5000;0$",
            SingleLine(result));
    }

    [Fact]
    public async Task Probe_Vm_WithTheOnlyPool_NeedsNoTunnel()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        var config = lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() } });

        var result = await CliPool.RunAsync(["probe", "--vm", "web01", "--config", config, .. Relaxed]);

        Assert.True(result.ExitCode == 0, result.Describe("probe failed"));
        Assert.StartsWith("XCPTUNNEL OK - web01: 800x600 \"QEMU (web01)\"", SingleLine(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_UnknownTunnel_IsUnknownListingTheTunnelsAndExitsThree()
    {
        await using var lab = await CliPool.StartAsync();
        var config = WriteConfig(lab, ("centos", "kamal-CentOS-5.3x64"));

        var result = await CliPool.RunAsync("probe", "centso", "--config", config);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal($"XCPTUNNEL UNKNOWN - centso: {config} has no tunnel named 'centso'; it has centos", SingleLine(result));
        Assert.Equal(0, lab.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Probe_NameWithoutAConfiguration_IsUnknownPointingAtHostPort()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-cli-");
        var missing = directory.File("missing.json");

        var result = await CliPool.RunAsync("probe", "web01", "--config", missing);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"XCPTUNNEL UNKNOWN - web01: 'web01' needs a configuration, and {missing} does not exist: give --config FILE, "
            + "or HOST:PORT of a running tunnel (e.g. 127.0.0.1:5901)",
            SingleLine(result));
    }

    [Fact]
    public async Task Probe_UnreadableConfig_IsUnknownAndExitsThree()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-cli-");
        var unreadable = directory.File("config.json");
        await File.WriteAllTextAsync(unreadable, "{ not json");

        var result = await CliPool.RunAsync("probe", "centos", "--config", unreadable);

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"XCPTUNNEL UNKNOWN - centos: {unreadable} is not valid: ", SingleLine(result), StringComparison.Ordinal);
    }

    private static string WriteConfig(CliPool lab, params (string Tunnel, string Vm)[] tunnels)
    {
        var section = new JsonObject();
        foreach (var (tunnel, vm) in tunnels)
        {
            section[tunnel] = CliPool.Tunnel(vm, TestPorts.Free());
        }

        return lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() }, ["Tunnels"] = section });
    }

    private static string SingleLine(ProcessResult result)
    {
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.Describe("expected one line on stdout"));
        return lines[0];
    }
}
