using System.Buffers.Binary;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// Exact reads of handshake fields. TCP and TLS split messages anywhere, so every field is read with
/// <see cref="Stream.ReadAtLeastAsync"/> until it is complete; an early end of stream becomes an
/// <see cref="RfbProtocolException"/> that says which field was cut short.
/// </summary>
internal static class RfbWire
{
    /// <summary>Fills <paramref name="buffer"/> completely; <paramref name="what"/> names the field for the message.</summary>
    internal static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        // ReadExactlyAsync would throw a bare EndOfStreamException; this variant tells how far it got.
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw new RfbProtocolException($"connection closed during {what} after {read} of {buffer.Length} bytes");
        }
    }

    /// <summary>Reads one U8.</summary>
    internal static async ValueTask<byte> ReadByteAsync(Stream stream, string what, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[1];
        await ReadExactlyAsync(stream, buffer, what, cancellationToken).ConfigureAwait(false);
        return buffer[0];
    }

    /// <summary>Reads one big-endian U32 (RFC 6143 §7: all multi-byte integers are big-endian).</summary>
    internal static async ValueTask<uint> ReadUInt32Async(Stream stream, string what, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[sizeof(uint)];
        await ReadExactlyAsync(stream, buffer, what, cancellationToken).ConfigureAwait(false);
        return BinaryPrimitives.ReadUInt32BigEndian(buffer);
    }
}
