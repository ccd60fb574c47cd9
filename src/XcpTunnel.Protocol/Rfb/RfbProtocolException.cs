using System.Globalization;
using System.Text;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// A peer sent bytes that are not the RFB handshake (RFC 6143 §7.1), or closed the connection in the
/// middle of a handshake message. The message names the message and shows what arrived, with anything
/// that is not printable ASCII escaped, e.g. <c>invalid RFB ProtocolVersion 'HTTP/1.1 404'</c>.
/// </summary>
public sealed class RfbProtocolException : XcpTunnelException
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public RfbProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Renders bytes from the wire for a message: printable ASCII as is, everything else escaped
    /// (<c>\n</c>, <c>\xNN</c>) so a hostile peer cannot put control characters into a log line.
    /// </summary>
    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            _ = b switch
            {
                (byte)'\n' => text.Append("\\n"),
                (byte)'\r' => text.Append("\\r"),
                (byte)'\t' => text.Append("\\t"),
                (byte)'\\' => text.Append("\\\\"),
                (byte)'\'' => text.Append("\\'"),
                >= 0x20 and < 0x7F => text.Append((char)b),
                _ => text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}"),
            };
        }

        return text.ToString();
    }
}
