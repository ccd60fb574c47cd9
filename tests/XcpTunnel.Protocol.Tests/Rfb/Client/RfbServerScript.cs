using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

/// <summary>Builds what a server sends, byte by byte per RFC 6143, for the client tests.</summary>
internal sealed class RfbServerScript
{
    private readonly List<byte> _bytes = [];

    public static byte[] Handshake38(int width, int height, string name = "test") =>
        new RfbServerScript().Ascii("RFB 003.008\n").U8(1).U8(1).U32(0).ServerInit(width, height, name).ToArray();

    public RfbServerScript Ascii(string text) => Bytes(Encoding.ASCII.GetBytes(text));

    public RfbServerScript Bytes(ReadOnlySpan<byte> bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public RfbServerScript U8(int value)
    {
        _bytes.Add((byte)value);
        return this;
    }

    public RfbServerScript U16(int value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)value);
        return Bytes(b);
    }

    public RfbServerScript U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return Bytes(b);
    }

    /// <summary>A pixel in the client's requested format: 32 bpp little-endian 0x00RRGGBB.</summary>
    public RfbServerScript Pixel(uint rgb)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, rgb);
        return Bytes(b);
    }

    public RfbServerScript ServerInit(int width, int height, string name)
    {
        U16(width).U16(height);
        // qemu's native format: 32 bpp, depth 24, little-endian, true colour, 255/255/255, shifts 16/8/0.
        Bytes([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
        byte[] n = Encoding.UTF8.GetBytes(name);
        return U32((uint)n.Length).Bytes(n);
    }

    public RfbServerScript Update(int rectangles) => U8(0).U8(0).U16(rectangles);

    public RfbServerScript Rectangle(int x, int y, int width, int height, int encoding) =>
        U16(x).U16(y).U16(width).U16(height).U32(unchecked((uint)encoding));

    public RfbServerScript Raw(int x, int y, int width, int height, Func<int, int, uint> colour)
    {
        Rectangle(x, y, width, height, 0);
        for (int row = 0; row < height; row++)
        {
            for (int column = 0; column < width; column++)
            {
                Pixel(colour(x + column, y + row));
            }
        }

        return this;
    }

    public byte[] ToArray() => [.. _bytes];
}

/// <summary>
/// The server side of one ZRLE connection: one zlib stream, flushed at the end of each rectangle as real
/// servers do, so rectangle N's bytes only make sense after rectangle N-1's.
/// </summary>
internal sealed class ZrleServerStream : IDisposable
{
    private readonly MemoryStream _compressed = new();
    private readonly ZLibStream _zlib;
    private long _taken;

    public ZrleServerStream() => _zlib = new ZLibStream(_compressed, CompressionLevel.Optimal, leaveOpen: true);

    /// <summary>Compresses <paramref name="tiles"/> (decompressed tile data) and returns the rectangle's U32 length + zlib bytes.</summary>
    public byte[] Rectangle(byte[] tiles)
    {
        _zlib.Write(tiles);
        _zlib.Flush();
        byte[] all = _compressed.ToArray();
        byte[] piece = all[(int)_taken..];
        _taken = all.Length;
        byte[] message = new byte[4 + piece.Length];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)piece.Length);
        piece.CopyTo(message, 4);
        return message;
    }

    public void Dispose()
    {
        _zlib.Dispose();
        _compressed.Dispose();
    }

    /// <summary>A CPIXEL of the client's format: 3 bytes, little-endian.</summary>
    public static byte[] CPixel(uint rgb) => [(byte)rgb, (byte)(rgb >> 8), (byte)(rgb >> 16)];
}

/// <summary>A duplex stream for scripted servers: reads come from <paramref name="server"/>, writes are recorded.</summary>
internal sealed class ScriptedStream(Stream server) : DuplexTestStream
{
    public MemoryStream Written { get; } = new();

    public override int Read(byte[] buffer, int offset, int count) => server.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        server.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }
}
