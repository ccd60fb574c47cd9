using System.Diagnostics;
using System.Globalization;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;
using Xunit.Abstractions;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// A 10,000-VM pool: its <c>VM.get_all_records</c> is tens of MiB (real VM records are kilobytes each) and a burst of
/// changes makes a large <c>event.from</c> reply. The daemon must load it, follow it, and stay in bounded memory
/// (docs/xapi-console-protocol.md, "Events").
/// </summary>
public sealed class LargePoolEndToEndTests(ITestOutputHelper output)
{
    private const int VmCount = 10_000;
    private const int HostCount = 20;
    private const int PowerChanges = 1_000;
    private static readonly TimeSpan SyncBudget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Serve_TenThousandVmPool_CacheLoadsAndStaysInStepThroughAThousandPowerChanges()
    {
        await using var lab = await CliPool.StartAsync(hostCount: HostCount);
        var pool = lab.Pool;
        var backend = ConsoleBackend.Qemu();
        var vms = new List<SimulatedVm>(VmCount);
        for (var i = 0; i < VmCount; i++)
        {
            vms.Add(pool.AddVm($"vm{i:D5}", residentOn: pool.Hosts[i % HostCount], backend: backend));
        }

        var started = Stopwatch.StartNew();
        await using var served = await ServedPool.StartAsync(lab, new Dictionary<string, string> { ["last"] = "vm09999", ["flip"] = "vm05000" });
        await served.Serve.Process.WaitForOutputAsync($"console cache loaded ({VmCount} VMs)", SyncBudget);
        output.WriteLine($"10,000 VMs: console cache in step {started.Elapsed.TotalSeconds:0.0} s after start, daemon RSS {RssMiB(served)} MiB");

        Assert.Equal(0, await ResolutionCallsAsync(pool, () => served.DesktopNameAsync("last")));

        // 1,000 power changes: every one destroys or creates consoles and changes a VM record, all as events.
        for (var i = 0; i < PowerChanges; i++)
        {
            var vm = vms[i * (VmCount / PowerChanges)];
            pool.SetPowerState(vm, vm.PowerState == SimulatedPowerState.Running ? SimulatedPowerState.Halted : SimulatedPowerState.Running);
        }

        // vm05000 was among them: halted, so its viewer is told; then it starts again with new consoles.
        Assert.Contains("VM 'vm05000' is Halted", await RefusedFromTheCacheAsync(served), StringComparison.Ordinal);
        pool.SetPowerState(vms[5000], SimulatedPowerState.Running);
        await ViewedFromTheCacheAsync(served, pool);
        output.WriteLine($"after {PowerChanges} power changes: daemon RSS {RssMiB(served)} MiB");

        Assert.DoesNotContain("cannot follow the pool", served.Output, StringComparison.Ordinal);
        Assert.True(RssMiB(served) < 400, $"the daemon holds {RssMiB(served)} MiB for a {VmCount}-VM pool");
    }

    // What a viewer's resolution costs the pool: every RPC but the cache's own feed.
    private static async Task<long> ResolutionCallsAsync(SimulatedPool pool, Func<Task> view)
    {
        static long Calls(SimulatedPool p) => p.Counters.TotalCalls - p.Counters.Calls("event.from") - p.Counters.Calls("event.inject");
        var before = Calls(pool);
        await view();
        return Calls(pool) - before;
    }

    // Until the cache has the change (the refusal comes from the table, with no XAPI call), the viewer may be answered by RPC.
    private static async Task<string> RefusedFromTheCacheAsync(ServedPool served)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            string reason = "";
            var calls = await ResolutionCallsAsync(served.Pool, async () => reason = await served.RefusalAsync("flip"));
            if (calls == 0 || DateTime.UtcNow > deadline)
            {
                return reason;
            }

            await Task.Delay(100);
        }
    }

    private static async Task ViewedFromTheCacheAsync(ServedPool served, SimulatedPool pool)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                if (await ResolutionCallsAsync(pool, () => served.DesktopNameAsync("flip")) == 0)
                {
                    return;
                }
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                // Still halted in the daemon's eyes.
            }

            Assert.True(DateTime.UtcNow < deadline, "the daemon never saw vm05000 start again");
            await Task.Delay(100);
        }
    }

    private static long RssMiB(ServedPool served)
    {
        var line = File.ReadLines($"/proc/{served.Serve.Process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
