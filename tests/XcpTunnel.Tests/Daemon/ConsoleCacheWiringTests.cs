using Microsoft.Extensions.DependencyInjection;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Health;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Daemon;

/// <summary>The daemon resolves through its pools' console caches: no XAPI call per viewer once in step.</summary>
public sealed class ConsoleCacheWiringTests
{
    [Fact]
    public async Task Serve_NewViewers_MakeNoXapiCalls()
    {
        await using var daemon = await DaemonFixture.StartAsync(pool => pool.AddVm("web01"), ("web", "web01"));
        await WaitInStepAsync(daemon);
        await ViewAsync(daemon); // The first viewer may still find the session being made.

        var before = ResolutionCalls(daemon.Pool);
        for (int i = 0; i < 5; i++)
        {
            await ViewAsync(daemon);
        }

        Assert.Equal(before, ResolutionCalls(daemon.Pool));
    }

    [Fact]
    public async Task Serve_AfterMigration_NextViewerUsesTheNewConsoleWithoutXapiCalls()
    {
        SimulatedVm? vm = null;
        await using var daemon = await DaemonFixture.StartAsync(pool => vm = pool.AddVm("web01"), ("web", "web01"));
        await WaitInStepAsync(daemon);
        await ViewAsync(daemon);

        // The fixture's pool has one host: a migration there still destroys and recreates the console.
        daemon.Pool.Migrate(vm!, daemon.Pool.Hosts[0]);
        var cache = Cache(daemon);
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while ((await cache.ResolveAsync("web01", CancellationToken.None).Bounded()).Console.Uuid != vm!.ConsoleUuid)
        {
            Assert.True(DateTime.UtcNow < deadline, "the cache never saw the migration");
            await Task.Delay(10);
        }

        var before = ResolutionCalls(daemon.Pool);
        await ViewAsync(daemon);

        Assert.Equal(before, ResolutionCalls(daemon.Pool));
    }

    private static ConsoleCache Cache(DaemonFixture daemon) =>
        Assert.IsType<ConsoleCache>(daemon.Host.Services.GetRequiredService<PoolRegistry>().ConsolesOf("lab"));

    private static async Task WaitInStepAsync(DaemonFixture daemon)
    {
        var cache = Cache(daemon);
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!cache.IsSynchronised)
        {
            Assert.True(DateTime.UtcNow < deadline, "the console cache never got in step");
            await Task.Delay(10);
        }
    }

    private static async Task ViewAsync(DaemonFixture daemon)
    {
        await using var viewer = await daemon.ViewerAsync("web");
        Assert.True((await viewer.ConnectAsync()).Admitted);
    }

    // Every RPC but the cache's own event feed.
    private static long ResolutionCalls(SimulatedPool pool) => pool.Counters.TotalCalls - pool.Counters.Calls("event.from");
}
