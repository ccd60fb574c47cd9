using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb;

public class RfbProtocolVersionTests
{
    [Theory]
    [InlineData("RFB 003.003\n", 3, 3)]
    [InlineData("RFB 003.007\n", 3, 7)]
    [InlineData("RFB 003.008\n", 3, 8)]
    [InlineData("RFB 003.889\n", 3, 889)]
    [InlineData("RFB 005.000\n", 5, 0)]
    [InlineData("RFB 000.000\n", 0, 0)]
    [InlineData("RFB 999.999\n", 999, 999)]
    public async Task ReadAsync_VersionSplitAtEveryPoint_Parses(string wire, int major, int minor)
    {
        foreach (byte[][] segments in ChunkedStream.Splits(Ascii(wire)))
        {
            var stream = new ChunkedStream([.. segments, [0xAA]]);

            RfbProtocolVersion version = await RfbProtocolVersion.ReadAsync(stream, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

            Assert.Equal(new RfbProtocolVersion(major, minor), version);
            Assert.Equal(RfbProtocolVersion.WireLength, stream.BytesRead);
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 404", "invalid RFB ProtocolVersion 'HTTP/1.1 404'")]
    [InlineData("rfb 003.008\n", "invalid RFB ProtocolVersion 'rfb 003.008\\n'")]
    [InlineData("RFB 00a.008\n", "invalid RFB ProtocolVersion 'RFB 00a.008\\n'")]
    [InlineData("RFB 003.0x8\n", "invalid RFB ProtocolVersion 'RFB 003.0x8\\n'")]
    [InlineData("RFB 003.008 ", "invalid RFB ProtocolVersion 'RFB 003.008 '")]
    [InlineData("RFB 003.008\r", "invalid RFB ProtocolVersion 'RFB 003.008\\r'")]
    [InlineData("RFB 003,008\n", "invalid RFB ProtocolVersion 'RFB 003,008\\n'")]
    [InlineData("RFB_003.008\n", "invalid RFB ProtocolVersion 'RFB_003.008\\n'")]
    [InlineData("RFB -03.008\n", "invalid RFB ProtocolVersion 'RFB -03.008\\n'")]
    [InlineData("RFB 3.8\n\n\n\n\n", "invalid RFB ProtocolVersion 'RFB 3.8\\n\\n\\n\\n\\n'")]
    [InlineData("RFB 003.008\0", "invalid RFB ProtocolVersion 'RFB 003.008\\x00'")]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003'", "invalid RFB ProtocolVersion '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\\''")]
    public async Task ReadAsync_InvalidVersion_ThrowsProtocolExceptionShowingTheBytes(string wire, string message)
    {
        var stream = new ChunkedStream(Ascii(wire));

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbProtocolVersion.ReadAsync(stream, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("R")]
    [InlineData("RFB 003.008")]
    public async Task ReadAsync_ConnectionClosedEarly_ThrowsProtocolExceptionSayingSo(string wire)
    {
        var stream = new ChunkedStream(Ascii(wire));

        var error = await Assert.ThrowsAsync<RfbProtocolException>(
            () => RfbProtocolVersion.ReadAsync(stream, CancellationToken.None).AsTask().WaitAsync(TestTimeout));

        Assert.Equal($"connection closed during the RFB ProtocolVersion after {wire.Length} of 12 bytes", error.Message);
    }

    [Theory]
    [InlineData("RFB 003.008\n\n")]
    [InlineData("RFB 003.008")]
    [InlineData("")]
    public void TryParse_NotExactlyTwelveBytes_ReturnsFalse(string wire)
    {
        Assert.False(RfbProtocolVersion.TryParse(Ascii(wire), out _));
    }

    [Fact]
    public void Parse_Garbage_ThrowsProtocolException()
    {
        Assert.Throws<RfbProtocolException>(() => RfbProtocolVersion.Parse(Ascii("GET / HTTP/1")));
    }

    [Theory]
    [InlineData(3, 8, "RFB 003.008\n")]
    [InlineData(3, 889, "RFB 003.889\n")]
    [InlineData(12, 34, "RFB 012.034\n")]
    [InlineData(0, 0, "RFB 000.000\n")]
    public void WriteTo_Version_WritesZeroPaddedWireForm(int major, int minor, string wire)
    {
        byte[] buffer = new byte[RfbProtocolVersion.WireLength];

        int written = new RfbProtocolVersion(major, minor).WriteTo(buffer);

        Assert.Equal(RfbProtocolVersion.WireLength, written);
        Assert.Equal(Ascii(wire), buffer);
    }

    [Fact]
    public void WriteTo_ShortBuffer_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => RfbProtocolVersion.V3_8.WriteTo(new byte[11]));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(1000, 0)]
    [InlineData(3, -1)]
    [InlineData(3, 1000)]
    public void Constructor_PartOutsideThreeDigits_Throws(int major, int minor)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RfbProtocolVersion(major, minor));
    }

    [Theory]
    [InlineData(3, 3, true)]
    [InlineData(3, 4, true)]
    [InlineData(3, 5, true)]
    [InlineData(3, 6, true)]
    [InlineData(3, 7, false)]
    [InlineData(3, 8, false)]
    [InlineData(3, 889, true)]
    [InlineData(4, 0, true)]
    public void UsesVersion33Handshake_OnlyVersions37And38UseTheNewerHandshake(int major, int minor, bool expected)
    {
        Assert.Equal(expected, new RfbProtocolVersion(major, minor).UsesVersion33Handshake);
    }

    [Theory]
    [InlineData(3, 3, false)]
    [InlineData(3, 7, false)]
    [InlineData(3, 8, true)]
    [InlineData(3, 889, false)]
    public void HasSecurityResultReason_Only38(int major, int minor, bool expected)
    {
        Assert.Equal(expected, new RfbProtocolVersion(major, minor).HasSecurityResultReason);
    }

    [Theory]
    [InlineData(3, 8, 3, 3)]
    [InlineData(3, 8, 3, 7)]
    [InlineData(3, 8, 3, 8)]
    [InlineData(3, 3, 3, 3)]
    [InlineData(3, 889, 3, 8)]
    public void Negotiate_ClientAtOrBelowServer_ReturnsClientVersion(int serverMajor, int serverMinor, int clientMajor, int clientMinor)
    {
        var client = new RfbProtocolVersion(clientMajor, clientMinor);

        Assert.Equal(client, RfbProtocolVersion.Negotiate(new RfbProtocolVersion(serverMajor, serverMinor), client));
    }

    [Theory]
    [InlineData(3, 3, 3, 8)]
    [InlineData(3, 3, 3, 4)]
    [InlineData(3, 8, 3, 889)]
    [InlineData(3, 8, 4, 0)]
    public void Negotiate_ClientAboveServer_ThrowsProtocolException(int serverMajor, int serverMinor, int clientMajor, int clientMinor)
    {
        var error = Assert.Throws<RfbProtocolException>(() => RfbProtocolVersion.Negotiate(
            new RfbProtocolVersion(serverMajor, serverMinor), new RfbProtocolVersion(clientMajor, clientMinor)));

        Assert.Contains("never reply with a higher version", error.Message);
    }

    [Theory]
    [InlineData(3, 3, 3, 3)]
    [InlineData(3, 4, 3, 3)]
    [InlineData(3, 5, 3, 3)]
    [InlineData(3, 7, 3, 7)]
    [InlineData(3, 8, 3, 8)]
    [InlineData(3, 889, 3, 8)]
    [InlineData(5, 0, 3, 8)]
    public void ChooseClientReply_ServerVersion_RepliesWithHighestVersionNotAboveIt(int serverMajor, int serverMinor, int replyMajor, int replyMinor)
    {
        Assert.Equal(
            new RfbProtocolVersion(replyMajor, replyMinor),
            RfbProtocolVersion.ChooseClientReply(new RfbProtocolVersion(serverMajor, serverMinor)));
    }

    [Fact]
    public void ChooseClientReply_ServerBelow33_ThrowsProtocolException()
    {
        Assert.Throws<RfbProtocolException>(() => RfbProtocolVersion.ChooseClientReply(new RfbProtocolVersion(3, 2)));
    }

    [Fact]
    public void CompareTo_OrdersByMajorThenMinor()
    {
        Assert.True(RfbProtocolVersion.V3_3 < RfbProtocolVersion.V3_7);
        Assert.True(RfbProtocolVersion.V3_8 < new RfbProtocolVersion(3, 889));
        Assert.True(new RfbProtocolVersion(3, 889) < new RfbProtocolVersion(4, 0));
        Assert.True(RfbProtocolVersion.V3_8 >= new RfbProtocolVersion(3, 8));
    }

    [Fact]
    public void ToString_ShowsMajorDotMinor()
    {
        Assert.Equal("3.889", new RfbProtocolVersion(3, 889).ToString());
    }

    [Fact]
    public async Task WriteAsync_Version_WritesWireForm()
    {
        using var stream = new MemoryStream();

        await RfbProtocolVersion.V3_3.WriteAsync(stream, CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(Ascii("RFB 003.003\n"), stream.ToArray());
    }
}
