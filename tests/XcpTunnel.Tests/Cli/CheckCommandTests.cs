using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Cli;

/// <summary><c>xcptunnel check</c> as a user runs it, against a simulated pool.</summary>
public sealed class CheckCommandTests
{
    [Fact]
    public async Task Check_AllGood_PrintsATickPerItemAndExitsZero()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
        });

        var result = await CliPool.RunAsync("check", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("check failed"));
        var lines = Lines(result);
        Assert.All(lines.SkipLast(1), line => Assert.StartsWith("✓ ", line, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("pool lab: certificate of 127.0.0.1 verified by", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("pool lab: logged in as root", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("tunnel web", StringComparison.Ordinal) && l.Contains("VM 'web01' is running on host2 with an rfb console", StringComparison.Ordinal));
        Assert.Equal(1, lab.Pool.Counters.Logouts);
    }

    [Fact]
    public async Task Check_HaltedTunnelVm_PrintsTheReasonAndExitsOne()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01");
        lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
            ["Tunnels"] = new JsonObject
            {
                ["db"] = CliPool.Tunnel("db01", TestPorts.Free()),
                ["web"] = CliPool.Tunnel("web01", TestPorts.Free()),
            },
        });

        var result = await CliPool.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        var lines = Lines(result);
        Assert.Contains(lines, l => l.StartsWith("✗ tunnel db", StringComparison.Ordinal) && l.EndsWith("VM 'db01' is Halted", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ tunnel web", StringComparison.Ordinal));
        Assert.Equal("1 problem found (4 checks passed).", lines[^1]);
    }

    [Fact]
    public async Task Check_WrongPin_PrintsThePresentedFingerprintAndTheLineToAdd()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01");
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(pins: new string('A', 64)) },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
        });

        var result = await CliPool.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        var presented = CliPool.Fingerprint(lab.Pool.Coordinator);
        var lines = Lines(result);
        Assert.Contains(lines, l => l.StartsWith("✗ pool lab: certificate of 127.0.0.1 does not match the pinned fingerprint", StringComparison.Ordinal) && l.Contains(presented, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Trim() == $"\"TlsFingerprint\": \"{presented}\"");
        Assert.Contains(lines, l => l.StartsWith("✗ tunnel web", StringComparison.Ordinal) && l.Contains("not checked", StringComparison.Ordinal));
        Assert.Equal(0, lab.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Check_OnlyTheCoordinatorPinned_MemberVerifiedByWhatThePoolPublishes()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(pins: lab.Pool.Coordinator.CertificateSha256Hex) },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
        });

        var result = await CliPool.RunAsync("check", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("check failed"));
        Assert.Contains(Lines(result), l => l.StartsWith("✓ tunnel web", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_MemberIsNotWhatThePoolPublishes_FailsTheTunnelWithBothFingerprintsAndNoPinHint()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", residentOn: lab.Pool.Hosts[1]);
        using var other = TestCertificates.SelfSigned("host2");
        lab.Pool.PublishCertificate(lab.Pool.Hosts[1], other);
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(pins: lab.Pool.Coordinator.CertificateSha256Hex) },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
        });

        var result = await CliPool.RunAsync("check", "--config", config);

        Assert.Equal(1, result.ExitCode);
        var lines = Lines(result);
        Assert.Contains(lines, l => l.StartsWith("✗ tunnel web", StringComparison.Ordinal)
            && l.Contains(CliPool.Fingerprint(lab.Pool.Hosts[1]), StringComparison.Ordinal)
            && l.Contains(Protocol.Tls.CertificateFingerprint.Of(other).ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("\"TlsFingerprint\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_InvalidConfig_ExitsTwoNamingEveryKey()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-cli-");
        var config = directory.File("xcptunnel.json");
        await File.WriteAllTextAsync(config, """
            { "Pools": { "lab": { "Url": "http://xcp01", "Username": "root", "Insecure": true, "TlsFingerprint": "AB" } },
              "Tunnels": { "db01": { "Listen": "127.0.0.1:5902", "Pool": "lba", "Vm": "db01" } } }
            """);

        var result = await CliPool.RunAsync("check", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("Tunnels:db01:Pool: no pool named 'lba'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Pools:lab:Url:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Pools:lab: TlsFingerprint and Insecure are both set", result.StandardError, StringComparison.Ordinal);
    }

    private static string[] Lines(ProcessResult result) =>
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } lines
            ? lines
            : throw new Xunit.Sdk.XunitException(result.Describe("check printed nothing"));
}
