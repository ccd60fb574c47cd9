using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Tests.Rfb.Relay;

/// <summary>
/// Builds a console-to-viewer byte stream message by message, written here byte by byte from RFC 6143 and the
/// encodings' descriptions (not with the library's code), and remembers where each message ends.
/// </summary>
internal sealed class ServerStream(int bytesPerPixel, int tightPixelBytes)
{
    private readonly List<byte> _bytes = [];

    public List<int> Boundaries { get; } = [0];

    public byte[] Bytes => [.. _bytes];

    public ServerStream Update(params byte[][] rectangles)
    {
        Add(0, 0);
        AddU16(rectangles.Length);
        foreach (var r in rectangles)
        {
            _bytes.AddRange(r);
        }

        return End();
    }

    public ServerStream Bell()
    {
        Add(2);
        return End();
    }

    public ServerStream ColourMap(int count)
    {
        Add(1, 0);
        AddU16(0);
        AddU16(count);
        Fill(6 * count, 0x5A);
        return End();
    }

    public ServerStream CutText(int length, bool extended = false)
    {
        Add(3, 0, 0, 0);
        AddU32(extended ? -length : length);
        Fill(length, (byte)'x');
        return End();
    }

    public ServerStream Fence(int length)
    {
        Add(248, 0, 0, 0);
        AddU32(1);
        Add((byte)length);
        Fill(length, 7);
        return End();
    }

    public ServerStream QemuAudio(ushort operation, int samples = 0)
    {
        Add(255, 1);
        AddU16(operation);
        if (operation == 2)
        {
            AddU32(samples);
            Fill(samples, 3);
        }

        return End();
    }

    public ServerStream EndOfContinuousUpdates()
    {
        Add(150);
        return End();
    }

    public static byte[] Header(int width, int height, int encoding, int x = 0, int y = 0)
    {
        byte[] h = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(h, (ushort)x);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)y);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)width);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(6), (ushort)height);
        BinaryPrimitives.WriteInt32BigEndian(h.AsSpan(8), encoding);
        return h;
    }

    public byte[] Raw(int width, int height) => [.. Header(width, height, 0), .. Pattern(width * height * bytesPerPixel)];

    public static byte[] CopyRect() => [.. Header(8, 8, 1), 0, 1, 0, 2];

    public byte[] Rre(int subrectangles, bool compact = false)
    {
        var r = new List<byte>(Header(40, 30, compact ? 4 : 2));
        r.AddRange(U32(subrectangles));
        r.AddRange(Pattern(bytesPerPixel));
        for (int i = 0; i < subrectangles; i++)
        {
            r.AddRange(Pattern(bytesPerPixel));
            r.AddRange(Pattern(compact ? 4 : 8));
        }

        return [.. r];
    }

    /// <summary>A 40×20 Hextile rectangle: 3×2 tiles (16, 16, 8 wide; 16, 4 high), each subencoding in turn.</summary>
    public byte[] Hextile()
    {
        var r = new List<byte>(Header(40, 20, 5));
        int[] widths = [16, 16, 8];
        int[] heights = [16, 4];
        byte[] kinds = [1, 0, 2 | 4, 8, 2 | 8 | 16, 1 | 8];
        int k = 0;
        foreach (int h in heights)
        {
            foreach (int w in widths)
            {
                byte kind = kinds[k++];
                r.Add(kind);
                if ((kind & 1) != 0)
                {
                    r.AddRange(Pattern(w * h * bytesPerPixel));
                    continue;
                }

                if ((kind & 2) != 0)
                {
                    r.AddRange(Pattern(bytesPerPixel));
                }

                if ((kind & 4) != 0)
                {
                    r.AddRange(Pattern(bytesPerPixel));
                }

                if ((kind & 8) != 0)
                {
                    r.Add(3);
                    for (int s = 0; s < 3; s++)
                    {
                        if ((kind & 16) != 0)
                        {
                            r.AddRange(Pattern(bytesPerPixel));
                        }

                        r.Add(0x11);
                        r.Add(0x22);
                    }
                }
            }
        }

        return [.. r];
    }

    public static byte[] LengthPrefixed(int encoding, int length) => [.. Header(64, 64, encoding), .. U32(length), .. Pattern(length)];

    public byte[] TightFill() => [.. Header(50, 50, 7), 0x80, .. Pattern(tightPixelBytes)];

    public static byte[] TightJpeg(int length) => [.. Header(50, 50, 7), 0x90, .. Compact(length), .. Pattern(length)];

    /// <summary>Basic compression with the copy filter (implicit), at a size that needs zlib data.</summary>
    public static byte[] TightBasic(int zlibLength) => [.. Header(50, 50, 7), 0x01, .. Compact(zlibLength), .. Pattern(zlibLength)];

    /// <summary>Basic with a palette: 2 colours is 1 bit per pixel; a 3×3 rectangle's 3 bytes come without zlib.</summary>
    public byte[] TightPaletteSmall() => [.. Header(3, 3, 7), 0x40, 1, 1, .. Pattern(2 * tightPixelBytes), .. Pattern(3)];

    public byte[] TightPaletteLarge(int zlibLength) =>
        [.. Header(50, 50, 7), 0x40 | 0x10, 1, 4, .. Pattern(5 * tightPixelBytes), .. Compact(zlibLength), .. Pattern(zlibLength)];

    public static byte[] TightGradient(int zlibLength) => [.. Header(20, 20, 7), 0x40, 2, .. Compact(zlibLength), .. Pattern(zlibLength)];

    public static byte[] DesktopSize(int width, int height) => Header(width, height, -223);

    public static byte[] ExtendedDesktopSize(int width, int height, int screens) =>
        [.. Header(width, height, -308), (byte)screens, 0, 0, 0, .. Pattern(16 * screens)];

    public byte[] Cursor(int width, int height) => [.. Header(width, height, -239), .. Pattern((width * height * bytesPerPixel) + (((width + 7) / 8) * height))];

    public static byte[] XCursor(int width, int height) =>
        [.. Header(width, height, -240), .. (width * height == 0 ? [] : Pattern(6 + (2 * ((width + 7) / 8) * height)))];

    public static byte[] DesktopName(string name) => [.. Header(0, 0, -307), .. U32(name.Length), .. System.Text.Encoding.ASCII.GetBytes(name)];

    public static byte[] Empty(int encoding) => Header(0, 0, encoding);

    public static byte[] LedState() => [.. Header(0, 0, -261), 5];

    public static byte[] Compact(int length) =>
        length < 0x80 ? [(byte)length]
        : length < 0x4000 ? [(byte)(length | 0x80), (byte)(length >> 7)]
        : [(byte)(length | 0x80), (byte)((length >> 7) | 0x80), (byte)(length >> 14)];

    public static byte[] U32(int value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        return b;
    }

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(0xA0 + (i % 7)))];

    private void Add(params byte[] bytes) => _bytes.AddRange(bytes);

    private void AddU16(int value) => _bytes.AddRange([(byte)(value >> 8), (byte)value]);

    private void AddU32(int value) => _bytes.AddRange(U32(value));

    private void Fill(int count, byte value) => _bytes.AddRange(Enumerable.Repeat(value, count));

    private ServerStream End()
    {
        Boundaries.Add(_bytes.Count);
        return this;
    }
}
