namespace XcpTunnel.Simulator.Backends.Screens;

/// <summary>A rectangle of framebuffer pixels; empty when either side is 0.</summary>
internal readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public bool IsEmpty => Width <= 0 || Height <= 0;

    public int Right => X + Width;

    public int Bottom => Y + Height;

    public PixelRect Intersect(PixelRect other)
    {
        int x = Math.Max(X, other.X);
        int y = Math.Max(Y, other.Y);
        int right = Math.Min(Right, other.Right);
        int bottom = Math.Min(Bottom, other.Bottom);
        return right > x && bottom > y ? new PixelRect(x, y, right - x, bottom - y) : default;
    }

    public bool Contains(PixelRect other) =>
        other.IsEmpty || (other.X >= X && other.Y >= Y && other.Right <= Right && other.Bottom <= Bottom);

    /// <summary>This rectangle minus <paramref name="other"/>: up to four pieces (above, below, left, right of the overlap).</summary>
    public IEnumerable<PixelRect> Subtract(PixelRect other)
    {
        PixelRect overlap = Intersect(other);
        if (overlap.IsEmpty)
        {
            if (!IsEmpty)
            {
                yield return this;
            }

            yield break;
        }

        PixelRect[] pieces =
        [
            new(X, Y, Width, overlap.Y - Y),
            new(X, overlap.Bottom, Width, Bottom - overlap.Bottom),
            new(X, overlap.Y, overlap.X - X, overlap.Height),
            new(overlap.Right, overlap.Y, Right - overlap.Right, overlap.Height),
        ];
        foreach (PixelRect piece in pieces)
        {
            if (!piece.IsEmpty)
            {
                yield return piece;
            }
        }
    }
}
