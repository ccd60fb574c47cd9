namespace XcpTunnel.Simulator.Backends.Screens;

/// <summary>One colour everywhere, never changing: immutable, so one instance serves every viewer.</summary>
internal sealed class SolidScreen(int width, int height, byte r, byte g, byte b) : ConsoleScreen(width, height)
{
    public override void ReadRow(int x, int y, int width, RfbPixelFormat format, Span<byte> destination)
    {
        Span<byte> pixel = stackalloc byte[4];
        format.Encode(r, g, b, pixel);
        int size = format.BytesPerPixel;
        for (int i = 0; i < width * size; i += size)
        {
            pixel[..size].CopyTo(destination[i..]);
        }
    }
}
