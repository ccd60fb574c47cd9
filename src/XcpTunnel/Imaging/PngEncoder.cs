using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace XcpTunnel.Imaging;

/// <summary>
/// Writes a console screen as PNG (8-bit RGB, no interlace). The registry serves only ImageSharp 4,
/// whose Release builds need a license key, and PNG for an opaque framebuffer is small: chunks with a
/// CRC-32, and rows behind a filter byte in one zlib stream.
/// </summary>
internal static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    //  IHDR (PNG spec §11.2.2): width u32, height u32, bit depth 8, colour type 2 (RGB),
    //  compression 0, filter 0, interlace 0.
    private const byte BitDepth = 8;
    private const byte ColourTypeRgb = 2;

    // Filter type "Sub" (§9.2): each byte minus the one a pixel to its left. Consoles are mostly flat
    // colour, which Sub turns into runs of zeros that deflate well.
    private const byte FilterSub = 1;

    /// <summary>Encodes <paramref name="pixels"/> (row-major, <c>0xRRGGBB</c>) as a PNG.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<uint> pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"expected {(long)width * height} pixels for {width}x{height}, got {pixels.Length}", nameof(pixels));
        }

        using var png = new MemoryStream();
        png.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = BitDepth;
        header[9] = ColourTypeRgb;
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, CompressRows(width, height, pixels));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static byte[] CompressRows(int width, int height, ReadOnlySpan<uint> pixels)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + (width * 3)];
            row[0] = FilterSub;
            for (var y = 0; y < height; y++)
            {
                var previous = 0u;
                var line = pixels.Slice(y * width, width);
                for (var x = 0; x < width; x++)
                {
                    var pixel = line[x];
                    var at = 1 + (x * 3);
                    row[at] = (byte)((pixel >> 16) - (previous >> 16));
                    row[at + 1] = (byte)((pixel >> 8) - (previous >> 8));
                    row[at + 2] = (byte)(pixel - previous);
                    previous = pixel;
                }

                zlib.Write(row);
            }
        }

        return compressed.ToArray();
    }

    //  Chunk (§5.3): length u32 (data only), type (4 ASCII bytes), data, CRC-32 over type and data.
    private static void WriteChunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(field, data.Length);
        png.Write(field);
        png.Write(type);
        png.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(field, crc.GetCurrentHashAsUInt32());
        png.Write(field);
    }
}
