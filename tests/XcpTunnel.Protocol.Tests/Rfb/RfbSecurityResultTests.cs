using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb;

public class RfbSecurityResultTests
{
    [Theory]
    [InlineData(3, 3)]
    [InlineData(3, 7)]
    [InlineData(3, 8)]
    public async Task ReadAsync_OkSplitAtEveryPoint_Succeeds(int major, int minor)
    {
        foreach (byte[][] segments in ChunkedStream.Splits(U32(0)))
        {
            var stream = new ChunkedStream([.. segments, [0xAA]]);

            RfbSecurityResult result = await RfbSecurityResult.ReadAsync(stream, new RfbProtocolVersion(major, minor), CancellationToken.None).AsTask().WaitAsync(TestTimeout);

            Assert.True(result.Succeeded);
            Assert.Null(result.FailureReason);
            Assert.Equal(4, stream.BytesRead);
        }
    }

    [Fact]
    public async Task ReadAsync_Version38FailedSplitAtEveryPoint_ReadsTheReason()
    {
        byte[] wire = [.. U32(1), .. Reason("Authentication failed")];
        foreach (byte[][] segments in ChunkedStream.Splits(wire))
        {
            var stream = new ChunkedStream([.. segments, [0xAA]]);

            RfbSecurityResult result = await RfbSecurityResult.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

            Assert.False(result.Succeeded);
            Assert.False(result.TooManyAttempts);
            Assert.Equal("Authentication failed", result.FailureReason);
            Assert.Equal(wire.Length, stream.BytesRead);
        }
    }

    [Theory]
    [InlineData(3, 3, 1u, false)]
    [InlineData(3, 7, 1u, false)]
    [InlineData(3, 3, 2u, true)]
    [InlineData(3, 7, 2u, true)]
    public async Task ReadAsync_Before38Failed_ReadsNoReason(int major, int minor, uint status, bool tooManyAttempts)
    {
        var stream = new ChunkedStream([.. U32(status), .. U32(5)]);

        RfbSecurityResult result = await RfbSecurityResult.ReadAsync(stream, new RfbProtocolVersion(major, minor), CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.False(result.Succeeded);
        Assert.Equal(tooManyAttempts, result.TooManyAttempts);
        Assert.Equal("", result.FailureReason);
        Assert.Equal(4, stream.BytesRead);
    }

    [Theory]
    [InlineData(3u)]
    [InlineData(0x01000000u)]
    public async Task ReadAsync_UnknownStatus_ThrowsProtocolException(uint status)
    {
        var stream = new ChunkedStream(U32(status));

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityResult.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal($"invalid RFB SecurityResult status {status}", error.Message);
    }

    [Fact]
    public async Task ReadAsync_Version38FailedWithOverlongReason_ThrowsProtocolException()
    {
        var stream = new ChunkedStream([.. U32(1), .. U32(70_000)]);

        await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityResult.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task ReadAsync_ConnectionClosedEarly_ThrowsProtocolException()
    {
        var stream = new ChunkedStream([0, 0]);

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityResult.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal("connection closed during the RFB SecurityResult after 2 of 4 bytes", error.Message);
    }
}
