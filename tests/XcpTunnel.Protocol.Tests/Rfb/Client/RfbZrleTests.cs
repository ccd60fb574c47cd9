using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.Client.RfbClientTestSupport;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

public sealed class RfbZrleTests
{
    private const int Zrle = 16;
    private static readonly uint[] Colours = [0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x123456, 0x654321, 0xABCDEF, 0x0F0F0F,
        0xF0F0F0, 0x111111, 0x222222, 0x333333, 0x444444, 0x555555, 0x666666, 0x777777];

    public enum TileKind
    {
        Raw,
        Solid,
        Palette2,
        Palette3,
        Palette5,
        Palette16,
        PlainRle,
        PaletteRle,
    }

    /// <summary>The picture each kind draws; kinds that use a palette use Colours[0..n].</summary>
    private static uint Picture(TileKind kind, int x, int y) => kind switch
    {
        TileKind.Raw => (uint)((x * 0x30000) ^ (y * 0x101) ^ 0x5A),
        TileKind.Solid => 0x2E7D32,
        TileKind.Palette2 => Colours[(x + (3 * y)) % 2],
        TileKind.Palette3 => Colours[(x + (3 * y)) % 3],
        TileKind.Palette5 => Colours[(x + (3 * y)) % 5],
        TileKind.Palette16 => Colours[(x + (3 * y)) % 16],
        // Rows above 10 make runs longer than 255 (the 255-continuation); below, short runs of three colours.
        _ => y < 10 ? Colours[0] : Colours[((x / 7) + y) % 3],
    };

    /// <summary>The decompressed ZRLE data for a rectangle of <paramref name="kind"/> tiles, per RFC 6143 §7.7.6.</summary>
    private static byte[] Tiles(TileKind kind, int width, int height)
    {
        var data = new List<byte>();
        for (int tileY = 0; tileY < height; tileY += 64)
        {
            for (int tileX = 0; tileX < width; tileX += 64)
            {
                int w = Math.Min(64, width - tileX);
                int h = Math.Min(64, height - tileY);
                var pixels = new List<uint>();
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        pixels.Add(Picture(kind, tileX + x, tileY + y));
                    }
                }

                Tile(data, kind, w, h, pixels);
            }
        }

        return [.. data];
    }

    private static void Tile(List<byte> data, TileKind kind, int w, int h, List<uint> pixels)
    {
        switch (kind)
        {
            case TileKind.Raw:
                data.Add(0);
                pixels.ForEach(p => data.AddRange(ZrleServerStream.CPixel(p)));
                break;
            case TileKind.Solid:
                data.Add(1);
                data.AddRange(ZrleServerStream.CPixel(pixels[0]));
                break;
            case TileKind.Palette2 or TileKind.Palette3 or TileKind.Palette5 or TileKind.Palette16:
                int n = kind switch { TileKind.Palette2 => 2, TileKind.Palette3 => 3, TileKind.Palette5 => 5, _ => 16 };
                int bits = n == 2 ? 1 : n <= 4 ? 2 : 4;
                data.Add((byte)n);
                for (int i = 0; i < n; i++)
                {
                    data.AddRange(ZrleServerStream.CPixel(Colours[i]));
                }

                for (int y = 0; y < h; y++)
                {
                    int acc = 0;
                    int used = 0;
                    for (int x = 0; x < w; x++)
                    {
                        acc = (acc << bits) | Array.IndexOf(Colours, pixels[(y * w) + x]);
                        used += bits;
                        if (used == 8)
                        {
                            data.Add((byte)acc);
                            acc = 0;
                            used = 0;
                        }
                    }

                    if (used > 0)
                    {
                        data.Add((byte)(acc << (8 - used)));
                    }
                }

                break;
            case TileKind.PlainRle:
                data.Add(128);
                foreach ((uint colour, int run) in Runs(pixels))
                {
                    data.AddRange(ZrleServerStream.CPixel(colour));
                    RunLength(data, run);
                }

                break;
            case TileKind.PaletteRle:
                data.Add(128 + 3);
                for (int i = 0; i < 3; i++)
                {
                    data.AddRange(ZrleServerStream.CPixel(Colours[i]));
                }

                foreach ((uint colour, int run) in Runs(pixels))
                {
                    int index = Array.IndexOf(Colours, colour);
                    if (run == 1)
                    {
                        data.Add((byte)index);
                    }
                    else
                    {
                        data.Add((byte)(0x80 | index));
                        RunLength(data, run);
                    }
                }

                break;
        }
    }

    private static IEnumerable<(uint Colour, int Run)> Runs(List<uint> pixels)
    {
        int start = 0;
        for (int i = 1; i <= pixels.Count; i++)
        {
            if (i == pixels.Count || pixels[i] != pixels[start])
            {
                yield return (pixels[start], i - start);
                start = i;
            }
        }
    }

    private static void RunLength(List<byte> data, int run)
    {
        int left = run - 1;
        while (left >= 255)
        {
            data.Add(255);
            left -= 255;
        }

        data.Add((byte)left);
    }

    [Theory]
    [InlineData(TileKind.Raw)]
    [InlineData(TileKind.Solid)]
    [InlineData(TileKind.Palette2)]
    [InlineData(TileKind.Palette3)]
    [InlineData(TileKind.Palette5)]
    [InlineData(TileKind.Palette16)]
    [InlineData(TileKind.PlainRle)]
    [InlineData(TileKind.PaletteRle)]
    public async Task ReadFull_ZrleSubencoding_DecodesEveryPixelOfFullAndEdgeTiles(TileKind kind)
    {
        // 70×66: tiles of 64×64, 6×64, 64×2 and 6×2.
        using var zlib = new ZrleServerStream();
        byte[] update = [.. new RfbServerScript().Update(1).Rectangle(0, 0, 70, 66, Zrle).ToArray(), .. zlib.Rectangle(Tiles(kind, 70, 66))];

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(70, 66), update);

        AssertPixels(screen, 70, 66, (x, y) => Picture(kind, x, y));
    }

    [Fact]
    public async Task ReadFull_TwoZrleUpdates_ShareOneZlibStream()
    {
        using var zlib = new ZrleServerStream();
        byte[] first = [.. new RfbServerScript().Update(1).Rectangle(0, 0, 70, 66, Zrle).ToArray(), .. zlib.Rectangle(Tiles(TileKind.PaletteRle, 70, 66))];
        // The second update's zlib bytes depend on the first's dictionary: a fresh inflater could not read them.
        byte[] second = [.. new RfbServerScript().Update(1).Rectangle(0, 0, 70, 66, Zrle).ToArray(), .. zlib.Rectangle(Tiles(TileKind.PlainRle, 70, 66))];
        var stream = new ScriptedStream(new ChunkedStream(RfbServerScript.Handshake38(70, 66), first, second));
        await using var client = await RfbClient.ConnectAsync(stream, Options, CancellationToken.None).Bounded();

        var one = await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
        var two = await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();

        AssertPixels(one, 70, 66, (x, y) => Picture(TileKind.PaletteRle, x, y));
        AssertPixels(two, 70, 66, (x, y) => Picture(TileKind.PlainRle, x, y));
    }

    [Fact]
    public async Task ReadFull_ZrleSplitAtEveryPoint_DecodesEveryPixel()
    {
        byte[] header = new RfbServerScript().Update(1).Rectangle(0, 0, 9, 5, Zrle).ToArray();
        for (int split = 1; ; split++)
        {
            using var zlib = new ZrleServerStream();
            byte[] update = [.. header, .. zlib.Rectangle(Tiles(TileKind.PaletteRle, 9, 5))];
            if (split >= update.Length)
            {
                break;
            }

            var screen = await ReadScreenAsync(RfbServerScript.Handshake38(9, 5), update[..split], update[split..]);
            AssertPixels(screen, 9, 5, (x, y) => Picture(TileKind.PaletteRle, x, y));
        }
    }

    [Fact]
    public async Task ReadFull_TwoZrleRectanglesInOneUpdate_DecodeInOrder()
    {
        using var zlib = new ZrleServerStream();
        byte[] update = [
            .. new RfbServerScript().Update(2).Rectangle(0, 0, 70, 30, Zrle).ToArray(), .. zlib.Rectangle(Tiles(TileKind.Raw, 70, 30)),
            .. new RfbServerScript().Rectangle(0, 30, 70, 36, Zrle).ToArray(), .. zlib.Rectangle(Tiles(TileKind.Solid, 70, 36)),
        ];

        var screen = await ReadScreenAsync(RfbServerScript.Handshake38(70, 66), update);

        AssertPixels(screen, 70, 66, (x, y) => y < 30 ? Picture(TileKind.Raw, x, y) : Picture(TileKind.Solid, x, y));
    }
}
