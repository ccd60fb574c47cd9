using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Client;

public sealed partial class RfbClient
{
    private const byte SharedFlag = 1;
    private const byte SetPixelFormatType = 0;
    private const byte SetEncodingsType = 2;

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        IStageObserver? stages = _options.StageObserver;
        stages?.StageStarted(ConnectionStages.RfbVersion);
        Version = await RfbClientHandshake.NegotiateVersionAsync(_reader.AsStream("the ProtocolVersion"), _stream, cancellationToken).ConfigureAwait(false);
        stages?.StageCompleted(ConnectionStages.RfbVersion);

        stages?.StageStarted(ConnectionStages.Security);
        SecurityType = await RfbClientHandshake.NegotiateSecurityAsync(
            _reader.AsStream("the security handshake"), _stream, Version, _options.Password, cancellationToken).ConfigureAwait(false);
        stages?.StageCompleted(ConnectionStages.Security);

        // shared-flag 1, always: qemu disconnects every other viewer on 0 (docs/rfb.md, "Consoles").
        stages?.StageStarted(ConnectionStages.ServerInit);
        await WriteAsync(new[] { SharedFlag }, "ClientInit", cancellationToken).ConfigureAwait(false);
        ServerInit = await ReadServerInitAsync(cancellationToken).ConfigureAwait(false);
        stages?.StageCompleted(ConnectionStages.ServerInit);

        _canvas = new RfbCanvas(ServerInit.Width, ServerInit.Height);
        await WriteAsync(FormatAndEncodings(), "SetPixelFormat and SetEncodings", cancellationToken).ConfigureAwait(false);
    }

    private async Task<RfbServerInit> ReadServerInitAsync(CancellationToken cancellationToken)
    {
        var (init, _) = await RfbServerInit.ReadAsync(_reader.AsStream("ServerInit"), cancellationToken).ConfigureAwait(false);
        CheckSize(init.Width, init.Height, "ServerInit");
        return init;
    }

    private static void CheckSize(int width, int height, string what)
    {
        if (width > MaxDimension || height > MaxDimension || (long)width * height > MaxPixels)
        {
            throw new RfbProtocolException(
                $"{what} announces a {width}×{height} framebuffer, beyond the limit of {MaxDimension} per side and {MaxPixels} pixels");
        }
    }

    // SetPixelFormat (§7.5.1): U8 0, 3 padding, PIXEL_FORMAT.
    // SetEncodings (§7.5.2): U8 2, 1 padding, U16 count, count × S32.
    private static byte[] FormatAndEncodings()
    {
        ReadOnlySpan<int> encodings = RfbEncoding.Preferred;
        const int setPixelFormatLength = 4 + RfbPixelFormat.WireLength;
        byte[] message = new byte[setPixelFormatLength + 4 + (encodings.Length * sizeof(int))];
        message[0] = SetPixelFormatType;
        RfbPixelFormat.Rgb888.WriteTo(message.AsSpan(4));
        Span<byte> setEncodings = message.AsSpan(setPixelFormatLength);
        setEncodings[0] = SetEncodingsType;
        BinaryPrimitives.WriteUInt16BigEndian(setEncodings[2..], (ushort)encodings.Length);
        for (int i = 0; i < encodings.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(setEncodings[(4 + (i * sizeof(int)))..], encodings[i]);
        }

        return message;
    }
}
