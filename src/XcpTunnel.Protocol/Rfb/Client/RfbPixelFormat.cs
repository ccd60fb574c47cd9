using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>An RFB PIXEL_FORMAT (RFC 6143 §7.4), as announced in ServerInit and requested by SetPixelFormat.</summary>
/// <param name="BitsPerPixel">8, 16 or 32.</param>
/// <param name="Depth">The number of useful bits in a pixel.</param>
/// <param name="BigEndian">Whether multi-byte pixels are big-endian.</param>
/// <param name="TrueColour">Whether pixels are colours (true) or colour-map indexes (false).</param>
/// <param name="RedMax">The largest red value.</param>
/// <param name="GreenMax">The largest green value.</param>
/// <param name="BlueMax">The largest blue value.</param>
/// <param name="RedShift">Where red starts in the pixel, in bits.</param>
/// <param name="GreenShift">Where green starts in the pixel, in bits.</param>
/// <param name="BlueShift">Where blue starts in the pixel, in bits.</param>
public readonly record struct RfbPixelFormat(
    byte BitsPerPixel,
    byte Depth,
    bool BigEndian,
    bool TrueColour,
    ushort RedMax,
    ushort GreenMax,
    ushort BlueMax,
    byte RedShift,
    byte GreenShift,
    byte BlueShift)
{
    //   +-----+-------+------------+-------------+------+------+------+--------+--------+--------+-------+
    //   | bpp | depth | big-endian | true-colour | rmax | gmax | bmax | rshift | gshift | bshift | pad   |
    //   | U8  | U8    | U8         | U8          | U16  | U16  | U16  | U8     | U8     | U8     | 3     |
    //   +-----+-------+------------+-------------+------+------+------+--------+--------+--------+-------+

    /// <summary>The size of a PIXEL_FORMAT on the wire: 16 bytes.</summary>
    public const int WireLength = 16;

    /// <summary>
    /// The format the client asks every server for: 32 bpp, depth 24, little-endian true colour with red at
    /// bit 16, green at 8 and blue at 0, so a pixel read as a little-endian U32 is <c>0x00RRGGBB</c>.
    /// </summary>
    public static RfbPixelFormat Rgb888 { get; } = new(32, 24, false, true, 255, 255, 255, 16, 8, 0);

    /// <summary>Parses the 16-byte wire form.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is shorter than 16 bytes.</exception>
    public static RfbPixelFormat Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < WireLength)
        {
            throw new ArgumentException($"an RFB PIXEL_FORMAT needs {WireLength} bytes", nameof(bytes));
        }

        return new RfbPixelFormat(
            bytes[0],
            bytes[1],
            bytes[2] != 0,
            bytes[3] != 0,
            BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(bytes[8..]),
            bytes[10],
            bytes[11],
            bytes[12]);
    }

    /// <summary>The bytes of one pixel on the wire.</summary>
    public int BytesPerPixel => Math.Max(1, BitsPerPixel / 8);

    /// <summary>
    /// Writes the colour (<paramref name="r"/>, <paramref name="g"/>, <paramref name="b"/>) as one pixel of this format
    /// into the first <see cref="BytesPerPixel"/> bytes of <paramref name="pixel"/>. A colour-map format gets the
    /// same bits, which draw in whatever colours the map holds.
    /// </summary>
    public void Encode(byte r, byte g, byte b, Span<byte> pixel)
    {
        uint value = (Scale(r, RedMax) << RedShift) | (Scale(g, GreenMax) << GreenShift) | (Scale(b, BlueMax) << BlueShift);
        switch (BytesPerPixel)
        {
            case 1:
                pixel[0] = (byte)value;
                break;
            case 2 when BigEndian:
                BinaryPrimitives.WriteUInt16BigEndian(pixel, (ushort)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(pixel, (ushort)value);
                break;
            case 4 when BigEndian:
                BinaryPrimitives.WriteUInt32BigEndian(pixel, value);
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(pixel, value);
                break;
        }
    }

    /// <summary>Writes the 16-byte wire form (padding zeroed).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 16 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < WireLength)
        {
            throw new ArgumentException($"an RFB PIXEL_FORMAT needs {WireLength} bytes", nameof(destination));
        }

        destination[0] = BitsPerPixel;
        destination[1] = Depth;
        destination[2] = BigEndian ? (byte)1 : (byte)0;
        destination[3] = TrueColour ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], RedMax);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], GreenMax);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], BlueMax);
        destination[10] = RedShift;
        destination[11] = GreenShift;
        destination[12] = BlueShift;
        destination[13..WireLength].Clear();
    }

    private static uint Scale(byte component, ushort max) => (uint)(((component * max) + 127) / 255);
}
