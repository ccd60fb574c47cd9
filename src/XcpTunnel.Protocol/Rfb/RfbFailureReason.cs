using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// The reason string that follows every RFB handshake failure: security type 0 in 3.3, zero security
/// types in 3.7+ (RFC 6143 §7.1.2), and a failed SecurityResult in 3.8 (§7.1.3).
/// </summary>
internal static class RfbFailureReason
{
    //   +---------------+--------------+---------------+
    //   | No. of bytes  | Type         | Description   |
    //   +---------------+--------------+---------------+
    //   | 4             | U32          | reason-length |
    //   | reason-length | U8 array     | reason-string |
    //   +---------------+--------------+---------------+
    //
    // The RFC calls the text ASCII; servers send UTF-8 or Latin-1 as well, so it is decoded leniently.

    /// <summary>
    /// The longest reason accepted from a peer. Real reasons are one sentence; a larger claimed length is
    /// garbage or hostile, and is refused before anything of that size is allocated.
    /// </summary>
    internal const int MaxReasonLength = 64 * 1024;

    /// <summary>
    /// The longest reason written to a viewer, in UTF-8 bytes: a viewer shows it in a dialog box.
    /// </summary>
    internal const int MaxWrittenReasonLength = 1024;

    private const int LengthFieldSize = sizeof(uint);

    /// <summary>Reads reason-length and reason-string; <paramref name="what"/> names the reason for messages.</summary>
    internal static async ValueTask<string> ReadAsync(Stream stream, string what, CancellationToken cancellationToken)
    {
        uint length = await RfbWire.ReadUInt32Async(stream, $"the length of {what}", cancellationToken).ConfigureAwait(false);
        if (length > MaxReasonLength)
        {
            throw new RfbProtocolException($"{what} claims {length} bytes, more than the limit of {MaxReasonLength}");
        }

        if (length == 0)
        {
            return string.Empty;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            Memory<byte> reason = buffer.AsMemory(0, (int)length);
            await RfbWire.ReadExactlyAsync(stream, reason, what, cancellationToken).ConfigureAwait(false);
            return Decode(reason.Span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>UTF-8 when the bytes are valid UTF-8 (which includes ASCII), else Latin-1: never fails.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    /// <summary>
    /// The wire form of <paramref name="reason"/>: UTF-8, cut to <see cref="MaxWrittenReasonLength"/>
    /// bytes at a character boundary, behind its length.
    /// </summary>
    internal static byte[] Encode(string reason)
    {
        ReadOnlySpan<byte> text = Truncate(Encoding.UTF8.GetBytes(reason), MaxWrittenReasonLength);
        byte[] wire = new byte[LengthFieldSize + text.Length];
        BinaryPrimitives.WriteUInt32BigEndian(wire, (uint)text.Length);
        text.CopyTo(wire.AsSpan(LengthFieldSize));
        return wire;
    }

    /// <summary>The longest prefix of <paramref name="utf8"/> of at most <paramref name="maxLength"/> bytes that ends between characters.</summary>
    internal static ReadOnlySpan<byte> Truncate(ReadOnlySpan<byte> utf8, int maxLength)
    {
        if (utf8.Length <= maxLength)
        {
            return utf8;
        }

        // utf8[cut] is the first byte dropped; while it continues a character (10xxxxxx), that
        // character started before the cut and must go too.
        int cut = maxLength;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return utf8[..cut];
    }
}
