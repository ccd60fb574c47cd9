namespace XcpTunnel.Simulator.Backends.Screens;

/// <summary>
/// What one viewer of an RFB backend sees: a framebuffer the message loop reads rows from in the viewer's pixel
/// format, and, for screens that change, when and where they changed. One instance per viewer, so
/// <see cref="Update"/> has a single caller.
/// </summary>
internal abstract class ConsoleScreen
{
    public const int MaxDimension = 4096;

    private protected ConsoleScreen(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxDimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxDimension);
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public PixelRect Bounds => new(0, 0, Width, Height);

    /// <summary>Brings the picture up to date and returns the area that changed since the last call (empty when none).</summary>
    public virtual PixelRect Update() => default;

    /// <summary>Completes when <see cref="Update"/> may next report a change; never for a screen that does not change.</summary>
    public virtual Task WhenChangedAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    /// <summary>Writes the pixels <paramref name="x"/> .. x + <paramref name="width"/> of row <paramref name="y"/> in <paramref name="format"/>.</summary>
    public abstract void ReadRow(int x, int y, int width, RfbPixelFormat format, Span<byte> destination);
}
