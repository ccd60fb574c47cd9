using System.IO.Compression;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>
/// ZRLE encoding (RFC 6143 §7.7.6). One zlib stream runs for the connection's whole life: each rectangle
/// brings the next piece of it, so this decoder lives as long as the client.
/// </summary>
internal sealed class RfbZrleDecoder : IDisposable
{
    //   Rectangle: U32 length, then length bytes of the zlib stream. Decompressed, 64×64 tiles left to right,
    //   top to bottom, each a U8 subencoding then:
    //
    //   +-----------+--------------------+-------------------------------------------------------+
    //   | subenc.   | Name               | Followed by                                           |
    //   +-----------+--------------------+-------------------------------------------------------+
    //   | 0         | raw                | w × h CPIXELs                                         |
    //   | 1         | solid              | 1 CPIXEL                                              |
    //   | 2 – 16    | packed palette     | n CPIXELs, then indexes of 1/2/4 bits, rows padded     |
    //   | 128       | plain RLE          | runs: CPIXEL, run length                              |
    //   | 130 – 255 | palette RLE        | n-128 CPIXELs, then U8 index (bit 7: a run length     |
    //   |           |                    | follows)                                              |
    //   +-----------+--------------------+-------------------------------------------------------+
    //
    //   Run length: bytes of 255 plus a final byte below 255; the length is their sum + 1.
    //   CPIXEL: the client's 32-bpp depth-24 format fits in 3 bytes, in pixel byte order (little-endian).

    internal const int TileSize = 64;

    /// <summary>The most compressed data one rectangle may claim: far beyond a real 64×64-tiled screen.</summary>
    internal const int MaxZlibLength = 64 * 1024 * 1024;

    private const int CPixelSize = 3;
    private const byte Raw = 0;
    private const byte Solid = 1;
    private const byte MaxPackedPalette = 16;
    private const byte PlainRle = 128;
    private const byte MinPaletteRle = 130;

    private readonly CompressedInput _input;
    private readonly ZLibStream _zlib;
    private readonly uint[] _palette = new uint[127];
    private readonly uint[] _tile = new uint[TileSize * TileSize];
    private readonly byte[] _bytes = new byte[TileSize * TileSize * CPixelSize];

    internal RfbZrleDecoder(RfbReader reader)
    {
        _input = new CompressedInput(reader);
        _zlib = new ZLibStream(_input, CompressionMode.Decompress, leaveOpen: true);
    }

    public void Dispose()
    {
        _zlib.Dispose();
        _input.Dispose();
    }

    internal async ValueTask DecodeAsync(RfbCanvas canvas, RfbRectangle rectangle, CancellationToken cancellationToken)
    {
        uint length = await _input.Reader.ReadU32Async("a ZRLE length", cancellationToken).ConfigureAwait(false);
        if (length > MaxZlibLength)
        {
            throw new RfbProtocolException($"a ZRLE rectangle claims {length} bytes of zlib data, more than the limit of {MaxZlibLength}");
        }

        _input.Begin(length);
        try
        {
            for (int tileY = rectangle.Y; tileY < rectangle.Y + rectangle.Height; tileY += TileSize)
            {
                int tileHeight = Math.Min(TileSize, rectangle.Y + rectangle.Height - tileY);
                for (int tileX = rectangle.X; tileX < rectangle.X + rectangle.Width; tileX += TileSize)
                {
                    int tileWidth = Math.Min(TileSize, rectangle.X + rectangle.Width - tileX);
                    await DecodeTileAsync(tileWidth, tileHeight, cancellationToken).ConfigureAwait(false);
                    for (int row = 0; row < tileHeight; row++)
                    {
                        _tile.AsSpan(row * tileWidth, tileWidth).CopyTo(canvas.Row(tileX, tileY + row, tileWidth));
                    }
                }
            }

            // Whatever the tiles did not need is still part of the stream: keep it for the next rectangle.
            await _input.EndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new RfbProtocolException($"invalid ZRLE zlib data: {e.Message}", e);
        }
    }

    private async ValueTask DecodeTileAsync(int width, int height, CancellationToken cancellationToken)
    {
        int pixels = width * height;
        byte subencoding = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        switch (subencoding)
        {
            case Raw:
                await ReadCPixelsAsync(_tile.AsMemory(0, pixels), cancellationToken).ConfigureAwait(false);
                break;
            case Solid:
                await ReadCPixelsAsync(_palette.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
                _tile.AsSpan(0, pixels).Fill(_palette[0]);
                break;
            case <= MaxPackedPalette:
                await ReadPackedPaletteAsync(subencoding, width, height, cancellationToken).ConfigureAwait(false);
                break;
            case PlainRle:
                await ReadRunsAsync(pixels, paletteSize: 0, cancellationToken).ConfigureAwait(false);
                break;
            case >= MinPaletteRle:
                int paletteSize = subencoding - PlainRle;
                await ReadCPixelsAsync(_palette.AsMemory(0, paletteSize), cancellationToken).ConfigureAwait(false);
                await ReadRunsAsync(pixels, paletteSize, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new RfbProtocolException($"invalid ZRLE subencoding {subencoding}");
        }
    }

    private async ValueTask ReadPackedPaletteAsync(int paletteSize, int width, int height, CancellationToken cancellationToken)
    {
        await ReadCPixelsAsync(_palette.AsMemory(0, paletteSize), cancellationToken).ConfigureAwait(false);
        int bits = paletteSize switch
        {
            2 => 1,
            <= 4 => 2,
            _ => 4,
        };
        int rowBytes = ((width * bits) + 7) / 8;
        await ReadDecompressedAsync(_bytes.AsMemory(0, rowBytes * height), cancellationToken).ConfigureAwait(false);
        int mask = (1 << bits) - 1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int bit = x * bits;
                int index = (_bytes[(y * rowBytes) + (bit >> 3)] >> (8 - bits - (bit & 7))) & mask;
                if (index >= paletteSize)
                {
                    throw new RfbProtocolException($"a ZRLE packed palette index {index} is beyond its {paletteSize} colours");
                }

                _tile[(y * width) + x] = _palette[index];
            }
        }
    }

    private async ValueTask ReadRunsAsync(int pixels, int paletteSize, CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < pixels)
        {
            uint colour;
            int run = 1;
            if (paletteSize == 0)
            {
                await ReadCPixelsAsync(_palette.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
                colour = _palette[0];
                run = await ReadRunLengthAsync(pixels - done, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                byte entry = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
                int index = entry & 0x7F;
                if (index >= paletteSize)
                {
                    throw new RfbProtocolException($"a ZRLE palette RLE index {index} is beyond its {paletteSize} colours");
                }

                colour = _palette[index];
                if ((entry & 0x80) != 0)
                {
                    run = await ReadRunLengthAsync(pixels - done, cancellationToken).ConfigureAwait(false);
                }
            }

            _tile.AsSpan(done, run).Fill(colour);
            done += run;
        }
    }

    private async ValueTask<int> ReadRunLengthAsync(int left, CancellationToken cancellationToken)
    {
        int length = 1;
        byte b;
        do
        {
            b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
            length += b;
            if (length > left)
            {
                throw new RfbProtocolException($"a ZRLE run of at least {length} pixels overruns its tile ({left} pixels left)");
            }
        }
        while (b == byte.MaxValue);

        return length;
    }

    private async ValueTask ReadCPixelsAsync(Memory<uint> destination, CancellationToken cancellationToken)
    {
        int byteCount = destination.Length * CPixelSize;
        await ReadDecompressedAsync(_bytes.AsMemory(0, byteCount), cancellationToken).ConfigureAwait(false);
        Span<uint> pixels = destination.Span;
        for (int i = 0; i < pixels.Length; i++)
        {
            int at = i * CPixelSize;
            pixels[i] = _bytes[at] | ((uint)_bytes[at + 1] << 8) | ((uint)_bytes[at + 2] << 16);
        }
    }

    private async ValueTask<byte> ReadByteAsync(CancellationToken cancellationToken)
    {
        await ReadDecompressedAsync(_bytes.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        return _bytes[0];
    }

    // Never asks zlib for more than the tiles need: past the end of a rectangle's data there is nothing yet.
    private async ValueTask ReadDecompressedAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int read = await _zlib.ReadAsync(destination[done..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new RfbProtocolException("a ZRLE rectangle's zlib data ended before its tiles did");
            }

            done += read;
        }
    }

    /// <summary>
    /// The compressed side of the zlib stream: first what earlier rectangles left unread, then the current
    /// rectangle's bytes straight from the connection, then end of data until the next rectangle.
    /// </summary>
    private sealed class CompressedInput(RfbReader reader) : ReadOnlyStream
    {
        private byte[] _pending = [];
        private int _pendingStart;
        private int _pendingEnd;
        private long _remaining;

        internal RfbReader Reader { get; } = reader;

        internal void Begin(uint length) => _remaining = length;

        /// <summary>Moves the rest of the rectangle's bytes off the connection into the pending buffer.</summary>
        internal async ValueTask EndAsync(CancellationToken cancellationToken)
        {
            if (_remaining == 0)
            {
                return;
            }

            int pending = _pendingEnd - _pendingStart;
            if (pending + _remaining > MaxZlibLength)
            {
                throw new RfbProtocolException($"ZRLE rectangles left more than {MaxZlibLength} bytes of zlib data unused");
            }

            byte[] buffer = new byte[pending + (int)_remaining];
            _pending.AsSpan(_pendingStart, pending).CopyTo(buffer);
            await Reader.ReadExactlyAsync(buffer.AsMemory(pending), "ZRLE zlib data", cancellationToken).ConfigureAwait(false);
            _pending = buffer;
            _pendingStart = 0;
            _pendingEnd = buffer.Length;
            _remaining = 0;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_pendingEnd > _pendingStart)
            {
                int count = Math.Min(buffer.Length, _pendingEnd - _pendingStart);
                _pending.AsSpan(_pendingStart, count).CopyTo(buffer.Span);
                _pendingStart += count;
                return count;
            }

            if (_remaining == 0)
            {
                return 0;
            }

            int wanted = (int)Math.Min(buffer.Length, _remaining);
            int read = await Reader.ReadSomeAsync(buffer[..wanted], "ZRLE zlib data", cancellationToken).ConfigureAwait(false);
            _remaining -= read;
            return read;
        }
    }
}
