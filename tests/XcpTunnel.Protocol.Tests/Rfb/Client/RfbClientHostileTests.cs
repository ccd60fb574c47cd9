using FsCheck.Xunit;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.Client.RfbClientTestSupport;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

/// <summary>Whatever a server sends, the client fails with <see cref="RfbProtocolException"/> and allocates within its limits.</summary>
public sealed class RfbClientHostileTests
{
    public static TheoryData<string, byte[]> HostileUpdates() => new()
    {
        { "rectangle outside the screen", new RfbServerScript().Update(1).Rectangle(3, 0, 2, 1, 0).ToArray() },
        { "encoding not asked for", new RfbServerScript().Update(1).Rectangle(0, 0, 1, 1, 7).ToArray() },
        { "CopyRect source outside", new RfbServerScript().Update(1).Rectangle(0, 0, 2, 2, 1).U16(3).U16(3).ToArray() },
        { "ZRLE length above limit", new RfbServerScript().Update(1).Rectangle(0, 0, 4, 4, 16).U32(uint.MaxValue).ToArray() },
        { "ZRLE garbage", new RfbServerScript().Update(1).Rectangle(0, 0, 4, 4, 16).U32(4).U32(0xDEADBEEF).ToArray() },
        { "Hextile unknown flag", new RfbServerScript().Update(1).Rectangle(0, 0, 4, 4, 5).U8(0x40).ToArray() },
        { "Hextile subrect outside tile", new RfbServerScript().Update(1).Rectangle(0, 0, 4, 4, 5).U8(8 | 2).Pixel(0).U8(1).U8(0x33).U8(0x11).ToArray() },
        { "DesktopSize beyond limits", new RfbServerScript().Update(1).Rectangle(0, 0, 65535, 65535, -223).ToArray() },
        { "cut text above limit", new RfbServerScript().U8(3).U8(0).U8(0).U8(0).U32(uint.MaxValue).ToArray() },
        { "unknown message type", new RfbServerScript().U8(77).ToArray() },
        { "too many rectangles", new RfbServerScript().Update(65535).ToArray() },
        { "closed mid-rectangle", new RfbServerScript().Update(1).Rectangle(0, 0, 4, 4, 0).Pixel(1).ToArray() },
    };

    [Theory]
    [MemberData(nameof(HostileUpdates))]
    public async Task ReadFull_HostileUpdate_ThrowsProtocolException(string what, byte[] update)
    {
        var error = await Assert.ThrowsAsync<RfbProtocolException>(() => ReadScreenAsync(RfbServerScript.Handshake38(4, 4), update)).Bounded();

        Assert.False(string.IsNullOrEmpty(error.Message), what);
    }

    [Fact]
    public async Task Connect_HugeNameLength_ThrowsProtocolExceptionBeforeAllocating()
    {
        byte[] server = new RfbServerScript().Ascii("RFB 003.008\n").U8(1).U8(1).U32(0)
            .U16(1).U16(1).Bytes(new byte[16]).U32(uint.MaxValue).ToArray();

        await Assert.ThrowsAsync<RfbProtocolException>(() => ReadScreenAsync(server)).Bounded();
    }

    [Fact]
    public async Task Connect_ServerInitTooLarge_ThrowsProtocolException()
    {
        await Assert.ThrowsAsync<RfbProtocolException>(() => ReadScreenAsync(RfbServerScript.Handshake38(16384, 16384))).Bounded();
    }

    [Property(MaxTest = 300)]
    public async Task ReadFull_RandomRectangleBody_DecodesOrThrowsProtocolException(byte encodingChoice, byte width, byte height, byte[] body)
    {
        int[] encodings = [0, 1, 5, 16, -223];
        byte[] update = [.. new RfbServerScript().Update(1).Rectangle(0, 0, width % 40, height % 40, encodings[encodingChoice % encodings.Length]).ToArray(), .. body ?? []];
        try
        {
            await ReadScreenAsync(RfbServerScript.Handshake38(40, 40), update);
        }
        catch (RfbProtocolException)
        {
        }
    }

    [Property(MaxTest = 200)]
    public async Task ReadFull_RandomServerMessages_DecodesOrThrowsProtocolException(byte[] messages)
    {
        try
        {
            await ReadScreenAsync(RfbServerScript.Handshake38(8, 8), messages ?? []);
        }
        catch (RfbProtocolException)
        {
        }
    }
}
