using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Daemon;

public sealed class PoolRegistryTests
{
    private const string Password = "registry-test-Pa55";

    [Fact]
    public async Task Renew_RenewedPool_GetsANewStartedCacheOverItsNewSession_AndTheOldOneStops()
    {
        await using var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { Password = Password }, CancellationToken.None).Bounded();
        pool.AddVm("web01");
        var options = new Dictionary<string, XapiPoolOptions> { ["lab"] = Options(pool), ["other"] = Options(pool) };
        await using var registry = new PoolRegistry(options, NullLoggerFactory.Instance, TimeProvider.System);
        registry.StartConsoleCaches();
        var old = Assert.IsType<ConsoleCache>(registry.ConsolesOf("lab"));
        var kept = registry.ConsolesOf("other");
        await InStepAsync(old);

        var retired = registry.Renew(options, new HashSet<string>(["lab"]));

        var renewed = Assert.IsType<ConsoleCache>(registry.ConsolesOf("lab"));
        Assert.NotSame(old, renewed);
        Assert.Same(registry["lab"], renewed.Pool);
        Assert.Same(kept, registry.ConsolesOf("other"));
        Assert.Same(old.Pool, Assert.Single(retired));
        await InStepAsync(renewed);
        Assert.Equal("web01", (await renewed.ResolveAsync("web01", CancellationToken.None).Bounded()).Vm.NameLabel);
        Assert.False(old.IsSynchronised);
        await retired[0].DisposeAsync();
    }

    private static XapiPoolOptions Options(SimulatedPool pool) => new()
    {
        Name = "lab",
        Url = pool.CoordinatorUrl,
        UserName = "root",
        Password = new XapiPassword(Password),
        Trust = TlsTrustPolicy.Pinned(pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate))),
    };

    private static async Task InStepAsync(ConsoleCache cache)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!cache.IsSynchronised)
        {
            Assert.True(DateTime.UtcNow < deadline, "the console cache never got in step");
            await Task.Delay(10);
        }
    }
}
