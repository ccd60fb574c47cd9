using System.Buffers.Binary;
using System.Text;

namespace XcpTunnel.Protocol.Tests.Rfb;

/// <summary>Builds RFB handshake messages byte by byte, independently of the library's writers.</summary>
internal static class RfbTestMessages
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(5);

    public static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    public static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>reason-length U32 + reason-string.</summary>
    public static byte[] Reason(byte[] text) => [.. U32((uint)text.Length), .. text];

    public static byte[] Reason(string text) => Reason(Encoding.UTF8.GetBytes(text));
}
