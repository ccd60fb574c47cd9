using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace XcpTunnel.Protocol.Rfb;

/// <summary>VNC Authentication (RFC 6143 §7.2.2): the server's 16-byte challenge encrypted with DES under the password.</summary>
public static class RfbVncAuthentication
{
    /// <summary>The length of the server's challenge and of the client's response.</summary>
    public const int ChallengeLength = 16;
    private const int KeyLength = 8;

    /// <summary>
    /// The response to <paramref name="challenge"/>: DES-ECB with the password's first 8 bytes (zero-padded) as
    /// the key, each key byte with its bits in reverse order, as every VNC implementation does it.
    /// </summary>
    /// <exception cref="RfbAuthenticationException">The password makes a DES weak key, which .NET refuses.</exception>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "VNC Authentication is defined as DES by RFC 6143 §7.2.2.")]
    public static byte[] Respond(RfbPassword password, ReadOnlySpan<byte> challenge)
    {
        Span<byte> key = stackalloc byte[KeyLength];
        key.Clear();
        byte[] utf8 = Encoding.UTF8.GetBytes(password.Value);
        utf8.AsSpan(0, Math.Min(utf8.Length, KeyLength)).CopyTo(key);
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = ReverseBits(key[i]);
        }

        using var des = DES.Create();
        try
        {
            des.SetKey(key);
        }
        catch (CryptographicException e)
        {
            throw new RfbAuthenticationException("the VNC password makes a DES weak key, which cannot be used", e);
        }

        return des.EncryptEcb(challenge, PaddingMode.None);
    }

    /// <summary>
    /// <paramref name="b"/> with its bits in reverse order: how VNC turns password bytes into a DES key (and how
    /// vncpasswd's fixed key is stored).
    /// </summary>
    public static byte ReverseBits(byte b)
    {
        b = (byte)(((b & 0xF0) >> 4) | ((b & 0x0F) << 4));
        b = (byte)(((b & 0xCC) >> 2) | ((b & 0x33) << 2));
        return (byte)(((b & 0xAA) >> 1) | ((b & 0x55) << 1));
    }
}
