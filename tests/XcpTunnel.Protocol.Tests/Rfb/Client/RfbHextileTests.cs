using static XcpTunnel.Protocol.Tests.Rfb.Client.RfbClientTestSupport;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

public sealed class RfbHextileTests
{
    private const int Hextile = 5;
    private const byte Raw = 1;
    private const byte BackgroundSpecified = 2;
    private const byte ForegroundSpecified = 4;
    private const byte AnySubrects = 8;
    private const byte SubrectsColoured = 16;

    private static uint RawTile(int x, int y) => (uint)((x << 16) | (y << 8) | 0x07);

    /// <summary>32×32 = four tiles, one per way of drawing a tile.</summary>
    private static byte[] FourTiles()
    {
        var s = new RfbServerScript().Update(1).Rectangle(0, 0, 32, 32, Hextile);

        // (0, 0): raw pixels.
        s.U8(Raw);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                s.Pixel(RawTile(x, y));
            }
        }

        // (16, 0): background only.
        s.U8(BackgroundSpecified).Pixel(0x112233);

        // (0, 16): background carried over, foreground subrect at (2, 3) size 4×5.
        s.U8(ForegroundSpecified | AnySubrects).Pixel(0xAABBCC).U8(1).U8((2 << 4) | 3).U8((3 << 4) | 4);

        // (16, 16): new background, coloured subrects: the top row red, the bottom-right pixel green.
        s.U8(BackgroundSpecified | AnySubrects | SubrectsColoured).Pixel(0x000001).U8(2)
            .Pixel(0xFF0000).U8(0x00).U8(0xF0)
            .Pixel(0x00FF00).U8(0xFF).U8(0x00);
        return s.ToArray();
    }

    private static uint Expected(int x, int y) => (x / 16, y / 16) switch
    {
        (0, 0) => RawTile(x, y),
        (1, 0) => 0x112233,
        (0, 1) => x is >= 2 and < 6 && y - 16 is >= 3 and < 8 ? 0xAABBCCu : 0x112233u,
        _ => y == 16 ? 0xFF0000u : x == 31 && y == 31 ? 0x00FF00u : 0x000001u,
    };

    [Fact]
    public async Task ReadFull_HextileEverySubencoding_DecodesEveryPixel()
    {
        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(32, 32), FourTiles());

        AssertPixels(screen, 32, 32, Expected);
    }

    [Fact]
    public async Task ReadFull_HextileSplitAtEveryPoint_DecodesEveryPixel()
    {
        byte[] update = FourTiles();
        for (int split = 1; split < update.Length; split += 7)
        {
            var screen = await ReadScreenAsync(RfbServerScript.Handshake38(32, 32), update[..split], update[split..]);
            AssertPixels(screen, 32, 32, Expected);
        }
    }

    [Fact]
    public async Task ReadFull_HextileEdgeTiles_AreCutToTheRectangle()
    {
        // 20×18 at (1, 1) on a 21×19 screen: tiles 16×16, 4×16, 16×2, 4×2, each one background colour.
        var s = new RfbServerScript().Update(2).Raw(0, 0, 21, 19, (_, _) => 0x999999).Rectangle(1, 1, 20, 18, Hextile);
        foreach (uint colour in new uint[] { 0x000010, 0x000020, 0x000030, 0x000040 })
        {
            s.U8(BackgroundSpecified).Pixel(colour);
        }

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(21, 19), s.ToArray());

        AssertPixels(screen, 21, 19, (x, y) => x == 0 || y == 0 ? 0x999999u : (uint)(0x10 * (1 + ((x - 1) / 16) + (2 * ((y - 1) / 16)))));
    }
}
