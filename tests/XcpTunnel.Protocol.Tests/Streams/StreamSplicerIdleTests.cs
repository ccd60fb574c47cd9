using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Protocol.Tests.Streams;

public sealed class StreamSplicerIdleTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    // The fake clock runs due timers inside Advance, and a splice keeps its first ending: a cancel right after an
    // Advance that ends as Cancelled proves the idle timer had not fired, with no sleep.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IdleTimeout_FiresAfterTheTimeout_AndNotBefore(bool toTheDeadline)
    {
        var clock = new FakeTimeProvider();
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start(new SpliceOptions { IdleTimeout = IdleTimeout, TimeProvider = clock });

        clock.Advance(IdleTimeout - TimeSpan.FromMilliseconds(toTheDeadline ? 0 : 1));

        Assert.Equal(new SpliceResult(0, 0, toTheDeadline ? SpliceOutcome.IdleTimeout : SpliceOutcome.Cancelled, null), await EndAsync(rig));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IdleTimeout_CountsFromTheLastByte_EitherWay(bool toTheDeadline)
    {
        var clock = new FakeTimeProvider();
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start(new SpliceOptions { IdleTimeout = IdleTimeout, TimeProvider = clock });

        clock.Advance(TimeSpan.FromSeconds(6));
        await SpliceRig.SendAsync(rig.ConsolePeer, "update");
        Assert.Equal("update", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 6));
        await rig.CountersReachAsync(0, 6);
        clock.Advance(TimeSpan.FromSeconds(4)); // The first deadline passes: 4 s idle, not 10.
        clock.Advance(TimeSpan.FromSeconds(6) - TimeSpan.FromMilliseconds(toTheDeadline ? 0 : 1));

        Assert.Equal(new SpliceResult(0, 6, toTheDeadline ? SpliceOutcome.IdleTimeout : SpliceOutcome.Cancelled, null), await EndAsync(rig));
    }

    [Fact]
    public async Task HalfCloseTimeout_EndsTheSpliceAsTheFirstSidesClose_WhenTheOtherNeverCloses()
    {
        var clock = new FakeTimeProvider();
        await using var rig = await SpliceRig.CreateAsync();
        var halfClose = TimeSpan.FromSeconds(30);
        rig.Start(new SpliceOptions { HalfCloseTimeout = halfClose, TimeProvider = clock });
        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ConsolePeer));

        // Until the deadline the other direction still carries bytes.
        clock.Advance(halfClose - TimeSpan.FromMilliseconds(1));
        await SpliceRig.SendAsync(rig.ConsolePeer, "late");
        Assert.Equal("late", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 4));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(SpliceOutcome.ViewerClosed, (await rig.CompletionAsync()).Outcome);
    }

    [Fact]
    public async Task IdleTimeout_AfterAHalfClose_StillEndsAStalledTunnel()
    {
        var clock = new FakeTimeProvider();
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start(new SpliceOptions { IdleTimeout = IdleTimeout, TimeProvider = clock });
        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ConsolePeer));

        clock.Advance(IdleTimeout);

        Assert.Equal(SpliceOutcome.IdleTimeout, (await rig.CompletionAsync()).Outcome);
    }

    [Fact]
    public async Task NoIdleTimeout_NeverTimesOut()
    {
        var clock = new FakeTimeProvider();
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start(new SpliceOptions { TimeProvider = clock });

        clock.Advance(TimeSpan.FromDays(30));

        Assert.Equal(SpliceOutcome.Cancelled, (await EndAsync(rig)).Outcome);
    }

    [Fact]
    public async Task EveryWaitForData_StartsWithAZeroByteRead()
    {
        await using var rig = await SpliceRig.CreateAsync();
        var viewer = new ReadRecordingStream(rig.ViewerEnd);
        var console = new ReadRecordingStream(rig.ConsoleEnd);
        rig.Start(new SpliceOptions { BufferSize = 4096 }, viewer, console);

        for (int i = 0; i < 3; i++)
        {
            await SpliceRig.SendAsync(rig.ViewerPeer, "key");
            Assert.Equal("key", await SpliceRig.ReceiveAsync(rig.ConsolePeer, 3));
            await SpliceRig.SendAsync(rig.ConsolePeer, "frame");
            Assert.Equal("frame", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 5));
        }

        // An unknown wrapper stream is not half-closed, so the peers see no EOF; both directions still end.
        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        rig.ConsolePeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.Contains((await rig.CompletionAsync()).Outcome, new[] { SpliceOutcome.ViewerClosed, SpliceOutcome.ConsoleClosed });

        // Three messages and the EOF: each time a zero-byte wait, then a read into a rented buffer.
        int[] expected = [0, 4096, 0, 4096, 0, 4096, 0, 4096];
        Assert.Equal(expected, viewer.ReadSizes);
        Assert.Equal(expected, console.ReadSizes);
    }

    [Fact]
    public async Task BulkTransfer_ReadsOnWithoutZeroByteWaits_WhileReadsFillTheBuffer()
    {
        await using var rig = await SpliceRig.CreateAsync();
        var console = new ReadRecordingStream(rig.ConsoleEnd);
        // Three buffers' worth and the EOF are waiting before the splice starts, so every read is full.
        await rig.ConsolePeer.WriteAsync(new byte[3 * 4096]);
        rig.ConsolePeer.Socket.Shutdown(SocketShutdown.Send);
        rig.Start(new SpliceOptions { BufferSize = 4096 }, rig.ViewerEnd, console);

        var received = new byte[3 * 4096];
        await rig.ViewerPeer.ReadExactlyAsync(received).AsTask().WaitAsync(SpliceRig.Timeout);
        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        await rig.CompletionAsync();

        // One zero-byte wait, then full reads back to back, then the read that sees the EOF.
        Assert.Equal([0, 4096, 4096, 4096, 4096], console.ReadSizes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Options_RejectANonPositiveIdleTimeoutOrBufferSize(int value)
    {
        var timeout = Assert.Throws<ArgumentOutOfRangeException>(() => new SpliceOptions { IdleTimeout = TimeSpan.FromSeconds(value) });
        Assert.Equal(nameof(SpliceOptions.IdleTimeout), timeout.ParamName);
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => new SpliceOptions { BufferSize = value });
        Assert.Equal(nameof(SpliceOptions.BufferSize), size.ParamName);
    }

    [Fact]
    public void Options_Defaults_Are16KiB_NoIdleTimeout_SystemClock()
    {
        var options = new SpliceOptions();

        Assert.Equal(16 * 1024, options.BufferSize);
        Assert.Null(options.IdleTimeout);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Null(options.Counters);
    }

    /// <summary>Cancels the splice and returns how it ended: <see cref="SpliceOutcome.Cancelled"/> unless something ended it first.</summary>
    private static async Task<SpliceResult> EndAsync(SpliceRig rig)
    {
        await rig.CancelAsync();
        return await rig.CompletionAsync();
    }
}
