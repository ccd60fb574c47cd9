using System.Text;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb;

public class RfbFailureReasonTests
{
    [Theory]
    [InlineData(new byte[] { 0x56, 0x4D }, "VM")]
    [InlineData(new byte[] { 0xC3, 0xA9, 0x74, 0xC3, 0xA9 }, "été")]
    [InlineData(new byte[] { 0xE9, 0x74, 0xE9 }, "été")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "Ã(")]
    public async Task ReadAsync_Reason_DecodesUtf8ElseLatin1(byte[] text, string expected)
    {
        var stream = new ChunkedStream(Reason(text));

        string reason = await RfbFailureReason.ReadAsync(stream, "the reason", CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(expected, reason);
    }

    [Fact]
    public async Task ReadAsync_ReasonSplitAtEveryPoint_ReadsItExactly()
    {
        byte[] wire = Reason("Connection limit exceeded");
        foreach (byte[][] segments in ChunkedStream.Splits(wire))
        {
            var stream = new ChunkedStream([.. segments, [0xAA]]);

            string reason = await RfbFailureReason.ReadAsync(stream, "the reason", CancellationToken.None).AsTask().WaitAsync(TestTimeout);

            Assert.Equal("Connection limit exceeded", reason);
            Assert.Equal(wire.Length, stream.BytesRead);
        }
    }

    [Fact]
    public void Encode_ShortReason_WritesLengthThenUtf8()
    {
        Assert.Equal(Reason("Zugriff verweigert: à"), RfbFailureReason.Encode("Zugriff verweigert: à"));
    }

    [Theory]
    [InlineData("a", 2000)]
    [InlineData("é", 600)]
    [InlineData("aé", 600)]
    [InlineData("€", 400)]
    [InlineData("a€", 400)]
    [InlineData("aa€", 400)]
    [InlineData("😀", 300)]
    [InlineData("a😀", 300)]
    public void Encode_LongReason_CutsAt1024BytesOnACharacterBoundary(string unit, int repeat)
    {
        string reason = string.Concat(Enumerable.Repeat(unit, repeat));

        byte[] wire = RfbFailureReason.Encode(reason);

        byte[] text = wire[4..];
        Assert.Equal(Reason(text), wire);
        Assert.InRange(text.Length, RfbFailureReason.MaxWrittenReasonLength - 3, RfbFailureReason.MaxWrittenReasonLength);
        string decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(text);
        Assert.StartsWith(decoded, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ReasonOfExactly1024Bytes_KeepsItWhole()
    {
        string reason = new('x', RfbFailureReason.MaxWrittenReasonLength);

        Assert.Equal(Reason(reason), RfbFailureReason.Encode(reason));
    }
}
