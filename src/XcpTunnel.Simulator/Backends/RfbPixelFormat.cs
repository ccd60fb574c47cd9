using System.Buffers.Binary;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// An RFB PIXEL_FORMAT (RFC 6143 §7.4):
/// <code>
/// +-----+-------+------------+-------------+------+-------+------+-------+-------+------+-------+
/// | bpp | depth | big-endian | true-colour | rmax | gmax  | bmax | rshift| gshift|bshift| pad 3 |
/// | u8  | u8    | u8         | u8          | u16  | u16   | u16  | u8    | u8    | u8   |       |
/// +-----+-------+------------+-------------+------+-------+------+-------+-------+------+-------+
/// </code>
/// </summary>
internal readonly record struct RfbPixelFormat(
    byte BitsPerPixel, byte Depth, bool BigEndian, bool TrueColour,
    ushort RedMax, ushort GreenMax, ushort BlueMax, byte RedShift, byte GreenShift, byte BlueShift)
{
    public const int Size = 16;

    /// <summary>vncterm's format: 8 bpp, BGR233 (red 3 bits at 0, green 3 bits at 3, blue 2 bits at 6).</summary>
    public static RfbPixelFormat Bgr233 { get; } = new(8, 8, false, true, 7, 7, 3, 0, 3, 6);

    /// <summary>qemu's usual format: 32 bpp little-endian xRGB.</summary>
    public static RfbPixelFormat Rgb888 { get; } = new(32, 24, false, true, 255, 255, 255, 16, 8, 0);

    public int BytesPerPixel => BitsPerPixel / 8;

    /// <summary>Whether the simulator can draw in this format (true colour at 8, 16 or 32 bpp).</summary>
    public bool IsSupported => TrueColour && BitsPerPixel is 8 or 16 or 32 && RedMax > 0 && GreenMax > 0 && BlueMax > 0;

    public static RfbPixelFormat Read(ReadOnlySpan<byte> s) => new(
        s[0], s[1], s[2] != 0, s[3] != 0,
        BinaryPrimitives.ReadUInt16BigEndian(s[4..]), BinaryPrimitives.ReadUInt16BigEndian(s[6..]), BinaryPrimitives.ReadUInt16BigEndian(s[8..]),
        s[10], s[11], s[12]);

    public void Write(Span<byte> s)
    {
        s[0] = BitsPerPixel;
        s[1] = Depth;
        s[2] = BigEndian ? (byte)1 : (byte)0;
        s[3] = TrueColour ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(s[4..], RedMax);
        BinaryPrimitives.WriteUInt16BigEndian(s[6..], GreenMax);
        BinaryPrimitives.WriteUInt16BigEndian(s[8..], BlueMax);
        s[10] = RedShift;
        s[11] = GreenShift;
        s[12] = BlueShift;
        s[13..16].Clear();
    }

    /// <summary>Writes one pixel of colour (<paramref name="r"/>, <paramref name="g"/>, <paramref name="b"/>) in this format.</summary>
    public void Encode(byte r, byte g, byte b, Span<byte> pixel) =>
        new Protocol.Rfb.Client.RfbPixelFormat(BitsPerPixel, Depth, BigEndian, TrueColour, RedMax, GreenMax, BlueMax, RedShift, GreenShift, BlueShift)
            .Encode(r, g, b, pixel);
}
