using System.Net.Sockets;
using System.Security.Cryptography;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Streams;

public sealed class StreamSplicerTests
{
    [Fact]
    public async Task Splice_CarriesBytesBothWays_AndCountsThemLive()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();

        await SpliceRig.SendAsync(rig.ViewerPeer, "RFB 003.008\n");
        Assert.Equal("RFB 003.008\n", await SpliceRig.ReceiveAsync(rig.ConsolePeer, 12));
        await SpliceRig.SendAsync(rig.ConsolePeer, "\x01\x02");
        Assert.Equal("\x01\x02", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 2));
        await rig.CountersReachAsync(viewerToConsole: 12, consoleToViewer: 2);
        Assert.False(rig.Splice.IsCompleted);

        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ConsolePeer));
        rig.ConsolePeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ViewerPeer));

        Assert.Equal(new SpliceResult(12, 2, SpliceOutcome.ViewerClosed, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task ViewerHalfClose_ConsoleSeesEof_WhileConsoleDataStillFlows()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();

        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ConsolePeer));

        await SpliceRig.SendAsync(rig.ConsolePeer, "framebuffer update");
        Assert.Equal("framebuffer update", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 18));
        await SpliceRig.SendAsync(rig.ConsolePeer, "more");
        Assert.Equal("more", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 4));
        Assert.False(rig.Splice.IsCompleted);

        rig.ConsolePeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ViewerPeer));
        Assert.Equal(new SpliceResult(0, 22, SpliceOutcome.ViewerClosed, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task ConsoleHalfClose_ViewerSeesEof_WhileViewerDataStillFlows()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();

        rig.ConsolePeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ViewerPeer));

        await SpliceRig.SendAsync(rig.ViewerPeer, "key event");
        Assert.Equal("key event", await SpliceRig.ReceiveAsync(rig.ConsolePeer, 9));
        Assert.False(rig.Splice.IsCompleted);

        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(rig.ConsolePeer));
        Assert.Equal(new SpliceResult(9, 0, SpliceOutcome.ConsoleClosed, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task ViewerReset_IsViewerFailed_NotAnException()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();
        await SpliceRig.SendAsync(rig.ConsolePeer, "hi");
        Assert.Equal("hi", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 2));

        SpliceRig.Reset(rig.ViewerPeer);

        SpliceResult result = await rig.CompletionAsync();
        Assert.Equal(SpliceOutcome.ViewerFailed, result.Outcome);
        Assert.IsAssignableFrom<IOException>(result.Error);
        Assert.Equal(2, result.ConsoleToViewerBytes);

        // The console's direction was stopped too, and its stream was not disposed: the caller owns it.
        Assert.True(rig.ConsoleEnd.Socket.Connected);
    }

    [Fact]
    public async Task ConsoleReset_IsConsoleFailed_NotAnException()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();

        SpliceRig.Reset(rig.ConsolePeer);

        SpliceResult result = await rig.CompletionAsync();
        Assert.Equal(SpliceOutcome.ConsoleFailed, result.Outcome);
        Assert.IsAssignableFrom<IOException>(result.Error);
    }

    [Fact]
    public async Task FailedWriteToConsole_IsBlamedOnTheConsole()
    {
        await using var rig = await SpliceRig.CreateAsync();
        using var failing = new FailingWriteStream(rig.ConsoleEnd);
        rig.Start(console: failing);

        await SpliceRig.SendAsync(rig.ViewerPeer, "pointer event");

        SpliceResult result = await rig.CompletionAsync();
        Assert.Equal(SpliceOutcome.ConsoleFailed, result.Outcome);
        Assert.Same(FailingWriteStream.Failure, result.Error);
        Assert.Equal(0, result.ViewerToConsoleBytes);
    }

    [Fact]
    public async Task Cancellation_IsCancelled_NotAnException()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();
        await SpliceRig.SendAsync(rig.ViewerPeer, "abc");
        Assert.Equal("abc", await SpliceRig.ReceiveAsync(rig.ConsolePeer, 3));
        await rig.CountersReachAsync(3, 0);

        await rig.CancelAsync();

        Assert.Equal(new SpliceResult(3, 0, SpliceOutcome.Cancelled, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task AlreadyCancelledToken_ReturnsCancelled_WithoutCopying()
    {
        await using var rig = await SpliceRig.CreateAsync();
        await SpliceRig.SendAsync(rig.ViewerPeer, "abc");

        SpliceResult result = await StreamSplicer.SpliceAsync(rig.ViewerEnd, rig.ConsoleEnd, new SpliceOptions(), new CancellationToken(canceled: true))
            .WaitAsync(SpliceRig.Timeout);

        Assert.Equal(new SpliceResult(0, 0, SpliceOutcome.Cancelled, null), result);
    }

    [Fact]
    public async Task LargeTransfer_ArrivesIntact_BothWaysAtOnce()
    {
        const int Size = 32 * 1024 * 1024;
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start();
        byte[] up = RandomNumberGenerator.GetBytes(Size);
        byte[] down = RandomNumberGenerator.GetBytes(Size);

        Task<byte[]> upHash = SendAndHashAsync(rig.ViewerPeer, up, rig.ConsolePeer);
        Task<byte[]> downHash = SendAndHashAsync(rig.ConsolePeer, down, rig.ViewerPeer);

        Assert.Equal(SHA256.HashData(up), await upHash.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(SHA256.HashData(down), await downHash.WaitAsync(TimeSpan.FromSeconds(60)));
        SpliceResult result = await rig.CompletionAsync();
        Assert.Equal((Size, Size), (result.ViewerToConsoleBytes, result.ConsoleToViewerBytes));
        Assert.Contains(result.Outcome, new[] { SpliceOutcome.ViewerClosed, SpliceOutcome.ConsoleClosed }); // Both half-close at once.
        Assert.Null(result.Error);
        Assert.Equal((long)Size, rig.Counters.ViewerToConsole);
        Assert.Equal((long)Size, rig.Counters.ConsoleToViewer);
    }

    [Fact]
    public async Task SharedCounters_AddUpSeveralSplices_WhileEachResultHasItsOwn()
    {
        var shared = new SpliceCounters();
        await using var first = await SpliceRig.CreateAsync();
        await using var second = await SpliceRig.CreateAsync();
        first.Start(new SpliceOptions { Counters = shared });
        second.Start(new SpliceOptions { Counters = shared });

        await SpliceRig.SendAsync(first.ViewerPeer, "12345");
        await SpliceRig.SendAsync(second.ViewerPeer, "678");
        Assert.Equal("12345", await SpliceRig.ReceiveAsync(first.ConsolePeer, 5));
        Assert.Equal("678", await SpliceRig.ReceiveAsync(second.ConsolePeer, 3));
        await first.CancelAsync();
        await second.CancelAsync();

        Assert.Equal(5, (await first.CompletionAsync()).ViewerToConsoleBytes);
        Assert.Equal(3, (await second.CompletionAsync()).ViewerToConsoleBytes);
        Assert.Equal(8, shared.ViewerToConsole);
    }

    [Fact]
    public async Task Arguments_AreChecked()
    {
        using var stream = new MemoryStream();
        using var readOnly = new MemoryStream([], writable: false);

        await Assert.ThrowsAsync<ArgumentNullException>(() => StreamSplicer.SpliceAsync(null!, stream, new SpliceOptions(), default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => StreamSplicer.SpliceAsync(stream, stream, null!, default));
        var notDuplex = await Assert.ThrowsAsync<ArgumentException>(() => StreamSplicer.SpliceAsync(stream, readOnly, new SpliceOptions(), default));
        Assert.Equal("console", notDuplex.ParamName);
    }

    /// <summary>Sends <paramref name="data"/> in uneven pieces, half-closes, and hashes what arrives on <paramref name="receiver"/>.</summary>
    private static async Task<byte[]> SendAndHashAsync(NetworkStream sender, byte[] data, NetworkStream receiver)
    {
        Task send = Task.Run(async () =>
        {
            for (int offset = 0, piece = 1000; offset < data.Length; offset += piece, piece = piece * 7 % 100_003 + 1)
            {
                await sender.WriteAsync(data.AsMemory(offset, Math.Min(piece, data.Length - offset)));
            }

            sender.Socket.Shutdown(SocketShutdown.Send);
        });

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await receiver.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        await send;
        return hash.GetHashAndReset();
    }

    /// <summary>Reads pass through; every write fails as a reset connection would.</summary>
    private sealed class FailingWriteStream(Stream inner) : DuplexTestStream
    {
        public static readonly IOException Failure = new("Connection reset by peer");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(Failure);

        public override void Write(byte[] buffer, int offset, int count) => throw Failure;
    }
}
