using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb;

public class RfbSecurityGreetingTests
{
    private static readonly byte[] NextMessage = [0xAA, 0xBB];

    public static TheoryData<byte[], byte[]> Offers33 => new()
    {
        { [0, 0, 0, 1], [(byte)RfbSecurityType.None] },
        { [0, 0, 0, 2], [(byte)RfbSecurityType.VncAuthentication] },
        { [0, 0, 0, 30], [30] },
    };

    public static TheoryData<byte[], byte[]> Offers38 => new()
    {
        { [1, 1], [(byte)RfbSecurityType.None] },
        { [2, 2, 1], [(byte)RfbSecurityType.VncAuthentication, (byte)RfbSecurityType.None] },
        { [3, 19, 16, 1], [(byte)RfbSecurityType.VeNCrypt, (byte)RfbSecurityType.Tight, (byte)RfbSecurityType.None] },
    };

    [Theory]
    [MemberData(nameof(Offers33))]
    public async Task ReadAsync_Version33OfferSplitAtEveryPoint_ReadsTheType(byte[] wire, byte[] types)
    {
        await AssertOfferAtEverySplitAsync(RfbProtocolVersion.V3_3, wire, types);
    }

    [Theory]
    [MemberData(nameof(Offers38))]
    public async Task ReadAsync_Version38OfferSplitAtEveryPoint_ReadsTheTypesInOrder(byte[] wire, byte[] types)
    {
        await AssertOfferAtEverySplitAsync(RfbProtocolVersion.V3_8, wire, types);
        await AssertOfferAtEverySplitAsync(RfbProtocolVersion.V3_7, wire, types);
    }

    [Fact]
    public async Task ReadAsync_Version33FailureSplitAtEveryPoint_ReadsTheReason()
    {
        await AssertFailureAtEverySplitAsync(RfbProtocolVersion.V3_3, [.. U32(0), .. Reason("Too many connections")], "Too many connections");
    }

    [Fact]
    public async Task ReadAsync_Version38FailureSplitAtEveryPoint_ReadsTheReason()
    {
        await AssertFailureAtEverySplitAsync(RfbProtocolVersion.V3_8, [0, .. Reason("VM is not running")], "VM is not running");
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(3, 5)]
    [InlineData(3, 889)]
    public async Task ReadAsync_VersionTreatedAs33_ReadsTheU32Form(int major, int minor)
    {
        var stream = new ChunkedStream(U32(1));

        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, new RfbProtocolVersion(major, minor), CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal([RfbSecurityType.None], greeting.SecurityTypes);
    }

    [Fact]
    public async Task ReadAsync_FailureWithEmptyReason_ReturnsFailureWithEmptyReason()
    {
        var stream = new ChunkedStream([0, .. U32(0)]);

        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.True(greeting.IsFailure);
        Assert.Equal("", greeting.FailureReason);
    }

    [Fact]
    public async Task ReadAsync_Version33TypeAbove255_ThrowsProtocolException()
    {
        var stream = new ChunkedStream(U32(256));

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_3, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal("invalid RFB 3.3 security type 256", error.Message);
    }

    [Fact]
    public async Task ReadAsync_Version38ListContainingInvalid_ThrowsProtocolException()
    {
        var stream = new ChunkedStream([2, 1, 0]);

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Contains("security type 0 (Invalid)", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { }, "the RFB number-of-security-types after 0 of 1 bytes")]
    [InlineData(new byte[] { 2, 1 }, "the RFB security-types after 1 of 2 bytes")]
    [InlineData(new byte[] { 0, 0, 0 }, "the length of the RFB security failure reason after 2 of 4 bytes")]
    [InlineData(new byte[] { 0, 0, 0, 0, 5, (byte)'a' }, "the RFB security failure reason after 1 of 5 bytes")]
    public async Task ReadAsync_Version38ConnectionClosedEarly_ThrowsProtocolExceptionNamingTheField(byte[] wire, string where)
    {
        var stream = new ChunkedStream(wire);

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal("connection closed during " + where, error.Message);
    }

    [Fact]
    public async Task ReadAsync_Version33ConnectionClosedEarly_ThrowsProtocolException()
    {
        var stream = new ChunkedStream([0, 0, 0]);

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_3, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal("connection closed during the RFB 3.3 security type after 3 of 4 bytes", error.Message);
    }

    [Theory]
    [InlineData(RfbFailureReason.MaxReasonLength + 1u)]
    [InlineData(uint.MaxValue)]
    public async Task ReadAsync_FailureWithOverlongReason_ThrowsProtocolExceptionBeforeReadingIt(uint claimedLength)
    {
        // Only the length arrives: the reader must refuse on the length alone, not wait for (or allocate) the text.
        var stream = new ChunkedStream([0, .. U32(claimedLength)]);

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal($"the RFB security failure reason claims {claimedLength} bytes, more than the limit of 65536", error.Message);
    }

    [Fact]
    public async Task ReadAsync_FailureWithReasonAtTheLimit_ReadsIt()
    {
        byte[] text = Enumerable.Repeat((byte)'x', RfbFailureReason.MaxReasonLength).ToArray();
        var stream = new ChunkedStream([0, .. Reason(text)]);

        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(RfbFailureReason.MaxReasonLength, greeting.FailureReason?.Length);
    }

    [Fact]
    public async Task ToString_OfferAndFailure_DescribeTheGreeting()
    {
        RfbSecurityGreeting offer = await RfbSecurityGreeting.ReadAsync(new ChunkedStream([2, 2, 1]), RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout);
        RfbSecurityGreeting failure = await RfbSecurityGreeting.ReadAsync(new ChunkedStream([0, .. Reason("no")]), RfbProtocolVersion.V3_8, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal("offers VncAuthentication, None", offer.ToString());
        Assert.Equal("failure: no", failure.ToString());
    }

    private static async Task AssertOfferAtEverySplitAsync(RfbProtocolVersion version, byte[] wire, byte[] types)
    {
        foreach (byte[][] segments in ChunkedStream.Splits(wire))
        {
            var stream = new ChunkedStream([.. segments, NextMessage]);

            RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, version, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

            Assert.False(greeting.IsFailure);
            Assert.Null(greeting.FailureReason);
            Assert.Equal(types, greeting.SecurityTypes.Select(type => (byte)type));
            Assert.Equal(wire.Length, stream.BytesRead);
        }
    }

    private static async Task AssertFailureAtEverySplitAsync(RfbProtocolVersion version, byte[] wire, string reason)
    {
        foreach (byte[][] segments in ChunkedStream.Splits(wire))
        {
            var stream = new ChunkedStream([.. segments, NextMessage]);

            RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(stream, version, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

            Assert.True(greeting.IsFailure);
            Assert.Equal(reason, greeting.FailureReason);
            Assert.Empty(greeting.SecurityTypes);
            Assert.Equal(wire.Length, stream.BytesRead);
        }
    }
}
