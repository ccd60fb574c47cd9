using System.Diagnostics;
using System.Globalization;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;

namespace XcpTunnel.Benchmarks;

/// <summary>
/// The daemon against a large pool: 10,000 VMs on 20 hosts, with VM records of a real one's size (the simulator's
/// are ~5 KB each, so <c>VM.get_all_records</c> is ~50 MiB). How long until its console cache is in step, what it holds
/// for that, and what it holds after 1,000 VM power changes have streamed in (docs/xapi-console-protocol.md, "Events").
/// </summary>
internal static class LargePoolBench
{
    private const string Password = "bench-password";
    private const int HostCount = 20;
    private const int PowerChanges = 1000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromMinutes(3);

    public static async Task<List<ResultRow>> MeasureAsync(BenchSettings settings, CancellationToken ct)
    {
        int vmCount = settings.LargePoolVms;
        await using var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { Password = Password, HostCount = HostCount }, ct);
        var backend = ConsoleBackend.Qemu();
        var vms = new List<SimulatedVm>(vmCount);
        for (int i = 0; i < vmCount; i++)
        {
            vms.Add(pool.AddVm(Name(i), residentOn: pool.Hosts[i % HostCount], backend: backend));
        }

        // The tunnel's VM is the last one the power changes halt: when its viewer is told so by the cache, with no
        // XAPI call, the cache has followed every change.
        var stride = Math.Max(1, vmCount / PowerChanges);
        var watched = vms[(PowerChanges - 1) * stride % vmCount];
        var directory = Directory.CreateTempSubdirectory("xcptunnel-bench-large-");
        try
        {
            var started = Stopwatch.StartNew();
            var (daemon, port) = await Peers.StartDaemonAsync(settings.XcpTunnelBinary, pool, Password, watched.NameLabel, 16, settings.HoldSeconds, directory.FullName);
            await using (daemon)
            {
                Progress($"large pool: waiting for the console cache of {vmCount} VMs");
                await WaitForAsync(() => Task.FromResult(daemon.Tail().Contains($"console cache loaded ({vmCount} VMs)", StringComparison.Ordinal)), daemon, ct);
                double syncSeconds = started.Elapsed.TotalSeconds;
                await Task.Delay(Settle, ct);
                long synced = daemon.ResidentBytes();
                if (await ReasonAsync(port, ct) is { } refused)
                {
                    throw new InvalidOperationException($"the large pool's tunnel refused a viewer: {refused}");
                }

                Progress($"large pool: {PowerChanges} power changes");
                var changes = Stopwatch.StartNew();
                for (int i = 0; i < PowerChanges; i++)
                {
                    pool.SetPowerState(vms[i * stride % vmCount], SimulatedPowerState.Halted);
                }

                await WaitForAsync(() => InStepAfterChanges(pool, port, watched, ct), daemon, ct);
                double changeSeconds = changes.Elapsed.TotalSeconds;
                await Task.Delay(Settle, ct);
                long changed = daemon.ResidentBytes();
                string vmsText = vmCount.ToString("N0", CultureInfo.InvariantCulture);
                return
                [
                    new ResultRow($"large pool ({vmsText} VMs, {HostCount} hosts): start to console cache in step", "s", null, null, syncSeconds, Better.Lower),
                    new ResultRow($"large pool: daemon RSS with the cache in step", "MiB", null, null, synced / 1048576.0, Better.Lower),
                    new ResultRow($"large pool: {PowerChanges:N0} VM power changes until the cache has them all", "s", null, null, changeSeconds, Better.Lower),
                    new ResultRow($"large pool: daemon RSS after {PowerChanges:N0} power changes", "MiB", null, null, changed / 1048576.0, Better.Lower),
                ];
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Name(int i) => "vm" + i.ToString("D5", CultureInfo.InvariantCulture);

    // In step: the viewer of the halted VM is told it is halted, and finding that out cost the pool no XAPI call.
    private static async Task<bool> InStepAfterChanges(SimulatedPool pool, int port, SimulatedVm watched, CancellationToken ct)
    {
        long before = ResolutionCalls(pool);
        var reason = await ReasonAsync(port, ct);
        return reason is not null && reason.Contains($"VM '{watched.NameLabel}' is Halted", StringComparison.Ordinal) && ResolutionCalls(pool) == before;
    }

    private static long ResolutionCalls(SimulatedPool pool) =>
        pool.Counters.TotalCalls - pool.Counters.Calls("event.from") - pool.Counters.Calls("event.inject");

    /// <summary>What a viewer of the tunnel is told: null when it gets the console, else the refusal.</summary>
    private static async Task<string?> ReasonAsync(int port, CancellationToken ct)
    {
        await using var stream = await Tcp.ConnectAsync(port, ct);
        try
        {
            await using var client = await RfbClient.ConnectAsync(stream, new RfbClientOptions(), ct);
            return null;
        }
        catch (RfbAuthenticationException ex)
        {
            return ex.Message;
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, ChildProcess daemon, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + SyncTimeout;
        while (!await condition())
        {
            if (daemon.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the daemon did not get in step with the large pool:\n{daemon.Tail()}");
            }

            await Task.Delay(50, ct);
        }
    }

    private static void Progress(string what) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}");
}
