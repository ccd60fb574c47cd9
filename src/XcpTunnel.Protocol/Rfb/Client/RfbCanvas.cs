namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>
/// The client's framebuffer while updates arrive, and which of its pixels the current update has drawn:
/// a full-screen read is done when one update has covered every pixel, whatever the rectangles' order or
/// overlap.
/// </summary>
internal sealed class RfbCanvas
{
    private ulong[] _covered;

    internal RfbCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        Pixels = new uint[width * height];
        _covered = new ulong[(Pixels.Length + 63) / 64];
    }

    internal int Width { get; private set; }

    internal int Height { get; private set; }

    internal uint[] Pixels { get; private set; }

    internal int CoveredCount { get; private set; }

    internal bool IsCovered => CoveredCount == Pixels.Length;

    /// <summary>Throws unless the rectangle lies within the framebuffer.</summary>
    internal void CheckWithin(int x, int y, int width, int height, string what)
    {
        if (x + width > Width || y + height > Height)
        {
            throw new RfbProtocolException(
                $"{what} at ({x}, {y}) size {width}×{height} reaches outside the {Width}×{Height} framebuffer");
        }
    }

    internal void Resize(int width, int height)
    {
        Width = width;
        Height = height;
        Pixels = new uint[width * height];
        _covered = new ulong[(Pixels.Length + 63) / 64];
        CoveredCount = 0;
    }

    internal void ResetCoverage()
    {
        Array.Clear(_covered);
        CoveredCount = 0;
    }

    internal Span<uint> Row(int x, int y, int width) => Pixels.AsSpan((y * Width) + x, width);

    internal void Fill(int x, int y, int width, int height, uint colour)
    {
        for (int row = y; row < y + height; row++)
        {
            Row(x, row, width).Fill(colour);
        }
    }

    /// <summary>CopyRect: overlapping areas are copied as if through a temporary buffer.</summary>
    internal void Copy(int sourceX, int sourceY, int x, int y, int width, int height)
    {
        if (sourceY < y)
        {
            for (int row = height - 1; row >= 0; row--)
            {
                Row(sourceX, sourceY + row, width).CopyTo(Row(x, y + row, width));
            }
        }
        else
        {
            // Span.CopyTo handles overlap within a row.
            for (int row = 0; row < height; row++)
            {
                Row(sourceX, sourceY + row, width).CopyTo(Row(x, y + row, width));
            }
        }
    }

    internal void MarkCovered(int x, int y, int width, int height)
    {
        for (int row = y; row < y + height; row++)
        {
            int first = (row * Width) + x;
            for (int i = first; i < first + width; i++)
            {
                ulong bit = 1UL << (i & 63);
                ref ulong word = ref _covered[i >> 6];
                if ((word & bit) == 0)
                {
                    word |= bit;
                    CoveredCount++;
                }
            }
        }
    }

    internal RfbFramebuffer Snapshot() => new(Width, Height, (uint[])Pixels.Clone());
}
