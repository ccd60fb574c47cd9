using System.Text.Json.Nodes;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Cli;

/// <summary><c>xcptunnel trust</c> as a user runs it, against a simulated pool's hosts.</summary>
public sealed class TrustCommandTests
{
    [Fact]
    public async Task Trust_PrintsTheHostCertificateAndItsFingerprint()
    {
        await using var lab = await CliPool.StartAsync();
        var host = lab.Pool.Hosts[1];

        var result = await CliPool.RunAsync("trust", host.Url.ToString());

        Assert.True(result.ExitCode == 0, result.Describe("trust failed"));
        var fields = result.StandardOutput.Split('\n')
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].StartsWith("  ", StringComparison.Ordinal))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        Assert.Equal(CliPool.Fingerprint(host), fields["SHA-256"]);
        Assert.Equal("CN=host2", fields["Subject"]);
        Assert.Equal("host2", fields["DNS names"]);
        Assert.Equal("127.0.0.2", fields["IP addresses"]);
        Assert.Contains("UTC", fields["Not after"], StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trust_Write_KeepsTheFilesOwnerGroupAndMode()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry(pins: new string('0', 64)) },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
        });
        // As the package installs it (root:xcptunnel 0640), with accounts every Debian system has.
        await Processes.RunAsync(new ProcessSpec(PeerProgram.Chown.Require(), ["nobody:daemon", config]), TestTimeouts.Default, CancellationToken.None);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var result = await CliPool.RunAsync("trust", lab.Pool.CoordinatorUrl.ToString(), "--write", "--pool", "lab", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("trust --write failed"));
        var stat = await Processes.RunAsync(new ProcessSpec("stat", ["-c", "%U:%G %a", config]), TestTimeouts.Default, CancellationToken.None);
        Assert.Equal("nobody:daemon 640", stat.StandardOutput.Trim());
    }

    [Fact]
    public async Task Trust_Write_SetsThePinKeepsEverythingElseAndCheckThenPasses()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        lab.Pool.AddVm("web01");
        var entry = lab.PoolEntry(pins: new string('0', 64));
        entry["Transport"] = "jsonrpc";
        entry["FallbackUrls"] = new JsonArray("https://127.0.0.9");
        var config = lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = entry },
            ["Tunnels"] = new JsonObject { ["web"] = CliPool.Tunnel("web01", TestPorts.Free()) },
            ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
        });
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var before = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.Equal(1, (await CliPool.RunAsync("check", "--config", config)).ExitCode);

        var result = await CliPool.RunAsync("trust", lab.Pool.CoordinatorUrl.ToString(), "--write", "--pool", "lab", "--config", config);

        Assert.True(result.ExitCode == 0, result.Describe("trust --write failed"));
        var fingerprint = CliPool.Fingerprint(lab.Pool.Coordinator);
        Assert.Contains($"Wrote \"TlsFingerprint\": \"{fingerprint}\" to Pools:lab", result.StandardOutput, StringComparison.Ordinal);
        var after = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.Equal(fingerprint, (string?)after["Pools"]!["lab"]!["TlsFingerprint"]);
        Assert.Equal(
            before["Pools"]!["lab"]!.AsObject().Select(p => p.Key),
            after["Pools"]!["lab"]!.AsObject().Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(WithoutPin(before), WithoutPin(after)), $"before: {before}\nafter: {after}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(config));
        Assert.Equal(["xcptunnel.json", "lab.password"], Directory.GetFiles(lab.Directory.Path).Select(Path.GetFileName).OrderDescending());

        var check = await CliPool.RunAsync("check", "--config", config);
        Assert.True(check.ExitCode == 0, check.Describe("check after trust --write failed"));
    }

    [Fact]
    public async Task Trust_WriteForPoolWithCaFile_RefusesAndLeavesTheFileAlone()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        var entry = lab.PoolEntry();
        entry.Remove("TlsFingerprint");
        entry["CaFile"] = "/etc/xcptunnel/lab-ca.pem";
        var config = lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["lab"] = entry } });
        var before = await File.ReadAllBytesAsync(config);

        var result = await CliPool.RunAsync("trust", lab.Pool.CoordinatorUrl.ToString(), "--write", "--pool", "lab", "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already trusts its hosts through CaFile", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(config));
    }

    [Fact]
    public async Task Trust_WriteForUnknownPool_RefusesAndLeavesTheFileAlone()
    {
        await using var lab = await CliPool.StartAsync(hostCount: 1);
        var config = lab.WriteConfig(new JsonObject { ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() } });
        var before = await File.ReadAllBytesAsync(config);

        // The URL is a listener that records connections: a typo in --pool must fail before the host is asked anything.
        using var host = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        host.Start();
        var url = $"https://127.0.0.1:{((System.Net.IPEndPoint)host.LocalEndpoint).Port}";

        var result = await CliPool.RunAsync("trust", url, "--write", "--pool", "dev", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"xcptunnel: --pool: {config} has no pool named 'dev' under Pools; add the pool first", result.StandardError.Trim());
        Assert.Empty(result.StandardOutput);
        Assert.Equal(before, await File.ReadAllBytesAsync(config));
        // The process has exited: a connection it made would be waiting in the backlog now.
        Assert.False(host.Pending(), "trust contacted the host although --pool names no pool");
    }

    private static JsonNode WithoutPin(JsonNode config)
    {
        var copy = config.DeepClone();
        copy["Pools"]!["lab"]!.AsObject().Remove("TlsFingerprint");
        return copy;
    }
}
