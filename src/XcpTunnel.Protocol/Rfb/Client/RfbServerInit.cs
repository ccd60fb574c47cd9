using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>What the server announced in ServerInit (RFC 6143 §7.3.2).</summary>
/// <param name="Width">The framebuffer width in pixels.</param>
/// <param name="Height">The framebuffer height in pixels.</param>
/// <param name="ServerFormat">The server's native pixel format (the client then asks for <see cref="RfbPixelFormat.Rgb888"/>).</param>
/// <param name="Name">The desktop name, e.g. <c>QEMU (web01)</c> or <c>XenServer Virtual Terminal</c>.</param>
public sealed record RfbServerInit(int Width, int Height, RfbPixelFormat ServerFormat, string Name)
{
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

    /// <summary>The longest desktop name accepted, in bytes.</summary>
    public const int MaxNameLength = 64 * 1024;

    private const int FixedLength = (2 * sizeof(ushort)) + RfbPixelFormat.WireLength + sizeof(uint);

    /// <summary>
    /// Reads one ServerInit and returns it with its exact bytes, so a relay can pass on what the server sent
    /// (a name that is not valid UTF-8 included) while knowing the size and format.
    /// </summary>
    /// <exception cref="RfbProtocolException">The name is longer than <see cref="MaxNameLength"/>, or the connection closed.</exception>
    public static async Task<(RfbServerInit Init, byte[] Wire)> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] fixedPart = new byte[FixedLength];
        await RfbWire.ReadExactlyAsync(stream, fixedPart, "ServerInit", cancellationToken).ConfigureAwait(false);
        uint nameLength = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(FixedLength - sizeof(uint)));
        if (nameLength > MaxNameLength)
        {
            throw new RfbProtocolException($"the ServerInit desktop name claims {nameLength} bytes, more than the limit of {MaxNameLength}");
        }

        byte[] wire = new byte[FixedLength + nameLength];
        fixedPart.CopyTo(wire, 0);
        await RfbWire.ReadExactlyAsync(stream, wire.AsMemory(FixedLength), "the ServerInit desktop name", cancellationToken).ConfigureAwait(false);
        var init = new RfbServerInit(
            BinaryPrimitives.ReadUInt16BigEndian(wire),
            BinaryPrimitives.ReadUInt16BigEndian(wire.AsSpan(2)),
            RfbPixelFormat.Parse(wire.AsSpan(4)),
            RfbFailureReason.Decode(wire.AsSpan(FixedLength)));
        return (init, wire);
    }
}
