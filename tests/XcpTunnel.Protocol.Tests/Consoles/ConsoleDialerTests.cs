using System.Text;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Consoles;

public sealed class ConsoleDialerTests
{
    [Fact]
    public async Task Dial_QemuBackend_StreamStartsWithRfb38()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu());
        var dialer = new ConsoleDialer(fixture.Session());

        await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();

        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
    }

    [Fact]
    public async Task Dial_VnctermBackend_StreamStartsWithRfb33()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        var dialer = new ConsoleDialer(fixture.Session());

        await using var connection = await dialer.DialAsync("pv01", CancellationToken.None).Bounded();

        Assert.Equal("RFB 003.003\n", await ReadVersion(connection.Stream));
    }

    [Fact]
    public async Task Dial_WithObserver_ReportsEachStageThenWaitsForTheConsolesVersion()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu());
        var dialer = new ConsoleDialer(fixture.Session());
        var stages = new RecordingStageObserver();

        await using var connection = await dialer.DialAsync("web01", stages, CancellationToken.None).Bounded();

        Assert.Equal(["+xapi", "-xapi", "+tls", "-tls", "+connect", "-connect", "+rfb_version"], stages.Events);
    }

    [Fact]
    public async Task Dial_WithObserver_HaltedVm_ReportsOnlyTheStageThatFailed()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var dialer = new ConsoleDialer(fixture.Session());
        var stages = new RecordingStageObserver();

        await Assert.ThrowsAsync<ConsoleResolutionException>(() => dialer.DialAsync("db01", stages, CancellationToken.None)).Bounded();

        Assert.Equal(["+xapi"], stages.Events);
    }

    [Fact]
    public async Task Dial_AfterMigration_UsesNewHost()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 3);
        var vm = fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1], backend: ConsoleBackend.Qemu());
        var dialer = new ConsoleDialer(fixture.Session());
        await using (var first = await dialer.DialAsync("web01", CancellationToken.None).Bounded())
        {
            Assert.Equal(fixture.Pool.Hosts[1].Address.ToString(), first.Console.Location.Host);
        }

        fixture.Pool.Migrate(vm, fixture.Pool.Hosts[2]);
        await using var second = await dialer.DialAsync("web01", CancellationToken.None).Bounded();

        Assert.Equal(fixture.Pool.Hosts[2].Address.ToString(), second.Console.Location.Host);
        Assert.Equal(vm.ConsoleUuid, second.Console.Console.Uuid);
        Assert.Equal("RFB 003.008\n", await ReadVersion(second.Stream));
    }

    [Fact]
    public async Task Dial_MigrationRace500_ResolvesAgainAndConnectsOnce()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu());
        fixture.Pool.Faults.FailNextConnects(500);
        var dialer = new ConsoleDialer(fixture.Session());

        await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();

        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
    }

    [Fact]
    public async Task Dial_Repeated500_ReportsHostRefused()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.Pool.Faults.FailNextConnects(500, count: 2);
        var dialer = new ConsoleDialer(fixture.Session());

        var error = await Assert.ThrowsAsync<ConsoleConnectException>(() => dialer.DialAsync("web01", CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleConnectFailure.HostRefused, error.Failure);
    }

    [Fact]
    public async Task Dial_SessionRejected401_LogsInAgainOnceAndConnects()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu());
        var session = fixture.Session();
        var dialer = new ConsoleDialer(session);
        await (await dialer.DialAsync("web01", CancellationToken.None).Bounded()).DisposeAsync();

        fixture.Pool.Faults.FailNextConnects(401);
        await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();

        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
        Assert.Equal(2, fixture.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Dial_ConsoleLimitReached_ConsoleInUse()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", backend: ConsoleBackend.Qemu());
        fixture.Pool.LimitConsoleSessions = true;
        var dialer = new ConsoleDialer(fixture.Session());
        await using var first = await dialer.DialAsync("web01", CancellationToken.None).Bounded();
        await ReadVersion(first.Stream);

        var error = await Assert.ThrowsAsync<ConsoleConnectException>(() => dialer.DialAsync("web01", CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleConnectFailure.ConsoleInUse, error.Failure);
    }

    [Fact]
    public async Task Dial_ManyConnections_OneLogin()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1], backend: ConsoleBackend.Qemu());
        var dialer = new ConsoleDialer(fixture.Session());

        var connections = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => dialer.DialAsync("web01", CancellationToken.None))).Bounded();
        foreach (var connection in connections)
        {
            Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
            await connection.DisposeAsync();
        }

        Assert.Equal(1, fixture.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Dial_Ipv6Host_Works()
    {
        await using var fixture = await PoolFixture.StartAsync(ipv6Host: true);
        var v6 = fixture.Pool.Hosts.Single(h => h.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
        fixture.Pool.AddVm("web01", residentOn: v6, backend: ConsoleBackend.Qemu());
        var dialer = new ConsoleDialer(fixture.Session());

        await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();

        Assert.Equal("::1", connection.Console.Location.Host);
        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
    }

    private static async Task<string> ReadVersion(Stream stream)
    {
        var version = new byte[12];
        await stream.ReadExactlyAsync(version).Bounded();
        return Encoding.ASCII.GetString(version);
    }
}
