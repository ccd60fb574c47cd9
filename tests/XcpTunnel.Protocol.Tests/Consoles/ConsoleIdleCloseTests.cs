using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Consoles;

/// <summary>
/// A dialled console that xapi 26.1 closes for want of keyboard or mouse input (docs/xapi-console-protocol.md,
/// "Console limit and idle timeout") is recognised as that close, however late the VNC server greets. Time is the
/// test's: the pool and the dialer share a fake clock.
/// </summary>
public sealed class ConsoleIdleCloseTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task PoolClosesAnIdleConsole_ItsVncServerGreetedLate_RecognisedAsTheIdleClose()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var fixture = await PoolFixture.StartAsync(timeProvider: time, version: SimulatedXapiVersion.XenServer8);
        var greet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var viewerVersionRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Pool.AddVm("pv01", backend: ConsoleBackend.Custom(async (stream, ct) =>
        {
            await greet.Task.WaitAsync(ct);
            await stream.WriteAsync("RFB 003.003\n"u8.ToArray(), ct);
            await stream.ReadExactlyAsync(new byte[12], ct);
            viewerVersionRead.TrySetResult();
            await stream.CopyToAsync(Stream.Null, ct);
        }));
        fixture.Pool.ConsoleIdleTimeout = IdleTimeout;
        var dialer = new ConsoleDialer(new ConsoleResolver(fixture.Session()), timeProvider: time);

        var dialling = dialer.DialAsync("pv01", CancellationToken.None);
        await EventuallyAsync(() => fixture.Pool.Counters.LiveTunnels == 1);
        // The pool's idle clock runs from its 200; the VNC server's first bytes come 1.8 s later (a busy host, or a
        // cold client slow to read them), more than the second the recognition allows for.
        time.Advance(TimeSpan.FromSeconds(1.8));
        greet.SetResult();
        await using var connection = await dialling.Bounded();
        var version = new byte[12];
        await connection.Stream.ReadExactlyAsync(version).AsTask().Bounded();
        // An RFB 3.3 viewer: the one xapi's idle parser follows.
        await connection.Stream.WriteAsync("RFB 003.003\n"u8.ToArray()).AsTask().Bounded();
        await viewerVersionRead.Task.Bounded();

        time.Advance(IdleTimeout - TimeSpan.FromSeconds(1.8));
        Assert.Equal(0, await connection.Stream.ReadAsync(new byte[1]).AsTask().Bounded());
        var idleClose = await connection.ClosedForIdlenessAsync(CancellationToken.None).Bounded();

        Assert.Equal(1, fixture.Pool.Counters.IdleClosedTunnels);
        Assert.Equal(new ConsoleIdleClose(IdleTimeout, IdleTimeout), idleClose);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
