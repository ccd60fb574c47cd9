using System.Net.Sockets;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb;

public class RfbFailureGreetingTests
{
    private const string VmNotRunning = "VM 'web01' is not running";

    [Fact]
    public void Encode_Version33Viewer_WritesU32ZeroThenReason()
    {
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 2, (byte)'n', (byte)'o'], RfbFailureGreeting.Encode(RfbProtocolVersion.V3_3, "no"));
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(3, 8)]
    public void Encode_Version37Or38Viewer_WritesU8ZeroThenReason(int major, int minor)
    {
        Assert.Equal([0, 0, 0, 0, 2, (byte)'n', (byte)'o'], RfbFailureGreeting.Encode(new RfbProtocolVersion(major, minor), "no"));
    }

    [Fact]
    public void Encode_LongReason_Truncates()
    {
        byte[] message = RfbFailureGreeting.Encode(RfbProtocolVersion.V3_8, new string('x', 5000));

        Assert.Equal([0, .. Reason(new string('x', RfbFailureReason.MaxWrittenReasonLength))], message);
    }

    [Theory]
    [InlineData("RFB 003.003\n")]
    [InlineData("RFB 003.004\n")]
    [InlineData("RFB 003.005\n")]
    public async Task TellViewerAsync_Version33Viewer_SendsOurVersionThenU32Failure(string viewerReply)
    {
        byte[] received = await TalkToFakeViewerAsync(viewerReply, expectSent: true);

        Assert.Equal([.. Ascii("RFB 003.008\n"), .. U32(0), .. Reason(VmNotRunning)], received);
    }

    [Theory]
    [InlineData("RFB 003.007\n")]
    [InlineData("RFB 003.008\n")]
    public async Task TellViewerAsync_Version38Viewer_SendsOurVersionThenU8Failure(string viewerReply)
    {
        byte[] received = await TalkToFakeViewerAsync(viewerReply, expectSent: true);

        Assert.Equal([.. Ascii("RFB 003.008\n"), 0, .. Reason(VmNotRunning)], received);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("rfb 003.008\n")]
    [InlineData("RFB 003.889\n")]
    [InlineData("RFB 004.000\n")]
    public async Task TellViewerAsync_ViewerRepliesGarbageOrAboveOurVersion_GivesUpQuietly(string viewerReply)
    {
        byte[] received = await TalkToFakeViewerAsync(viewerReply, expectSent: false);

        Assert.Equal(Ascii("RFB 003.008\n"), received);
    }

    [Fact]
    public async Task TellViewerAsync_ViewerSilentPastTheTimeout_ReturnsFalse()
    {
        await using LoopbackPair pair = await LoopbackPair.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);

        bool sent = await RfbFailureGreeting.TellViewerAsync(pair.Near, VmNotRunning, TimeSpan.FromMilliseconds(200), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.False(sent);
    }

    [Fact]
    public async Task TellViewerAsync_ViewerClosesBeforeReplying_ReturnsFalse()
    {
        await using LoopbackPair pair = await LoopbackPair.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        Task<bool> tell = RfbFailureGreeting.TellViewerAsync(pair.Near, VmNotRunning, TestTimeout, CancellationToken.None);

        await pair.Far.ReadExactlyAsync(new byte[12]).AsTask().WaitAsync(TestTimeout);
        pair.Far.Socket.Shutdown(SocketShutdown.Send);

        Assert.False(await tell.WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task TellViewerAsync_CallerCancels_ThrowsOperationCanceled()
    {
        await using LoopbackPair pair = await LoopbackPair.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        using var cancellation = new CancellationTokenSource();
        Task<bool> tell = RfbFailureGreeting.TellViewerAsync(pair.Near, VmNotRunning, TestTimeout, cancellation.Token);

        await pair.Far.ReadExactlyAsync(new byte[12]).AsTask().WaitAsync(TestTimeout);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tell.WaitAsync(TestTimeout));
    }

    /// <summary>
    /// Plays a viewer that reads the daemon's version, replies <paramref name="viewerReply"/>, and then
    /// collects everything the daemon sends until the daemon closes. Returns all the bytes received.
    /// </summary>
    private static async Task<byte[]> TalkToFakeViewerAsync(string viewerReply, bool expectSent)
    {
        await using LoopbackPair pair = await LoopbackPair.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        Task<bool> tell = RfbFailureGreeting.TellViewerAsync(pair.Near, VmNotRunning, TestTimeout, CancellationToken.None);

        byte[] serverVersion = new byte[RfbProtocolVersion.WireLength];
        await pair.Far.ReadExactlyAsync(serverVersion).AsTask().WaitAsync(TestTimeout);
        await pair.Far.WriteAsync(Ascii(viewerReply)).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(expectSent, await tell.WaitAsync(TestTimeout));
        pair.Near.Socket.Shutdown(SocketShutdown.Send);

        using var rest = new MemoryStream();
        await pair.Far.CopyToAsync(rest).WaitAsync(TestTimeout);
        return [.. serverVersion, .. rest.ToArray()];
    }
}
