using System.Diagnostics.CodeAnalysis;

namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>A copy of the server's screen: <see cref="Width"/> × <see cref="Height"/> pixels, row by row, as 0xRRGGBB.</summary>
public sealed class RfbFramebuffer
{
    /// <summary>Wraps pixels (not copied); <paramref name="pixels"/> must hold exactly width × height values.</summary>
    /// <exception cref="ArgumentException">The sizes do not match.</exception>
    public RfbFramebuffer(int width, int height, uint[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if ((long)width * height != pixels.Length)
        {
            throw new ArgumentException($"a {width}×{height} framebuffer has {(long)width * height} pixels, not {pixels.Length}", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row by row from the top left, each 0xRRGGBB.</summary>
    [SuppressMessage("Performance", "CA1819:Properties should not return arrays", Justification = "A framebuffer is a pixel array; callers index it directly.")]
    public uint[] Pixels { get; }

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>) as 0xRRGGBB.</summary>
    public uint this[int x, int y] => Pixels[(y * Width) + x];

    /// <summary>Whether every pixel has the same colour; an empty framebuffer has none.</summary>
    public bool IsSingleColour(out uint colour)
    {
        colour = 0;
        if (Pixels.Length == 0)
        {
            return false;
        }

        colour = Pixels[0];
        return !Pixels.AsSpan().ContainsAnyExcept(colour);
    }

    /// <summary>The most frequent colour (the smallest value on a tie); 0 for an empty framebuffer.</summary>
    public uint DominantColour()
    {
        var counts = new Dictionary<uint, int>();
        foreach (uint pixel in Pixels)
        {
            counts[pixel] = counts.GetValueOrDefault(pixel) + 1;
        }

        uint best = 0;
        int bestCount = 0;
        foreach ((uint colour, int count) in counts)
        {
            if (count > bestCount || (count == bestCount && colour < best))
            {
                best = colour;
                bestCount = count;
            }
        }

        return best;
    }
}
