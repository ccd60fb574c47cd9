using System.Security.Cryptography;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// The client's side of VNC Authentication (RFC 6143 §7.2.2), to check what a viewer answered: the
/// 16-byte challenge DES-encrypted (ECB) with the password as key — its first 8 bytes, zero-padded, each
/// byte's bits mirrored (the RFB quirk the RFC's errata describe).
/// </summary>
internal static class VncAuthentication
{
    public static byte[] Response(string password, ReadOnlySpan<byte> challenge)
    {
        ArgumentNullException.ThrowIfNull(password);
        var key = new byte[8];
        var bytes = Encoding.Latin1.GetBytes(password);
        for (var i = 0; i < Math.Min(8, bytes.Length); i++)
        {
            key[i] = Mirror(bytes[i]);
        }

#pragma warning disable CA5351 // VNC Authentication is DES by definition; this checks a peer, it protects nothing.
        using var des = DES.Create();
#pragma warning restore CA5351
        des.Key = key;
        return des.EncryptEcb(challenge, PaddingMode.None);
    }

    private static byte Mirror(byte value)
    {
        var mirrored = 0;
        for (var bit = 0; bit < 8; bit++)
        {
            mirrored |= ((value >> bit) & 1) << (7 - bit);
        }

        return (byte)mirrored;
    }
}
