using System.Buffers.Binary;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>
/// What a held viewer sees while its VM's console is away: one line of text ("web01 is restarting… 12 s") in the
/// test card's font, white on dark blue, centred on the viewer's screen, drawn in the viewer's pixel format as a
/// FramebufferUpdate of Raw rectangles (the one encoding every viewer takes; docs/rfb.md, "Holding a viewer").
/// </summary>
internal static class StatusFrame
{
    private const int Margin = 16;

    // The layout is fixed for a screen size, so each frame's band covers every pixel the previous text touched.
    private const int LayoutChars = 40;
    private static readonly (byte R, byte G, byte B) Background = (0x10, 0x20, 0x48);
    private static readonly (byte R, byte G, byte B) Foreground = (0xFF, 0xFF, 0xFF);

    /// <summary>The band the text is drawn in: the only part an incremental update needs to repaint.</summary>
    public static (int Y, int Height, int Scale) Band(int width, int height)
    {
        int scale = Math.Max(1, Math.Min(4, (width - (2 * Margin)) / BitmapFont.TextWidth(LayoutChars, 1)));
        int bandHeight = Math.Min(height, (BitmapFont.GlyphHeight + 4) * scale);
        return ((height - bandHeight) / 2, bandHeight, scale);
    }

    /// <summary>
    /// A FramebufferUpdate with <paramref name="text"/>: the whole <paramref name="width"/>×<paramref name="height"/>
    /// screen when <paramref name="whole"/>, else only the text's band (which covers every pixel the text can touch).
    /// </summary>
    public static byte[] Update(string text, int width, int height, RfbPixelFormat format, bool whole)
    {
        int bpp = format.BytesPerPixel;
        var (bandY, bandHeight, scale) = Band(width, height);
        text = Fit(text, width, scale);
        int top = whole ? 0 : bandY;
        int rows = whole ? height : bandHeight;
        byte[] update = new byte[4 + 12 + ((long)width * rows * bpp) is var size and <= int.MaxValue ? (int)size : throw new InvalidOperationException("screen too large")];
        update[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(6), (ushort)top);
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(8), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(update.AsSpan(10), (ushort)rows);
        Span<byte> pixels = update.AsSpan(16);

        Span<byte> back = stackalloc byte[4];
        Span<byte> fore = stackalloc byte[4];
        format.Encode(Background.R, Background.G, Background.B, back);
        format.Encode(Foreground.R, Foreground.G, Foreground.B, fore);
        for (int i = 0; i < width * rows; i++)
        {
            back[..bpp].CopyTo(pixels[(i * bpp)..]);
        }

        int left = (width - BitmapFont.TextWidth(text.Length, scale)) / 2;
        int textTop = bandY + (2 * scale) - top;
        for (int c = 0; c < text.Length; c++)
        {
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                {
                    if (!BitmapFont.IsSet(text[c], column, row))
                    {
                        continue;
                    }

                    for (int dy = 0; dy < scale; dy++)
                    {
                        int y = textTop + (row * scale) + dy;
                        int x = left + (((c * BitmapFont.Advance) + column) * scale);
                        if (y < 0 || y >= rows || x < 0 || x + scale > width)
                        {
                            continue;
                        }

                        for (int dx = 0; dx < scale; dx++)
                        {
                            fore[..bpp].CopyTo(pixels[((((y * width) + x + dx)) * bpp)..]);
                        }
                    }
                }
            }
        }

        return update;
    }

    // The font is ASCII: the ellipsis becomes three dots; text too wide for the screen is cut.
    private static string Fit(string text, int width, int scale)
    {
        text = text.Replace("…", "...", StringComparison.Ordinal);
        int max = Math.Max(1, (width - (2 * Margin) + scale) / (BitmapFont.Advance * scale));
        return text.Length <= max ? text : text[..max];
    }
}
