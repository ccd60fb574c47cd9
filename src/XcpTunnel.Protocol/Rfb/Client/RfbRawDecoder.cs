using System.Buffers;
using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>Raw encoding (RFC 6143 §7.7.1): width × height pixels, row by row, in the client's pixel format.</summary>
internal static class RfbRawDecoder
{
    internal const int BytesPerPixel = 4;

    internal static async ValueTask DecodeAsync(RfbReader reader, RfbCanvas canvas, RfbRectangle rectangle, CancellationToken cancellationToken)
    {
        int rowBytes = rectangle.Width * BytesPerPixel;
        byte[] row = ArrayPool<byte>.Shared.Rent(Math.Max(rowBytes, 1));
        try
        {
            for (int y = rectangle.Y; y < rectangle.Y + rectangle.Height; y++)
            {
                await reader.ReadExactlyAsync(row.AsMemory(0, rowBytes), "a Raw rectangle", cancellationToken).ConfigureAwait(false);
                ToPixels(row.AsSpan(0, rowBytes), canvas.Row(rectangle.X, y, rectangle.Width));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
        }
    }

    /// <summary>Converts little-endian 32-bpp pixels of <see cref="RfbPixelFormat.Rgb888"/> to 0xRRGGBB.</summary>
    internal static void ToPixels(ReadOnlySpan<byte> bytes, Span<uint> pixels)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i * BytesPerPixel)..]) & 0xFFFFFF;
        }
    }
}
