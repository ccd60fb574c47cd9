using System.Text;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Consoles;

public sealed class ConsoleCacheTests
{
    [Theory]
    [InlineData(XapiTransport.JsonRpc)]
    [InlineData(XapiTransport.XmlRpc)]
    public async Task Resolve_InStep_MakesNoRpcPerConnection(XapiTransport transport)
    {
        SimulatedVm? db = null;
        await using var rig = await CacheRig.StartAsync(p => { p.AddVm("web01"); db = p.AddVm("db01"); }, transport: transport);
        var dialer = new ConsoleDialer(rig.Cache);

        var calls = await rig.CountCallsAsync(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal("web01", (await rig.Cache.ResolveAsync("web01", CancellationToken.None).Bounded()).Vm.NameLabel);
                Assert.Equal("db01", (await rig.Cache.ResolveAsync(db!.Uuid, CancellationToken.None).Bounded()).Vm.NameLabel);
                await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();
                Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
            }
        });

        Assert.Equal(0, calls);
        Assert.Equal(10, rig.Pool.Counters.ConnectsWithStatus(200));
    }

    [Theory]
    [InlineData(XapiTransport.JsonRpc)]
    [InlineData(XapiTransport.XmlRpc)]
    public async Task Migration_SeenInEvents_ResolvesToTheNewHost(XapiTransport transport)
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"), hosts: 2, transport: transport);

        rig.Pool.Migrate(vm!, rig.Pool.Hosts[1]);
        var resolved = await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid == vm!.ConsoleUuid);

        Assert.Equal(rig.Pool.Hosts[1].Address.ToString(), resolved.Location.Host);
    }

    [Theory]
    [InlineData(ConsoleLocationForm.Empty)]
    [InlineData(ConsoleLocationForm.EmptyHost)]
    public async Task Resolve_LocationNotAUri_PlacedOnTheResidentHostWithoutRpc(ConsoleLocationForm form)
    {
        await using var rig = await CacheRig.StartAsync(p => p.AddVm("web01", residentOn: p.Hosts[1], locationForm: form), hosts: 2);

        var resolved = await rig.ResolveFromCacheUntilAsync("web01", _ => true);

        Assert.Equal(rig.Pool.Hosts[1].Address.ToString(), resolved.Location.Host);
        Assert.Equal(rig.Pool.Port, resolved.Location.Port);
        await using var connection = await new ConsoleDialer(rig.Cache).DialAsync("web01", CancellationToken.None).Bounded();
        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
    }

    [Fact]
    public async Task Reboot_SeenInEvents_ResolvesToTheNewConsole()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"));
        var before = await rig.Cache.ResolveAsync("web01", CancellationToken.None).Bounded();

        rig.Pool.Reboot(vm!);
        var after = await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid != before.Console.Uuid);

        Assert.Equal(vm!.ConsoleUuid, after.Console.Uuid);
    }

    [Fact]
    public async Task PowerOff_SeenInEvents_SaysHaltedLikeTheRpcResolver()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"));

        rig.Pool.SetPowerState(vm!, SimulatedPowerState.Halted);
        var error = await rig.FailFromCacheUntilAsync("web01");

        Assert.Equal(ConsoleResolutionFailure.VmNotRunning, error.Failure);
        Assert.Equal("VM 'web01' is Halted", error.Message);
        Assert.Equal("Halted", error.PowerState);
    }

    [Fact]
    public async Task Rename_SeenInEvents_NewNameResolvesOldNameIsUnknown()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"));

        rig.Pool.Rename(vm!, "web02");
        var resolved = await rig.ResolveFromCacheUntilAsync("web02", _ => true);
        var error = await Assert.ThrowsAsync<ConsoleResolutionException>(() => rig.Cache.ResolveAsync("web01", CancellationToken.None)).Bounded();

        Assert.Equal(vm!.Uuid, resolved.Vm.Uuid);
        Assert.Equal("no VM named 'web01' in pool lab", error.Message);
    }

    [Fact]
    public async Task VmChanges_TagsRenamesAndDestroys_AreToldAndListed()
    {
        SimulatedVm? web = null, old = null;
        await using var rig = await CacheRig.StartAsync(p => { web = p.AddVm("web01"); old = p.AddVm("old"); });
        var told = 0;
        rig.Cache.VmsChanged += () => Interlocked.Increment(ref told);

        rig.Pool.AddTag(web!, "console");
        rig.Pool.Rename(web!, "web02");
        rig.Pool.SetPowerState(old!, SimulatedPowerState.Halted);
        rig.Pool.Destroy(old!);
        await rig.EventuallyAsync(() => rig.Cache.Vms is { Count: 1 } vms && vms[0].NameLabel == "web02");

        var vm = Assert.Single(rig.Cache.Vms!);
        Assert.Equal(web!.Uuid, vm.Uuid);
        Assert.Equal(["console"], vm.Tags);
        Assert.True(Volatile.Read(ref told) >= 1);

        rig.Pool.RemoveTag(web, "console");
        await rig.EventuallyAsync(() => rig.Cache.Vms is [{ Tags.Count: 0 }]);
    }

    [Fact]
    public async Task Destroy_RunningVm_IsRefusedLikeXapi()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"));

        Assert.Throws<InvalidOperationException>(() => rig.Pool.Destroy(vm!));
    }

    [Fact]
    public async Task AmbiguousName_FromTheCache_SameErrorAsByRpc()
    {
        await using var rig = await CacheRig.StartAsync(p => { p.AddVm("twin"); p.AddVm("twin"); });
        var byRpc = await Assert.ThrowsAsync<ConsoleResolutionException>(() => rig.Cache.Rpc.ResolveAsync("twin", CancellationToken.None)).Bounded();

        var fromCache = await rig.FailFromCacheUntilAsync("twin");

        Assert.Equal(ConsoleResolutionFailure.VmAmbiguous, fromCache.Failure);
        Assert.Equal(byRpc.Message, fromCache.Message);
        Assert.Equal(byRpc.CandidateUuids, fromCache.CandidateUuids);
    }

    [Fact]
    public async Task VmAddedAfterStart_ResolvedFromTheCacheOnceSeen()
    {
        await using var rig = await CacheRig.StartAsync(_ => { });

        var vm = rig.Pool.AddVm("late", backend: ConsoleBackend.Vncterm());
        var resolved = await rig.ResolveFromCacheUntilAsync("late", _ => true);

        Assert.Equal(vm.ConsoleUuid, resolved.Console.Uuid);
    }

    [Fact]
    public async Task UnknownVm_FallsBackToRpc_WithTheRpcError()
    {
        await using var rig = await CacheRig.StartAsync(p => p.AddVm("web01"));

        var calls = await rig.CountCallsAsync(() => Assert.ThrowsAsync<ConsoleResolutionException>(
            () => rig.Cache.ResolveAsync("ghost", CancellationToken.None)).Bounded());

        Assert.True(calls > 0);
    }

    [Fact]
    public async Task EventsLost_ReloadsAndFollowsAgain()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"), hosts: 2);

        rig.Pool.LoseEvents();
        await rig.EventuallyAsync(() => rig.Cache.Loads == 2 && rig.Cache.IsSynchronised);
        rig.Pool.Migrate(vm!, rig.Pool.Hosts[1]);
        var resolved = await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid == vm!.ConsoleUuid);

        Assert.Equal(rig.Pool.Hosts[1].Address.ToString(), resolved.Location.Host);
        Assert.Contains(rig.Fixture.Logs.Lines, l => l.Contains("EVENTS_LOST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SessionExpiredMidLoop_LogsInAgainAndKeepsFollowing()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"), hosts: 2);

        rig.Pool.ExpireAllSessions();
        rig.Pool.Migrate(vm!, rig.Pool.Hosts[1]);
        var resolved = await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid == vm!.ConsoleUuid);
        rig.Pool.Reboot(vm!);
        await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid == vm!.ConsoleUuid);

        Assert.Equal(rig.Pool.Hosts[1].Address.ToString(), resolved.Location.Host);
        Assert.Equal(2, rig.Pool.Counters.Logins);
        Assert.Equal(1, rig.Cache.Loads);
    }

    [Fact]
    public async Task PoolDropsRpcs_ResolvesByRpcMeanwhile_ThenResynchronises()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01"), minBackoff: TimeSpan.FromSeconds(1));

        // The feed's next request is dropped (and the retry HttpClient may make on a reused connection, too).
        rig.Pool.Faults.DropNextRpcs(2);
        rig.Pool.AddVm("wake-the-feed");
        await rig.EventuallyAsync(() => !rig.Cache.IsSynchronised);
        rig.Pool.Faults.Reset();
        var calls = await rig.CountCallsAsync(() => rig.Cache.ResolveAsync("web01", CancellationToken.None).Bounded());
        await rig.EventuallyAsync(() => rig.Cache.IsSynchronised);
        rig.Pool.Reboot(vm!);
        await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid == vm!.ConsoleUuid);

        Assert.True(calls > 0, "resolved by RPC while the cache was out of step");
        Assert.Equal(2, rig.Cache.Loads);
        Assert.Contains(rig.Fixture.Logs.Lines, l => l.Contains("cannot follow the pool", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CoordinatorBlackHoledMemberPromoted_ReloadsFromTheSurvivorAndFollowsIt()
    {
        SimulatedVm? vm = null;
        // The feed's event.from waits 5 s at most under a 10 s call deadline: a silent coordinator is noticed by then.
        await using var rig = await CacheRig.StartAsync(p => vm = p.AddVm("web01", residentOn: p.Hosts[2]), hosts: 3, callTimeout: TimeSpan.FromSeconds(10));

        rig.Pool.BlackHole(rig.Pool.Coordinator);
        rig.Pool.Promote(rig.Pool.Hosts[1]);
        await rig.EventuallyAsync(() => rig.Cache.Loads == 2 && rig.Cache.IsSynchronised);
        rig.Pool.Migrate(vm!, rig.Pool.Hosts[1]);
        var resolved = await rig.ResolveFromCacheUntilAsync("web01", r => r.Console.Uuid == vm!.ConsoleUuid);

        Assert.Equal(rig.Pool.Hosts[1].Address.ToString(), resolved.Location.Host);
        Assert.Equal(2, rig.Pool.Counters.Logins);
    }

    [Fact]
    public async Task Load_TakesARealToken_FollowingSendsOnlyTheChanges()
    {
        SimulatedVm? vm = null;
        await using var rig = await CacheRig.StartAsync(
            p =>
            {
                for (var i = 0; i < 50; i++)
                {
                    p.AddVm($"vm{i:D2}");
                }

                vm = p.Vms[0];
            });

        rig.Pool.Rename(vm!, "renamed");
        await rig.ResolveFromCacheUntilAsync("renamed", _ => true);

        // event.from([], "", 0) answers the zero token, from which the next call replays all 150 VMs and consoles.
        Assert.True(rig.Pool.Counters.EventRecordsSent < 10, $"{rig.Pool.Counters.EventRecordsSent} event records sent to follow one rename");
    }

    [Fact]
    public async Task Dispose_StopsTheEventLoop()
    {
        await using var rig = await CacheRig.StartAsync(p => p.AddVm("web01"));

        var feed = rig.Cache.Feed;
        await rig.Cache.DisposeAsync().Bounded();

        // The loop that calls event.from has returned, so no call can follow: nothing to wait for.
        Assert.NotNull(feed);
        Assert.True(feed.IsCompleted);
        Assert.False(rig.Cache.IsSynchronised);
        Assert.Equal("web01", (await rig.Cache.ResolveAsync("web01", CancellationToken.None).Bounded()).Vm.NameLabel);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    public async Task Dial_StaleLocationRefused_ResolvesAgainByRpcOnce(int status)
    {
        await using var rig = await CacheRig.StartAsync(p => p.AddVm("web01"));
        var dialer = new ConsoleDialer(rig.Cache);
        rig.Pool.Faults.FailNextConnects(status);

        long calls = 0;
        calls = await rig.CountCallsAsync(async () =>
        {
            await using var connection = await dialer.DialAsync("web01", CancellationToken.None).Bounded();
            Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
        });

        Assert.True(calls > 0, "the retry resolved by RPC, not from the cache");
        Assert.Equal(1, rig.Pool.Counters.ConnectsWithStatus(status));
    }

    private static async Task<string> ReadVersion(Stream stream)
    {
        var version = new byte[12];
        await stream.ReadExactlyAsync(version).Bounded();
        return Encoding.ASCII.GetString(version);
    }
}
