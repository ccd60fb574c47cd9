using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Consoles;

/// <summary>A simulated pool, a session to it and a started console cache, with the RPC counting the tests assert on.</summary>
internal sealed class CacheRig : IAsyncDisposable
{
    private CacheRig(PoolFixture fixture, ConsoleCache cache)
    {
        Fixture = fixture;
        Cache = cache;
    }

    public PoolFixture Fixture { get; }

    public SimulatedPool Pool => Fixture.Pool;

    public ConsoleCache Cache { get; }

    /// <summary>Every RPC but the cache's own event feed: what resolving and dialing cost.</summary>
    public long ResolutionCalls => Pool.Counters.TotalCalls - Pool.Counters.Calls("event.from");

    /// <summary>Starts the cache over a pool prepared by <paramref name="prepare"/> and waits until it is in step.</summary>
    public static async Task<CacheRig> StartAsync(
        Action<SimulatedPool> prepare, int hosts = 1, XapiTransport transport = XapiTransport.Auto, TimeSpan? minBackoff = null, TimeSpan? callTimeout = null)
    {
        var fixture = await PoolFixture.StartAsync(hosts);
        prepare(fixture.Pool);
        var options = new ConsoleCacheOptions { MinBackoff = minBackoff ?? TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) };
        var loggers = LoggerFactory.Create(b => b.AddProvider(fixture.Logs).SetMinimumLevel(LogLevel.Trace));
        var poolOptions = fixture.Options(transport: transport);
        if (callTimeout is { } deadline)
        {
            poolOptions = poolOptions with { CallTimeout = deadline };
        }

        var cache = new ConsoleCache(fixture.Session(poolOptions), options, loggers);
        cache.Start();
        var rig = new CacheRig(fixture, cache);
        await rig.EventuallyAsync(() => cache.IsSynchronised);
        return rig;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after the default test timeout.</summary>
    public async Task EventuallyAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>
    /// Resolves until the cache itself (no RPC made) gives an answer <paramref name="accept"/> likes: the change
    /// has arrived through events. Failures meanwhile are tolerated.
    /// </summary>
    public async Task<ResolvedConsole> ResolveFromCacheUntilAsync(string vm, Func<ResolvedConsole, bool> accept)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            try
            {
                var before = ResolutionCalls;
                var resolved = await Cache.ResolveAsync(vm, deadline.Token);
                if (ResolutionCalls == before && accept(resolved))
                {
                    return resolved;
                }
            }
            catch (XcpTunnelException)
            {
            }

            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>Resolves until the cache itself (no RPC made) fails with a resolution error, and returns that error.</summary>
    public async Task<ConsoleResolutionException> FailFromCacheUntilAsync(string vm)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var before = ResolutionCalls;
            try
            {
                await Cache.ResolveAsync(vm, deadline.Token);
            }
            catch (ConsoleResolutionException ex) when (ResolutionCalls == before)
            {
                return ex;
            }
            catch (ConsoleResolutionException)
            {
            }

            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>Runs <paramref name="action"/> and returns how many resolution RPCs it made.</summary>
    public async Task<long> CountCallsAsync(Func<Task> action)
    {
        var before = ResolutionCalls;
        await action();
        return ResolutionCalls - before;
    }

    public async ValueTask DisposeAsync()
    {
        await Cache.DisposeAsync().Bounded();
        await Fixture.DisposeAsync();
    }
}
