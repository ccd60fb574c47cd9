using System.Buffers.Binary;

namespace XcpTunnel.Benchmarks;

/// <summary>
/// The bulk-data console's protocol. After a whole RFB handshake (the tunnel does the console's and the viewer's
/// itself; the direct and socat paths do it as a viewer would) the client sends commands and the console obeys:
/// <code>
/// | byte 0 | bytes 1..8 (u64, big-endian) | then                                                     |
/// |--------|------------------------------|----------------------------------------------------------|
/// | 'D'    | N                            | console sends N bytes                                    |
/// | 'U'    | N                            | client sends N bytes; console answers one byte 'K'       |
/// | 'E'    | N                            | N times: client sends 64 bytes, console echoes them      |
/// </code>
/// EOF from the client ends the session.
/// </summary>
internal static class BulkProtocol
{
    public const byte Download = (byte)'D';
    public const byte Upload = (byte)'U';
    public const byte Echo = (byte)'E';
    public const byte UploadAck = (byte)'K';
    public const int CommandBytes = 9;
    public const int EchoBytes = 64;

    /// <summary>Large enough that per-call overhead does not dominate, small enough to stay in cache.</summary>
    public const int ChunkBytes = 64 * 1024;

    public static byte[] Command(byte op, long count)
    {
        var command = new byte[CommandBytes];
        command[0] = op;
        BinaryPrimitives.WriteInt64BigEndian(command.AsSpan(1), count);
        return command;
    }
}
