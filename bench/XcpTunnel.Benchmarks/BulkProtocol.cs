using System.Buffers.Binary;

namespace XcpTunnel.Benchmarks;

/// <summary>
/// The bulk-data console's protocol: RFB messages only (RFC 6143 §7.5, §7.6), so that a relay that follows RFB (the
/// tunnel's holding relay, docs/rfb.md) does its whole work on every byte measured. After a whole RFB handshake (the
/// tunnel does the console's and the viewer's itself; the direct and socat paths do it as a viewer would) the client
/// sends commands as ClientCutText whose text is an op and a count, and the console obeys:
/// <code>
/// | op  | count (u64, big-endian) | then                                                                        |
/// |-----|-------------------------|-----------------------------------------------------------------------------|
/// | 'D' | N bytes                 | console sends N / 64 KiB FramebufferUpdates of one 128×128 Raw rectangle    |
/// | 'U' | N bytes                 | client sends N bytes of ClientCutText, 64 KiB a message; console rings Bell |
/// | 'E' | N                       | N times: client sends a 64-byte ClientCutText, console a 64-byte ServerCutText |
/// </code>
/// EOF from the client ends the session. Sizes count the payload (pixels, text); the message headers (16 bytes per
/// 64 KiB update, 8 per cut text) cross too but are not counted.
/// </summary>
internal static class BulkProtocol
{
    public const byte Download = (byte)'D';
    public const byte Upload = (byte)'U';
    public const byte Echo = (byte)'E';

    /// <summary>The console's framebuffer side: one Raw rectangle of it, at 32 bpp, is one 64 KiB chunk.</summary>
    public const int ScreenSide = 128;

    /// <summary>Large enough that per-call overhead does not dominate, small enough to stay in cache.</summary>
    public const int ChunkBytes = ScreenSide * ScreenSide * 4;

    /// <summary>FramebufferUpdate header (4) and one rectangle header (12).</summary>
    public const int UpdateHeaderBytes = 16;

    /// <summary>ClientCutText's and ServerCutText's header: type, 3 padding, U32 length.</summary>
    public const int CutTextHeaderBytes = 8;

    /// <summary>A round trip's message, header included, each way.</summary>
    public const int EchoBytes = 64;

    public const byte ClientCutText = 6;
    public const byte ServerCutText = 3;
    public const byte Bell = 2;

    /// <summary>A command: ClientCutText of the op and the count.</summary>
    public static byte[] Command(byte op, long count)
    {
        var command = CutTextHeader(ClientCutText, 9, extra: 9);
        command[CutTextHeaderBytes] = op;
        BinaryPrimitives.WriteInt64BigEndian(command.AsSpan(CutTextHeaderBytes + 1), count);
        return command;
    }

    /// <summary>A cut-text message header for <paramref name="length"/> bytes of text, in a buffer <paramref name="extra"/> bytes longer.</summary>
    public static byte[] CutTextHeader(byte type, int length, int extra = 0)
    {
        var header = new byte[CutTextHeaderBytes + extra];
        header[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)length);
        return header;
    }

    /// <summary>The header of a FramebufferUpdate of one Raw rectangle covering the console's screen.</summary>
    public static byte[] UpdateHeader()
    {
        var header = new byte[UpdateHeaderBytes];
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), ScreenSide);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), ScreenSide);
        return header; // encoding 0: Raw
    }

    /// <summary>How many 64 KiB messages carry <paramref name="bytes"/> (the last one may be shorter).</summary>
    public static long Chunks(long bytes) => (bytes + ChunkBytes - 1) / ChunkBytes;
}
