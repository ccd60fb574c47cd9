using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Client;

public sealed partial class RfbClient
{
    private const byte FramebufferUpdateRequestType = 3;

    private const byte FramebufferUpdate = 0;
    private const byte SetColourMapEntries = 1;
    private const byte Bell = 2;
    private const byte ServerCutText = 3;

    private const int ColourMapEntryLength = 6;

    /// <summary>
    /// Asks for the whole screen (a non-incremental FramebufferUpdateRequest) and reads server messages until
    /// one FramebufferUpdate has drawn every pixel, following desktop resizes on the way.
    /// </summary>
    /// <returns>A copy of the screen, which later calls do not change.</returns>
    /// <exception cref="RfbProtocolException">The server broke the protocol, closed the connection, or never covered the screen in <see cref="MaxUpdatesPerRead"/> updates.</exception>
    /// <exception cref="TimeoutException">The server sent nothing for <see cref="RfbClientOptions.MessageTimeout"/>.</exception>
    public async Task<RfbFramebuffer> ReadFullFramebufferAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await RequestFullUpdateAsync(cancellationToken).ConfigureAwait(false);
        int updates = 0;
        while (true)
        {
            byte type = await _reader.ReadU8Async("an RFB server message type", cancellationToken).ConfigureAwait(false);
            switch (type)
            {
                case FramebufferUpdate:
                    await ReadUpdateAsync(cancellationToken).ConfigureAwait(false);
                    if (_canvas.IsCovered)
                    {
                        return _canvas.Snapshot();
                    }

                    if (++updates >= MaxUpdatesPerRead)
                    {
                        throw new RfbProtocolException($"the RFB server sent {updates} updates and none covered the whole screen");
                    }

                    // Partial, or a resize the server wants a new request for: ask for everything again.
                    await RequestFullUpdateAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case SetColourMapEntries:
                    await SkipColourMapAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case Bell:
                    break;
                case ServerCutText:
                    await SkipCutTextAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new RfbProtocolException($"unknown RFB server message type {type}");
            }
        }
    }

    // FramebufferUpdateRequest (§7.5.3): U8 3, U8 incremental, U16 x, y, width, height.
    private async Task RequestFullUpdateAsync(CancellationToken cancellationToken)
    {
        byte[] request = new byte[10];
        request[0] = FramebufferUpdateRequestType;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), (ushort)_canvas.Width);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), (ushort)_canvas.Height);
        await WriteAsync(request, "a FramebufferUpdateRequest", cancellationToken).ConfigureAwait(false);
    }

    // FramebufferUpdate (§7.6.1): U8 0, 1 padding, U16 number-of-rectangles, then each rectangle:
    //
    //   +--------------+--------------+---------------+
    //   | No. of bytes | Type         | Description   |
    //   +--------------+--------------+---------------+
    //   | 2            | U16          | x-position    |
    //   | 2            | U16          | y-position    |
    //   | 2            | U16          | width         |
    //   | 2            | U16          | height        |
    //   | 4            | S32          | encoding-type |
    //   +--------------+--------------+---------------+
    //   followed by the pixel data in that encoding.
    private async Task ReadUpdateAsync(CancellationToken cancellationToken)
    {
        _ = await _reader.ReadU8Async("a FramebufferUpdate", cancellationToken).ConfigureAwait(false);
        int count = await _reader.ReadU16Async("a FramebufferUpdate", cancellationToken).ConfigureAwait(false);
        if (count > MaxRectanglesPerUpdate)
        {
            throw new RfbProtocolException($"a FramebufferUpdate announces {count} rectangles, more than the limit of {MaxRectanglesPerUpdate}");
        }

        _canvas.ResetCoverage();
        for (int i = 0; i < count; i++)
        {
            var rectangle = new RfbRectangle(
                await _reader.ReadU16Async("a rectangle header", cancellationToken).ConfigureAwait(false),
                await _reader.ReadU16Async("a rectangle header", cancellationToken).ConfigureAwait(false),
                await _reader.ReadU16Async("a rectangle header", cancellationToken).ConfigureAwait(false),
                await _reader.ReadU16Async("a rectangle header", cancellationToken).ConfigureAwait(false),
                unchecked((int)await _reader.ReadU32Async("a rectangle header", cancellationToken).ConfigureAwait(false)));

            _rectanglesByEncoding[rectangle.Encoding] = _rectanglesByEncoding.GetValueOrDefault(rectangle.Encoding) + 1;
            if (rectangle.Encoding == RfbEncoding.DesktopSize)
            {
                CheckSize(rectangle.Width, rectangle.Height, "a DesktopSize rectangle");
                _canvas.Resize(rectangle.Width, rectangle.Height);
                continue;
            }

            _canvas.CheckWithin(rectangle.X, rectangle.Y, rectangle.Width, rectangle.Height, "a rectangle");
            switch (rectangle.Encoding)
            {
                case RfbEncoding.Raw:
                    await RfbRawDecoder.DecodeAsync(_reader, _canvas, rectangle, cancellationToken).ConfigureAwait(false);
                    break;
                case RfbEncoding.CopyRect:
                    await RfbCopyRectDecoder.DecodeAsync(_reader, _canvas, rectangle, cancellationToken).ConfigureAwait(false);
                    break;
                case RfbEncoding.Hextile:
                    await RfbHextileDecoder.DecodeAsync(_reader, _canvas, rectangle, cancellationToken).ConfigureAwait(false);
                    break;
                case RfbEncoding.Zrle:
                    await _zrle.DecodeAsync(_canvas, rectangle, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new RfbProtocolException($"a rectangle in encoding {rectangle.Encoding}, which the client did not ask for");
            }

            _canvas.MarkCovered(rectangle.X, rectangle.Y, rectangle.Width, rectangle.Height);
        }
    }

    // SetColourMapEntries (§7.6.2): U8 1, 1 padding, U16 first-colour, U16 number-of-colours, 6 bytes each.
    private async Task SkipColourMapAsync(CancellationToken cancellationToken)
    {
        _ = await _reader.ReadU8Async("SetColourMapEntries", cancellationToken).ConfigureAwait(false);
        _ = await _reader.ReadU16Async("SetColourMapEntries", cancellationToken).ConfigureAwait(false);
        int count = await _reader.ReadU16Async("SetColourMapEntries", cancellationToken).ConfigureAwait(false);
        await _reader.SkipAsync((long)count * ColourMapEntryLength, "SetColourMapEntries", cancellationToken).ConfigureAwait(false);
    }

    // ServerCutText (§7.6.4): U8 3, 3 padding, U32 length, text.
    private async Task SkipCutTextAsync(CancellationToken cancellationToken)
    {
        byte[] padding = new byte[3];
        await _reader.ReadExactlyAsync(padding, "ServerCutText", cancellationToken).ConfigureAwait(false);
        uint length = await _reader.ReadU32Async("ServerCutText", cancellationToken).ConfigureAwait(false);
        if (length > MaxCutTextLength)
        {
            throw new RfbProtocolException($"a ServerCutText claims {length} bytes, more than the limit of {MaxCutTextLength}");
        }

        await _reader.SkipAsync(length, "ServerCutText", cancellationToken).ConfigureAwait(false);
    }
}
