using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.AutoTunnels;

/// <summary>Tunnels generated from a pool of 200 VMs, following it live and keeping their ports across a restart.</summary>
public sealed class AutoTunnelsEndToEndTests
{
    private const string Tag = "console";

    [Fact]
    public async Task Pool_TaggedVmsGetTunnels_FollowTagsRenamesAndDestroys_PortsSurviveARestart()
    {
        await using var lab = await CliPool.StartAsync();
        var vms = Enumerable.Range(0, 200)
            .Select(i => lab.Pool.AddVm("vm" + i.ToString("D3", CultureInfo.InvariantCulture), residentOn: lab.Pool.Hosts[i % 2]))
            .ToList();
        foreach (var vm in vms.Where((_, i) => i % 4 == 0))
        {
            lab.Pool.AddTag(vm, Tag);
        }

        var first = XcpTunnel.Benchmarks.Tcp.FreeRange(60);
        var healthPort = TestPorts.Free();
        WriteConfig(lab, first, healthPort);
        var daemon = await AutoTunnelDaemon.StartAsync(lab.ConfigPath);
        try
        {
            await daemon.FollowedAsync(Tagged(vms));
            Assert.Equal(50, daemon.Ports.Count);
            Assert.All(daemon.Ports.Values, port => Assert.InRange(port, first, first + 59));
            foreach (var vm in Tagged(vms).Select(uuid => vms.Single(v => v.Uuid == uuid)))
            {
                Assert.Equal($"QEMU ({vm.NameLabel})", await AutoTunnelDaemon.DesktopAsync(daemon.Ports[vm.Uuid]));
            }

            // A viewer of a VM about to be untagged: its tunnel goes, and the viewer with it once the drain (2 s) ends.
            var untagged = vms.Where((_, i) => i % 4 == 0).Take(5).ToList();
            await using var leaving = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, daemon.Ports[untagged[0].Uuid]));
            Assert.True((await leaving.ConnectAsync()).Admitted);
            var renamed = vms[100];
            var renamedPort = daemon.Ports[renamed.Uuid];
            var destroyed = vms[104];
            var before = daemon.Ports;

            var changed = Stopwatch.StartNew();
            foreach (var vm in vms.Where((_, i) => i % 4 == 1).Take(10))
            {
                lab.Pool.AddTag(vm, Tag);
            }

            foreach (var vm in untagged)
            {
                lab.Pool.RemoveTag(vm, Tag);
            }

            lab.Pool.Rename(renamed, "renamed-vm");
            lab.Pool.SetPowerState(destroyed, SimulatedPowerState.Halted);
            lab.Pool.Destroy(destroyed);
            await daemon.FollowedAsync(Tagged(vms).Except([destroyed.Uuid]));
            var followed = changed.Elapsed;

            Assert.True(followed < TimeSpan.FromSeconds(5), $"the listeners followed the pool after {followed.TotalSeconds:F1} s");
            Assert.Equal(54, daemon.Ports.Count);
            Assert.Equal(renamedPort, daemon.Ports[renamed.Uuid]);
            Assert.Equal("QEMU (renamed-vm)", await AutoTunnelDaemon.DesktopAsync(renamedPort));
            Assert.All(before.Where(p => daemon.Ports.ContainsKey(p.Key)), p => Assert.Equal(p.Value, daemon.Ports[p.Key]));
            foreach (var vm in vms.Where((_, i) => i % 4 == 1).Take(10))
            {
                Assert.Equal($"QEMU ({vm.NameLabel})", await AutoTunnelDaemon.DesktopAsync(daemon.Ports[vm.Uuid]));
            }

            Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(before[untagged[1].Uuid]));
            Assert.True(await leaving.IsClosedAsync());
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = TestTimeouts.Default };
            // The viewer sees its connection close a moment before the daemon counts it.
            var removed = $"xcptunnel_connections_total{{tunnel=\"lab-{untagged[0].Uuid}\",outcome=\"tunnel_removed\"}} 1";
            string metrics;
            var deadline = DateTime.UtcNow + TestTimeouts.Default;
            while (!(metrics = await http.GetStringAsync(new Uri("metrics", UriKind.Relative)).Bounded()).Contains(removed, StringComparison.Ordinal)
                   && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Contains(removed, metrics, StringComparison.Ordinal);
            Assert.Contains("xcptunnel_generated_tunnels{pool=\"lab\"} 54", metrics, StringComparison.Ordinal);
            var listed = JsonNode.Parse(await http.GetStringAsync(new Uri("tunnels", UriKind.Relative)).Bounded())!.AsArray();
            var renamedEntry = listed.Single(t => (string?)t!["vm"] == renamed.Uuid)!;
            Assert.Equal("renamed-vm", (string?)renamedEntry["vmName"]);
            Assert.True((bool)renamedEntry["generated"]!);

            var ports = daemon.Ports;
            await daemon.DisposeAsync();
            daemon = await AutoTunnelDaemon.StartAsync(lab.ConfigPath);

            // From the state file at once, before the pool has answered; then from the pool, the same.
            Assert.Equal(ports.OrderBy(p => p.Key), daemon.Ports.OrderBy(p => p.Key));
            await daemon.InStepAsync();
            Assert.Equal(ports.OrderBy(p => p.Key), daemon.Ports.OrderBy(p => p.Key));
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task Serve_StateFileDamaged_DoesNotStart_SaysWhatToDo_LeavesTheFileAlone()
    {
        await using var lab = await CliPool.StartAsync();
        WriteConfig(lab, XcpTunnel.Benchmarks.Tcp.FreeRange(60), TestPorts.Free());
        var state = XcpTunnel.AutoTunnels.AutoTunnelState.PathFor(lab.Directory.Path, "lab");
        const string Damaged = """{ "vms": { "0b6e6c0e-4c6b-4d3a-9e1f-6a2b3c4d5e6f": { "name": "web01", "port": 59""";
        await File.WriteAllTextAsync(state, Damaged);

        var result = await CliPool.RunAsync("serve", "--config", lab.ConfigPath);

        Assert.True(result.ExitCode == 1, result.Describe("serve should not have started"));
        Assert.Contains($"{state} is not a valid state file (", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("mend it, or move it away to give every VM a new port", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(Damaged, await File.ReadAllTextAsync(state));
    }

    private static IEnumerable<string> Tagged(IEnumerable<SimulatedVm> vms) => vms.Where(v => v.Tags.Contains(Tag)).Select(v => v.Uuid);

    private static void WriteConfig(CliPool lab, int firstPort, int healthPort)
    {
        var pool = lab.PoolEntry();
        pool["AutoTunnels"] = new JsonObject
        {
            ["Match"] = "tag:" + Tag,
            ["Ports"] = $"{firstPort}-{firstPort + 59}",
        };
        lab.WriteConfig(new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = pool },
            ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{healthPort}" },
            ["State"] = new JsonObject { ["Directory"] = lab.Directory.Path },
            ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
        });
    }

    private static async Task<SocketError> ConnectErrorAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).Bounded();
            return SocketError.Success;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
    }
}
