using System.Text;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Consoles;

/// <summary>
/// A console that is not there yet: xapi answers 200 before it connects to the VM's VNC server (so a backend it cannot
/// reach is 200 then EOF), and a VM is Running a moment before its console objects exist. One retry after a short
/// wait, then a clear reason; never a loop. Time is the test's: the waits run on a fake clock.
/// </summary>
public sealed class ConsoleNotReadyTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Dial_200ThenEofOnce_RetriedOnceAfterAWait()
    {
        var time = new FakeTimeProvider();
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var dialer = new ConsoleDialer(new ConsoleResolver(fixture.Session()), timeProvider: time);
        fixture.Pool.Faults.FailNextConnects(200, 1);

        var (connection, waited) = await RunAsync(time, dialer.DialAsync("web01", CancellationToken.None));
        await using var _ = connection;

        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
        Assert.Equal(2, fixture.Pool.Counters.ConnectsWithStatus(200));
        Assert.True(waited >= ConsoleDialer.NotReadyRetryDelay, $"retried after {waited}");
    }

    [Fact]
    public async Task Dial_200ThenEofAlways_OneRetryThenAClearReason()
    {
        var time = new FakeTimeProvider();
        await using var fixture = await PoolFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.Pool.Faults.BackendUnavailable = true;
        var dialer = new ConsoleDialer(new ConsoleResolver(fixture.Session()), timeProvider: time);

        var error = await Assert.ThrowsAsync<ConsoleConnectException>(async () => await RunAsync(time, dialer.DialAsync("web01", CancellationToken.None)));

        Assert.Equal(ConsoleConnectFailure.BackendClosed, error.Failure);
        Assert.Contains("VNC server closed the connection at once", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, fixture.Pool.Counters.ConnectsWithStatus(200));
    }

    [Fact]
    public async Task Dial_RunningBeforeItsConsoleExists_ResolvedAgainOnceAfterAWait()
    {
        var time = new FakeTimeProvider();
        await using var fixture = await PoolFixture.StartAsync(timeProvider: time);
        var vm = fixture.Pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        var dialer = new ConsoleDialer(new ConsoleResolver(fixture.Session()), timeProvider: time);
        fixture.Pool.Start(vm, consolesAfter: TimeSpan.FromMilliseconds(500));

        var (connection, _) = await RunAsync(time, dialer.DialAsync("web01", CancellationToken.None));
        await using var _ = connection;

        Assert.Equal("RFB 003.008\n", await ReadVersion(connection.Stream));
    }

    [Fact]
    public async Task Dial_RunningAndStillNoConsoleAfterTheWait_SaysSo()
    {
        var time = new FakeTimeProvider();
        await using var fixture = await PoolFixture.StartAsync(timeProvider: time);
        var vm = fixture.Pool.AddVm("web01", powerState: SimulatedPowerState.Halted);
        var dialer = new ConsoleDialer(new ConsoleResolver(fixture.Session()), timeProvider: time);
        fixture.Pool.Start(vm, consolesAfter: TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<ConsoleResolutionException>(async () => await RunAsync(time, dialer.DialAsync("web01", CancellationToken.None)));

        Assert.Equal(ConsoleResolutionFailure.ConsoleNotReady, error.Failure);
        Assert.Equal("VM 'web01' is running but has no console yet; it may still be starting", error.Message);
        Assert.Equal(0, fixture.Pool.Counters.Connects);
    }

    // Lets the fake clock run while the dial works, a step at a time, and says how much of it passed.
    private static async Task<(T Result, TimeSpan Waited)> RunAsync<T>(FakeTimeProvider time, Task<T> work)
    {
        var started = time.GetUtcNow();
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (!work.IsCompleted)
        {
            await Task.Delay(10, deadline.Token);
            time.Advance(Step);
        }

        return (await work, time.GetUtcNow() - started);
    }

    private static async Task<string> ReadVersion(Stream stream)
    {
        var version = new byte[12];
        await stream.ReadExactlyAsync(version).Bounded();
        return Encoding.ASCII.GetString(version);
    }
}
