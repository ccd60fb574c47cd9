using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;

namespace XcpTunnel.Benchmarks;

/// <summary>
/// Tunnels generated from the pool (<c>Pools:&lt;pool&gt;:AutoTunnels</c>, docs/auto-tunnels.md) in the real daemon: how long
/// from tagging a VM to its tunnel accepting viewers, how long until 1,000 VMs tagged at once all have theirs, and what
/// the daemon holds with 1,000 generated tunnels idle.
/// </summary>
internal static class AutoTunnelsBench
{
    private const string Password = "bench-password";
    private const string Tag = "console";
    private const int Samples = 20;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<List<ResultRow>> MeasureAsync(BenchSettings settings, CancellationToken ct)
    {
        int count = settings.AutoTunnelVms;
        await using var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { Password = Password, HostCount = 2 }, ct);
        var backend = ConsoleBackend.Qemu();
        // Named so that name order is creation order: ports are given lowest first, in name order.
        var vms = Enumerable.Range(0, count)
            .Select(i => pool.AddVm("vm" + i.ToString("D5", CultureInfo.InvariantCulture), residentOn: pool.Hosts[i % 2], backend: backend))
            .ToList();
        // A hand-written tunnel beside the generated ones, to a VM that is never tagged.
        var handWritten = pool.AddVm("hand-written", backend: backend);
        int first = Tcp.FreeRange(count);
        var directory = Directory.CreateTempSubdirectory("xcptunnel-bench-auto-");
        try
        {
            var (daemon, _) = await Peers.StartDaemonAsync(settings.XcpTunnelBinary, pool, Password, handWritten.NameLabel, 16, settings.HoldSeconds, directory.FullName, config =>
            {
                config["Pools"]!["bench"]!["AutoTunnels"] = new JsonObject
                {
                    ["Match"] = "tag:" + Tag,
                    ["Ports"] = $"{first}-{first + count - 1}",
                };
                config["State"] = new JsonObject { ["Directory"] = directory.FullName };
            });
            await using (daemon)
            {
                Progress($"auto tunnels: waiting for the console cache of {count} VMs");
                await UntilAsync(() => daemon.Tail().Contains($"console cache loaded ({count + 1} VMs)", StringComparison.Ordinal), daemon, ct);
                await Task.Delay(Settle, ct);
                long before = daemon.ResidentBytes();

                Progress($"auto tunnels: {Samples} tag changes, one at a time");
                var latencies = new List<double>();
                for (int i = 0; i < Samples; i++)
                {
                    var watch = Stopwatch.StartNew();
                    pool.AddTag(vms[i], Tag);
                    await UntilListeningAsync(first + i, daemon, ct);
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }

                if (await DesktopAsync(first + Samples - 1, ct) != $"QEMU ({vms[Samples - 1].NameLabel})")
                {
                    throw new InvalidOperationException("a generated tunnel served another VM's console");
                }

                Progress($"auto tunnels: {count - Samples} VMs tagged at once");
                var burst = Stopwatch.StartNew();
                foreach (var vm in vms.Skip(Samples))
                {
                    pool.AddTag(vm, Tag);
                }

                await UntilListeningAsync(first + count - 1, daemon, ct);
                double burstSeconds = burst.Elapsed.TotalSeconds;
                await Task.Delay(Settle, ct);
                long after = daemon.ResidentBytes();
                latencies.Sort();
                string n = count.ToString("N0", CultureInfo.InvariantCulture);
                return
                [
                    new ResultRow($"generated tunnels: tag change to a listening tunnel, p50 ({Samples})", "ms", null, null, Statistics.Percentile(latencies, 50), Better.Lower),
                    new ResultRow($"generated tunnels: tag change to a listening tunnel, max ({Samples})", "ms", null, null, latencies[^1], Better.Lower),
                    new ResultRow($"generated tunnels: {count - Samples:N0} VMs tagged at once until all listen", "s", null, null, burstSeconds, Better.Lower),
                    new ResultRow($"generated tunnels: daemon RSS, {n}-VM pool, none generated", "MiB", null, null, before / 1048576.0, Better.Lower),
                    new ResultRow($"generated tunnels: daemon RSS with {n} generated idle tunnels", "MiB", null, null, after / 1048576.0, Better.Lower),
                    new ResultRow("generated tunnels: RSS per generated idle tunnel", "KiB", null, null, (after - before) / 1024.0 / count, Better.Lower),
                ];
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // Polled every millisecond: a refused loopback connect costs microseconds, and the resolution is what is measured.
    private static async Task UntilListeningAsync(int port, ChildProcess daemon, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !daemon.HasExited)
            {
                await Task.Delay(1, ct);
            }
        }
    }

    private static async Task UntilAsync(Func<bool> condition, ChildProcess daemon, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (daemon.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the daemon did not get in step with the pool:\n{daemon.Tail()}");
            }

            await Task.Delay(50, ct);
        }
    }

    private static async Task<string> DesktopAsync(int port, CancellationToken ct)
    {
        await using var stream = await Tcp.ConnectAsync(port, ct);
        await using var client = await RfbClient.ConnectAsync(stream, new RfbClientOptions(), ct);
        return client.ServerInit.Name;
    }

    private static void Progress(string what) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}");
}
