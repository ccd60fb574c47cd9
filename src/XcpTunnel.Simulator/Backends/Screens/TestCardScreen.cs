using System.Globalization;
using XcpTunnel.Protocol.Rfb;

namespace XcpTunnel.Simulator.Backends.Screens;

/// <summary>
/// A test card: eight full-intensity colour bars over the top half (white, yellow, cyan, green, magenta, red,
/// blue, black), and below them on black the VM's name in large white letters and a green <c>HH:MM:SS</c> clock
/// that changes every second. Full-intensity colours survive every true-colour format exactly, BGR233 included,
/// so a viewer (or a test) can check them pixel for pixel.
/// </summary>
/// <remarks>
/// Pixels are palette indices, one byte each (480 KB at 800×600); a row is turned into the viewer's format
/// through the palette encoded once per pixel format. Only the clock is ever redrawn.
/// </remarks>
internal sealed class TestCardScreen : ConsoleScreen
{
    /// <summary>The bars' colours as 0xRRGGBB, left to right.</summary>
    public static IReadOnlyList<int> BarColours { get; } = [0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00, 0xFF00FF, 0xFF0000, 0x0000FF, 0x000000];

    public const int TextColour = 0xFFFFFF;
    public const int ClockColour = 0x00FF00;
    public const int BackgroundColour = 0x000000;

    private const string ClockTemplate = "88:88:88";

    private static readonly int[] Palette = [.. BarColours, BackgroundColour, TextColour, ClockColour];
    private static readonly byte Background = (byte)BarColours.Count;
    private static readonly byte Text = (byte)(BarColours.Count + 1);
    private static readonly byte Clock = (byte)(BarColours.Count + 2);

    /// <summary>What the screen shows while the VM boots.</summary>
    public static IReadOnlyList<string> BootText { get; } = ["SeaBIOS (simulated)", "Booting from Hard Disk...", "GRUB loading."];

    private readonly byte[] _pixels;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly int _scale;
    private DateTimeOffset? _bootUntil;
    private string _clockText = string.Empty;
    private RfbPixelFormat _encodedFormat;
    private byte[] _encodedPalette = [];

    /// <param name="width">Framebuffer width in pixels.</param>
    /// <param name="height">Framebuffer height in pixels.</param>
    /// <param name="name">The VM's name, drawn under the bars.</param>
    /// <param name="time">The clock's time source (local time), and the boot text's.</param>
    /// <param name="bootUntil">
    /// Until then (the VM has just rebooted: <see cref="SimulatedVm.BootedAt"/>) the screen shows a firmware's boot
    /// text instead, and the card replaces it whole when that time has come; null shows the card at once.
    /// </param>
    public TestCardScreen(int width, int height, string name, TimeProvider time, DateTimeOffset? bootUntil = null)
        : base(width, height)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _name = name;
        _pixels = new byte[width * height];
        BarsHeight = height / 2;
        int band = height - BarsHeight;

        int scale = Math.Max(1, Math.Min(band / 4 / BitmapFont.GlyphHeight, (width - 16) / BitmapFont.TextWidth(ClockTemplate.Length, 1)));
        int clockWidth = BitmapFont.TextWidth(ClockTemplate.Length, scale);
        ClockArea = new PixelRect((width - clockWidth) / 2, BarsHeight + (band * 3 / 4) - (BitmapFont.GlyphHeight * scale / 2), clockWidth, BitmapFont.GlyphHeight * scale);

        _scale = scale;
        if (bootUntil is { } until && time.GetUtcNow() < until)
        {
            _bootUntil = until;
            DrawBootText();
        }
        else
        {
            DrawCard();
        }
    }

    /// <summary>Rows 0 .. BarsHeight - 1 hold the bars.</summary>
    public int BarsHeight { get; }

    /// <summary>Where the clock is drawn; the only area that ever changes.</summary>
    public PixelRect ClockArea { get; }

    /// <summary>Left edge of bar <paramref name="index"/> (0–7).</summary>
    public int BarLeft(int index) => index * Width / BarColours.Count;

    /// <summary>True while the boot text shows (see the constructor's <c>bootUntil</c>).</summary>
    public bool Booting => _bootUntil is not null;

    public override PixelRect Update()
    {
        if (_bootUntil is { } until)
        {
            if (_time.GetUtcNow() < until)
            {
                return default;
            }

            // Booted: the whole card replaces the boot text.
            _bootUntil = null;
            DrawCard();
            return Bounds;
        }

        string text = _time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        if (text == _clockText)
        {
            return default;
        }

        _clockText = text;
        Fill(ClockArea, Background);
        DrawText(text, ClockArea.X, ClockArea.Y, ClockArea.Height / BitmapFont.GlyphHeight, Clock);
        return ClockArea;
    }

    public override Task WhenChangedAsync(CancellationToken cancellationToken)
    {
        long ticks = _time.GetUtcNow().Ticks;
        var untilNextSecond = TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (ticks % TimeSpan.TicksPerSecond));
        return Task.Delay(untilNextSecond, _time, cancellationToken);
    }

    public override void ReadRow(int x, int y, int width, RfbPixelFormat format, Span<byte> destination)
    {
        int size = format.BytesPerPixel;
        if (_encodedPalette.Length == 0 || format != _encodedFormat)
        {
            _encodedPalette = new byte[Palette.Length * size];
            for (int i = 0; i < Palette.Length; i++)
            {
                format.Encode((byte)(Palette[i] >> 16), (byte)(Palette[i] >> 8), (byte)Palette[i], _encodedPalette.AsSpan(i * size, size));
            }

            _encodedFormat = format;
        }

        ReadOnlySpan<byte> row = _pixels.AsSpan((y * Width) + x, width);
        for (int i = 0; i < row.Length; i++)
        {
            _encodedPalette.AsSpan(row[i] * size, size).CopyTo(destination[(i * size)..]);
        }
    }

    private void DrawCard()
    {
        for (int i = 0; i < BarColours.Count; i++)
        {
            Fill(new PixelRect(BarLeft(i), 0, BarLeft(i + 1) - BarLeft(i), BarsHeight), (byte)i);
        }

        Fill(new PixelRect(0, BarsHeight, Width, Height - BarsHeight), Background);
        DrawName(_name, Height - BarsHeight, _scale);
        _clockText = string.Empty;
        Update();
    }

    /// <summary>A firmware's first lines, white on black at the top left, as a rebooting VM's console shows them.</summary>
    private void DrawBootText()
    {
        Fill(Bounds, Background);
        int scale = Math.Max(1, Math.Min(2, (Width - 16) / BitmapFont.TextWidth(BootText.Max(line => line.Length), 1)));
        for (int i = 0; i < BootText.Count; i++)
        {
            DrawText(BootText[i], 8, 8 + (i * (BitmapFont.GlyphHeight + 4) * scale), scale, Text);
        }
    }

    /// <summary>The name at the clock's scale when it fits, smaller when not, cut (with "...") when even scale 1 is too wide.</summary>
    private void DrawName(string name, int band, int clockScale)
    {
        int maxChars = Math.Max(1, (Width - 16 + 1) / BitmapFont.Advance);
        if (name.Length > maxChars)
        {
            name = string.Concat(name.AsSpan(0, Math.Max(0, maxChars - 3)), "...");
        }

        int scale = clockScale;
        while (scale > 1 && BitmapFont.TextWidth(name.Length, scale) > Width - 16)
        {
            scale--;
        }

        int y = BarsHeight + (band / 4) - (BitmapFont.GlyphHeight * scale / 2);
        DrawText(name, (Width - BitmapFont.TextWidth(name.Length, scale)) / 2, Math.Max(BarsHeight, y), scale, Text);
    }

    private void DrawText(string text, int left, int top, int scale, byte colour)
    {
        for (int i = 0; i < text.Length; i++)
        {
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                {
                    if (BitmapFont.IsSet(text[i], column, row))
                    {
                        Fill(new PixelRect(left + (((i * BitmapFont.Advance) + column) * scale), top + (row * scale), scale, scale), colour);
                    }
                }
            }
        }
    }

    private void Fill(PixelRect area, byte colour)
    {
        area = area.Intersect(Bounds);
        for (int y = area.Y; y < area.Bottom; y++)
        {
            _pixels.AsSpan((y * Width) + area.X, area.Width).Fill(colour);
        }
    }
}
