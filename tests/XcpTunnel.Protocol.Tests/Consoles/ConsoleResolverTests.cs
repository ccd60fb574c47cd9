using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Consoles;

public sealed class ConsoleResolverTests
{
    [Fact]
    public async Task Resolve_ByName_FindsTheRfbConsoleOnItsHost()
    {
        await using var fixture = await PoolFixture.StartAsync(hosts: 2);
        var vm = fixture.Pool.AddVm("web01", residentOn: fixture.Pool.Hosts[1]);
        var resolver = new ConsoleResolver(fixture.Session());

        var console = await resolver.ResolveAsync("web01", CancellationToken.None).Bounded();

        Assert.Equal(vm.Uuid, console.Vm.Uuid);
        Assert.Equal("rfb", console.Console.Protocol);
        Assert.Equal(vm.ConsoleUuid, console.Console.Uuid);
        Assert.Equal(fixture.Pool.Hosts[1].Address.ToString(), console.Location.Host);
        Assert.Equal(fixture.Pool.Hosts[1].Port, console.Location.Port);
    }

    [Fact]
    public async Task Resolve_ByUuid_RecognisedByFormat()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var vm = fixture.Pool.AddVm("db01");
        var resolver = new ConsoleResolver(fixture.Session());

        var console = await resolver.ResolveAsync(vm.Uuid, CancellationToken.None).Bounded();

        Assert.Equal("db01", console.Vm.NameLabel);
    }

    [Theory]
    [InlineData(ConsoleLocationForm.Uuid, "/console?uuid=")]
    [InlineData(ConsoleLocationForm.Ref, "/console?ref=OpaqueRef:")]
    public async Task Resolve_BothLocationForms(ConsoleLocationForm form, string pathPrefix)
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", locationForm: form);
        var resolver = new ConsoleResolver(fixture.Session());

        var console = await resolver.ResolveAsync("web01", CancellationToken.None).Bounded();

        Assert.StartsWith(pathPrefix, console.Location.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_UnknownName_NoVmNamed()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var resolver = new ConsoleResolver(fixture.Session());

        var error = await Assert.ThrowsAsync<ConsoleResolutionException>(() => resolver.ResolveAsync("ghost", CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleResolutionFailure.VmNotFound, error.Failure);
        Assert.Equal("no VM named 'ghost' in pool lab", error.Message);
    }

    [Fact]
    public async Task Resolve_UnknownUuid_NoVmWithUuid()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var resolver = new ConsoleResolver(fixture.Session());

        var error = await Assert.ThrowsAsync<ConsoleResolutionException>(
            () => resolver.ResolveAsync("90e68b99-0408-3e4c-1dd1-ea28e98fbbad", CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleResolutionFailure.VmNotFound, error.Failure);
        Assert.Contains("90e68b99-0408-3e4c-1dd1-ea28e98fbbad", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_AmbiguousName_ListsEveryUuid()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var a = fixture.Pool.AddVm("web");
        var b = fixture.Pool.AddVm("web");
        var resolver = new ConsoleResolver(fixture.Session());

        var error = await Assert.ThrowsAsync<ConsoleResolutionException>(() => resolver.ResolveAsync("web", CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleResolutionFailure.VmAmbiguous, error.Failure);
        Assert.Equal(new[] { a.Uuid, b.Uuid }.Order(StringComparer.Ordinal), error.CandidateUuids);
        Assert.Contains(a.Uuid, error.Message, StringComparison.Ordinal);
        Assert.Contains(b.Uuid, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_Halted_SaysThePowerState()
    {
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        var resolver = new ConsoleResolver(fixture.Session());

        var error = await Assert.ThrowsAsync<ConsoleResolutionException>(() => resolver.ResolveAsync("web01", CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleResolutionFailure.VmNotRunning, error.Failure);
        Assert.Equal("VM 'web01' is Halted", error.Message);
        Assert.Equal("Halted", error.PowerState);
    }

    [Fact]
    public async Task Resolve_AfterReboot_SeesTheNewConsole()
    {
        await using var fixture = await PoolFixture.StartAsync();
        var vm = fixture.Pool.AddVm("web01");
        var resolver = new ConsoleResolver(fixture.Session());
        var before = await resolver.ResolveAsync("web01", CancellationToken.None).Bounded();

        fixture.Pool.Reboot(vm);
        var after = await resolver.ResolveAsync("web01", CancellationToken.None).Bounded();

        Assert.NotEqual(before.Console.Uuid, after.Console.Uuid);
        Assert.Equal(vm.ConsoleUuid, after.Console.Uuid);
    }
}
