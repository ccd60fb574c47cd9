using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Client;

public sealed partial class RfbClient
{
    private const byte SharedFlag = 1;
    private const byte SetPixelFormatType = 0;
    private const byte SetEncodingsType = 2;

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        TimeProvider time = _options.TimeProvider;
        long start = time.GetTimestamp();
        RfbProtocolVersion server = await RfbProtocolVersion.ReadAsync(_reader.AsStream("the ProtocolVersion"), cancellationToken).ConfigureAwait(false);
        Version = RfbProtocolVersion.ChooseClientReply(server);
        await WriteAsync(Wire(Version), "the ProtocolVersion", cancellationToken).ConfigureAwait(false);
        TimeSpan versionTime = time.GetElapsedTime(start);

        start = time.GetTimestamp();
        await SecurityAsync(_reader.AsStream("the security handshake"), cancellationToken).ConfigureAwait(false);
        TimeSpan securityTime = time.GetElapsedTime(start);

        // shared-flag 1, always: qemu disconnects every other viewer on 0 (docs/xapi-console-protocol.md, "RFB from the consoles").
        start = time.GetTimestamp();
        await WriteAsync(new[] { SharedFlag }, "ClientInit", cancellationToken).ConfigureAwait(false);
        ServerInit = await ReadServerInitAsync(cancellationToken).ConfigureAwait(false);
        Timings = new RfbClientTimings(versionTime, securityTime, time.GetElapsedTime(start));

        _canvas = new RfbCanvas(ServerInit.Width, ServerInit.Height);
        await WriteAsync(FormatAndEncodings(), "SetPixelFormat and SetEncodings", cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Wire(RfbProtocolVersion version)
    {
        byte[] bytes = new byte[RfbProtocolVersion.WireLength];
        version.WriteTo(bytes);
        return bytes;
    }

    private async Task SecurityAsync(Stream handshake, CancellationToken cancellationToken)
    {
        RfbSecurityGreeting greeting = await RfbSecurityGreeting.ReadAsync(handshake, Version, cancellationToken).ConfigureAwait(false);
        if (greeting.IsFailure)
        {
            throw new RfbAuthenticationException($"the RFB server refused the connection: {greeting.FailureReason}");
        }

        SecurityType = ChooseSecurity(greeting.SecurityTypes);
        if (!Version.UsesVersion33Handshake)
        {
            await WriteAsync(new[] { (byte)SecurityType }, "the security type", cancellationToken).ConfigureAwait(false);
        }

        if (SecurityType == RfbSecurityType.VncAuthentication)
        {
            byte[] challenge = new byte[RfbVncAuthentication.ChallengeLength];
            await _reader.ReadExactlyAsync(challenge, "the VNC Authentication challenge", cancellationToken).ConfigureAwait(false);
            byte[] response = RfbVncAuthentication.Respond(_options.Password!, challenge);
            await WriteAsync(response, "the VNC Authentication response", cancellationToken).ConfigureAwait(false);
        }
        else if (Version != RfbProtocolVersion.V3_8)
        {
            // Security type None has a SecurityResult only in 3.8 (RFC 6143 §7.2.1).
            return;
        }

        RfbSecurityResult result = await RfbSecurityResult.ReadAsync(handshake, Version, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            string reason = result.FailureReason.Length > 0 ? result.FailureReason : "no reason given";
            throw new RfbAuthenticationException($"the RFB server rejected {SecurityType}: {reason}");
        }
    }

    private RfbSecurityType ChooseSecurity(IReadOnlyList<RfbSecurityType> offered)
    {
        if (offered.Contains(RfbSecurityType.None))
        {
            return RfbSecurityType.None;
        }

        if (offered.Contains(RfbSecurityType.VncAuthentication))
        {
            return _options.Password is not null
                ? RfbSecurityType.VncAuthentication
                : throw new RfbAuthenticationException("the RFB server requires VNC Authentication and no password was given");
        }

        throw new RfbAuthenticationException(
            $"the RFB server offers only security types the client does not support: {string.Join(", ", offered)}");
    }

    // RFC 6143 §7.3.2 ServerInit:
    //
    //   +--------------+--------------+------------------------+
    //   | No. of bytes | Type         | Description            |
    //   +--------------+--------------+------------------------+
    //   | 2            | U16          | framebuffer-width      |
    //   | 2            | U16          | framebuffer-height     |
    //   | 16           | PIXEL_FORMAT | server-pixel-format    |
    //   | 4            | U32          | name-length            |
    //   | name-length  | U8 array     | name-string            |
    //   +--------------+--------------+------------------------+
    private async Task<RfbServerInit> ReadServerInitAsync(CancellationToken cancellationToken)
    {
        byte[] fixedPart = new byte[(2 * sizeof(ushort)) + RfbPixelFormat.WireLength + sizeof(uint)];
        await _reader.ReadExactlyAsync(fixedPart, "ServerInit", cancellationToken).ConfigureAwait(false);
        int width = BinaryPrimitives.ReadUInt16BigEndian(fixedPart);
        int height = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(2));
        CheckSize(width, height, "ServerInit");
        RfbPixelFormat format = RfbPixelFormat.Parse(fixedPart.AsSpan(4));
        uint nameLength = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(4 + RfbPixelFormat.WireLength));
        if (nameLength > MaxNameLength)
        {
            throw new RfbProtocolException($"the ServerInit desktop name claims {nameLength} bytes, more than the limit of {MaxNameLength}");
        }

        byte[] name = new byte[nameLength];
        await _reader.ReadExactlyAsync(name, "the ServerInit desktop name", cancellationToken).ConfigureAwait(false);
        return new RfbServerInit(width, height, format, RfbFailureReason.Decode(name));
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
