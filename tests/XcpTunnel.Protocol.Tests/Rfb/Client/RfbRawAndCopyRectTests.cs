using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.Client.RfbClientTestSupport;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

public sealed class RfbRawAndCopyRectTests
{
    private static uint Gradient(int x, int y) => (uint)((x * 0x10000) + (y * 0x100) + 0x42);

    public static TheoryData<int> SplitPoints()
    {
        var data = new TheoryData<int>();
        int length = RawUpdate().Length;
        for (int split = 0; split < length; split++)
        {
            data.Add(split);
        }

        return data;
    }

    private static byte[] RawUpdate() =>
        new RfbServerScript().Update(2).Raw(0, 0, 3, 1, Gradient).Raw(0, 1, 3, 1, Gradient).ToArray();

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public async Task ReadFull_RawUpdateSplitAnywhere_DecodesEveryPixel(int split)
    {
        byte[] update = RawUpdate();

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(3, 2), update[..split], update[split..]);

        AssertPixels(screen, 3, 2, Gradient);
    }

    [Fact]
    public async Task ReadFull_RawOneByteAtATime_DecodesEveryPixel()
    {
        byte[] all = [.. RfbServerScript.Handshake38(3, 2), .. RawUpdate()];

        var screen = await ReadScreenAsync(all.Select(b => new[] { b }).ToArray());

        AssertPixels(screen, 3, 2, Gradient);
    }

    [Fact]
    public async Task ReadFull_PartialUpdateThenFull_WaitsForTheUpdateThatCoversTheScreen()
    {
        byte[] partial = new RfbServerScript().Update(1).Raw(0, 0, 2, 2, (_, _) => 0x111111).ToArray();
        byte[] full = new RfbServerScript().Update(1).Raw(0, 0, 4, 2, (_, _) => 0x222222).ToArray();

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(4, 2), partial, full);

        Assert.True(screen.IsSingleColour(out uint colour));
        Assert.Equal(0x222222u, colour);
    }

    [Fact]
    public async Task ReadFull_BellCutTextAndColourMapBeforeTheUpdate_AreSkipped()
    {
        byte[] noise = new RfbServerScript()
            .U8(2)
            .U8(3).U8(0).U8(0).U8(0).U32(5).Ascii("hello")
            .U8(1).U8(0).U16(0).U16(2).Bytes(new byte[12])
            .ToArray();

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(1, 1), noise, new RfbServerScript().Update(1).Raw(0, 0, 1, 1, (_, _) => 0xABCDEF).ToArray());

        Assert.Equal(0xABCDEFu, screen[0, 0]);
    }

    [Fact]
    public async Task ReadFull_CopyRect_CopiesFromPixelsTheUpdateAlreadyDrew()
    {
        // Left half raw, right half a copy of the left half: together they cover the screen.
        byte[] update = new RfbServerScript()
            .Update(2)
            .Raw(0, 0, 2, 3, Gradient)
            .Rectangle(2, 0, 2, 3, 1).U16(0).U16(0)
            .ToArray();

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(4, 3), update);

        AssertPixels(screen, 4, 3, (x, y) => Gradient(x % 2, y));
    }

    [Fact]
    public async Task ReadFull_CopyRectOverlappingDownward_CopiesAsThroughATemporaryBuffer()
    {
        // Rows 0-2 raw; then copy rows 0-1 onto rows 1-2 (overlapping); then raw row 3 to finish coverage.
        byte[] update = new RfbServerScript()
            .Update(3)
            .Raw(0, 0, 2, 3, Gradient)
            .Rectangle(0, 1, 2, 2, 1).U16(0).U16(0)
            .Raw(0, 3, 2, 1, Gradient)
            .ToArray();

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(2, 4), update);

        AssertPixels(screen, 2, 4, (x, y) => y is 1 or 2 ? Gradient(x, y - 1) : Gradient(x, y));
    }

    [Fact]
    public async Task ReadFull_DesktopSize_ResizesAndReadsTheNewScreen()
    {
        byte[] update = new RfbServerScript()
            .Update(2)
            .Rectangle(0, 0, 5, 2, -223)
            .Raw(0, 0, 5, 2, Gradient)
            .ToArray();

        var stream = new ScriptedStream(new ChunkedStream(RfbServerScript.Handshake38(2, 2), update));
        await using var client = await XcpTunnel.Protocol.Rfb.Client.RfbClient.ConnectAsync(stream, Options, CancellationToken.None).Bounded();
        var screen = await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        AssertPixels(screen, 5, 2, Gradient);
        Assert.Equal((5, 2), (client.Width, client.Height));
    }

    [Fact]
    public async Task ReadFull_DesktopSizeAlone_AsksAgainAndReadsTheNextUpdate()
    {
        byte[] resize = new RfbServerScript().Update(1).Rectangle(0, 0, 3, 1, -223).ToArray();
        byte[] full = new RfbServerScript().Update(1).Raw(0, 0, 3, 1, Gradient).ToArray();
        var stream = new ScriptedStream(new ChunkedStream(RfbServerScript.Handshake38(2, 2), resize, full));
        await using var client = await XcpTunnel.Protocol.Rfb.Client.RfbClient.ConnectAsync(stream, Options, CancellationToken.None).Bounded();
        int written = (int)stream.Written.Length;

        var screen = await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        AssertPixels(screen, 3, 1, Gradient);
        // Two FramebufferUpdateRequests, the second for the new 3×1 size.
        byte[] requests = stream.Written.ToArray()[written..];
        Assert.Equal(new byte[] { 3, 0, 0, 0, 0, 0, 0, 2, 0, 2, 3, 0, 0, 0, 0, 0, 0, 3, 0, 1 }, requests);
    }
}
