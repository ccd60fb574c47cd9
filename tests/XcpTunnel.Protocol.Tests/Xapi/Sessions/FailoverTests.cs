using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Tests.Xapi.Sessions;

/// <summary>The shared session survives the coordinator: it fails over to a member it learned from the pool's host records.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task Call_CoordinatorBlackHoledMemberPromoted_RepeatedOnTheSurvivor()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 3);
        var vm = fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[2]);
        var session = fixture.Session(fixture.Options() with { CallTimeout = TimeSpan.FromSeconds(2) });
        await session.GetVmByUuidAsync(vm.Uuid, CancellationToken.None).Bounded();

        fixture.Pool.BlackHole(fixture.Pool.Coordinator);
        fixture.Pool.Promote(fixture.Pool.Hosts[1]);
        var found = await session.GetVmByUuidAsync(vm.Uuid, CancellationToken.None).Bounded();

        Assert.Equal(vm.Ref, found);
        Assert.Equal(fixture.Pool.Hosts[1].Url.Authority, session.CoordinatorUrl!.Authority);
        Assert.Equal(2, fixture.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Call_CoordinatorDemotedSessionsKept_HostIsSlaveFollowed()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        var vm = fixture.Pool.AddVm("web01");
        var session = fixture.Session();
        await session.GetVmByUuidAsync(vm.Uuid, CancellationToken.None).Bounded();

        fixture.Pool.SetCoordinator(fixture.Pool.Hosts[1]);
        var found = await session.GetVmByUuidAsync(vm.Uuid, CancellationToken.None).Bounded();

        Assert.Equal(vm.Ref, found);
        Assert.Equal(fixture.Pool.Hosts[1].Url.Authority, session.CoordinatorUrl!.Authority);
    }

    [Fact]
    public async Task Renew_ConfiguredUrlBlackHoled_LogsInOnTheNewCoordinatorAtOnce()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 3);
        var session = fixture.Session();
        var first = await session.GetSessionAsync(CancellationToken.None).Bounded();

        fixture.Pool.BlackHole(fixture.Pool.Coordinator);
        fixture.Pool.Promote(fixture.Pool.Hosts[2]);
        // A console CONNECT answered 401: the dialer asks for a new session.
        var started = DateTime.UtcNow;
        await session.RenewSessionAsync(first, CancellationToken.None).Bounded();

        Assert.Equal(fixture.Pool.Hosts[2].Url.Authority, session.CoordinatorUrl!.Authority);
        // Members are asked in parallel: a dead host's TLS timeout (10 s by default) is not waited for.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the failover waited for the dead coordinator");
        Assert.Equal(2, fixture.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Login_EveryHostUnreachable_NamesTheFirstFailure()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        var session = fixture.Session(fixture.Options() with { CallTimeout = TimeSpan.FromSeconds(1) });
        var live = await session.GetSessionAsync(CancellationToken.None).Bounded();

        foreach (var host in fixture.Pool.Hosts)
        {
            fixture.Pool.BlackHole(host);
        }

        var error = await Assert.ThrowsAsync<XapiLoginException>(() => session.RenewSessionAsync(live, CancellationToken.None)).Bounded();

        Assert.Contains(fixture.Pool.Hosts[0].Url.Authority, error.Message, StringComparison.Ordinal);
        Assert.Contains("failed too", error.Message, StringComparison.Ordinal);
    }
}
