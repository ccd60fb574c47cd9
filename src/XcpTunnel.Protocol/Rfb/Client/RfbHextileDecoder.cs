namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>Hextile encoding (RFC 6143 §7.7.4): 16×16 tiles, left to right, top to bottom.</summary>
internal static class RfbHextileDecoder
{
    // Each tile starts with a U8 subencoding mask, then, in this order, what its bits announce:
    //
    //   +------+---------------------+-----------------------------------------------+
    //   | Bit  | Name                | Followed by                                   |
    //   +------+---------------------+-----------------------------------------------+
    //   | 1    | Raw                 | tile w × h pixels; every other bit ignored    |
    //   | 2    | BackgroundSpecified | background pixel                              |
    //   | 4    | ForegroundSpecified | foreground pixel                              |
    //   | 8    | AnySubrects         | U8 number-of-subrectangles, then subrects     |
    //   | 16   | SubrectsColoured    | each subrect starts with its own pixel        |
    //   +------+---------------------+-----------------------------------------------+
    //
    //   subrect: [pixel] U8 x<<4|y, U8 (w-1)<<4|(h-1), relative to the tile.
    //   Background and foreground carry over to the next tile when not specified.

    internal const int TileSize = 16;

    private const byte RawFlag = 1;
    private const byte BackgroundSpecified = 2;
    private const byte ForegroundSpecified = 4;
    private const byte AnySubrects = 8;
    private const byte SubrectsColoured = 16;
    private const byte KnownFlags = RawFlag | BackgroundSpecified | ForegroundSpecified | AnySubrects | SubrectsColoured;

    internal static async ValueTask DecodeAsync(RfbReader reader, RfbCanvas canvas, RfbRectangle rectangle, CancellationToken cancellationToken)
    {
        uint background = 0;
        uint foreground = 0;
        byte[] raw = new byte[TileSize * TileSize * RfbRawDecoder.BytesPerPixel];
        for (int tileY = rectangle.Y; tileY < rectangle.Y + rectangle.Height; tileY += TileSize)
        {
            int tileHeight = Math.Min(TileSize, rectangle.Y + rectangle.Height - tileY);
            for (int tileX = rectangle.X; tileX < rectangle.X + rectangle.Width; tileX += TileSize)
            {
                int tileWidth = Math.Min(TileSize, rectangle.X + rectangle.Width - tileX);
                byte mask = await reader.ReadU8Async("a Hextile subencoding", cancellationToken).ConfigureAwait(false);
                if ((mask & ~KnownFlags) != 0)
                {
                    throw new RfbProtocolException($"invalid Hextile subencoding 0x{mask:X2}");
                }

                if ((mask & RawFlag) != 0)
                {
                    int rowBytes = tileWidth * RfbRawDecoder.BytesPerPixel;
                    await reader.ReadExactlyAsync(raw.AsMemory(0, rowBytes * tileHeight), "a Hextile raw tile", cancellationToken).ConfigureAwait(false);
                    for (int row = 0; row < tileHeight; row++)
                    {
                        RfbRawDecoder.ToPixels(raw.AsSpan(row * rowBytes, rowBytes), canvas.Row(tileX, tileY + row, tileWidth));
                    }

                    continue;
                }

                if ((mask & BackgroundSpecified) != 0)
                {
                    background = await reader.ReadPixelAsync("a Hextile background", cancellationToken).ConfigureAwait(false);
                }

                canvas.Fill(tileX, tileY, tileWidth, tileHeight, background);

                if ((mask & ForegroundSpecified) != 0)
                {
                    foreground = await reader.ReadPixelAsync("a Hextile foreground", cancellationToken).ConfigureAwait(false);
                }

                if ((mask & AnySubrects) == 0)
                {
                    continue;
                }

                int count = await reader.ReadU8Async("a Hextile subrectangle count", cancellationToken).ConfigureAwait(false);
                bool coloured = (mask & SubrectsColoured) != 0;
                for (int i = 0; i < count; i++)
                {
                    uint colour = coloured
                        ? await reader.ReadPixelAsync("a Hextile subrectangle colour", cancellationToken).ConfigureAwait(false)
                        : foreground;
                    byte position = await reader.ReadU8Async("a Hextile subrectangle", cancellationToken).ConfigureAwait(false);
                    byte size = await reader.ReadU8Async("a Hextile subrectangle", cancellationToken).ConfigureAwait(false);
                    int x = position >> 4;
                    int y = position & 0xF;
                    int width = (size >> 4) + 1;
                    int height = (size & 0xF) + 1;
                    if (x + width > tileWidth || y + height > tileHeight)
                    {
                        throw new RfbProtocolException(
                            $"a Hextile subrectangle at ({x}, {y}) size {width}×{height} reaches outside its {tileWidth}×{tileHeight} tile");
                    }

                    canvas.Fill(tileX + x, tileY + y, width, height, colour);
                }
            }
        }
    }
}
