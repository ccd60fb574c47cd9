using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using XcpTunnel.Protocol.Rfb;

namespace XcpTunnel.Configuration;

/// <summary>
/// Finds a tunnel's VNC password, in order: <c>VncPasswordFile</c>; the systemd credential
/// <c>&lt;tunnel&gt;.vncpassword</c> in <c>$CREDENTIALS_DIRECTORY</c>. None means viewers give no password.
/// A file holds the password as text (one line) or as <c>vncpasswd</c> writes it (8 obfuscated bytes), so the
/// file a viewer's <c>-passwd</c> reads can serve the tunnel too.
/// </summary>
internal static class VncPasswordSources
{
    /// <summary>VNC Authentication keys DES with the first 8 bytes of the password; the rest is ignored by every client.</summary>
    public const int SignificantLength = 8;

    // vncpasswd's file: the password, zero-padded to 8 bytes, DES-encrypted under this fixed key (with VNC's
    // bit-reversed key bytes). It hides the password from a glance, not from anyone who can read the file.
    private static readonly byte[] ObfuscationKey = [23, 82, 107, 6, 35, 78, 88, 7];

    public static string CredentialName(string tunnel) => tunnel + ".vncpassword";

    /// <summary>
    /// The password of tunnel <paramref name="tunnel"/> (written in <paramref name="section"/>), or null when none is
    /// configured; <paramref name="valid"/> is false after a problem was reported.
    /// </summary>
    public static RfbPassword? Resolve(
        string tunnel, ConfigSection section, string? file, IReadOnlyDictionary<string, string?> environment, out bool valid)
    {
        var path = file;
        var key = section.Key("VncPasswordFile");
        if (path is null && PasswordSources.Credential(environment, CredentialName(tunnel)) is { } credential)
        {
            path = credential;
            key = $"{section.Path}: credential {CredentialName(tunnel)}";
        }

        var password = path is null ? null : Read(path, key, section.Diagnostics);
        valid = path is null || password is not null;
        return password;
    }

    private static RfbPassword? Read(string path, string key, ConfigDiagnostics diagnostics)
    {
        if (PasswordSources.ReadBytes(path, key, diagnostics) is not { } bytes)
        {
            return null;
        }

        // One line of printable UTF-8 text (an optional final newline), else vncpasswd's format.
        var text = PasswordSources.Text(bytes) is { } line && !line.Any(char.IsControl) ? line : Deobfuscate(bytes);
        if (text is null)
        {
            diagnostics.Error(key, $"{path} is neither a one-line text password nor a file written by vncpasswd");
            return null;
        }

        if (text.Length == 0)
        {
            diagnostics.Error(key, $"{path} is empty");
            return null;
        }

        var password = new RfbPassword(text);
        try
        {
            RfbVncAuthentication.Respond(password, new byte[RfbVncAuthentication.ChallengeLength]);
        }
        catch (RfbAuthenticationException)
        {
            diagnostics.Error(key, $"the password in {path} makes a DES weak key, which VNC Authentication cannot use; choose another");
            return null;
        }

        if (Encoding.UTF8.GetByteCount(text) > SignificantLength)
        {
            diagnostics.Warn($"{key}: only the first {SignificantLength} bytes of the password in {path} count (VNC Authentication ignores the rest)");
        }

        return password;
    }

    // vncpasswd writes 8 bytes, or 16 with a view-only password after the full-access one.
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "vncpasswd's file format is DES under a fixed, public key.")]
    private static string? Deobfuscate(byte[] bytes)
    {
        if (bytes.Length is not (SignificantLength or 2 * SignificantLength))
        {
            return null;
        }

        Span<byte> key = stackalloc byte[SignificantLength];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = RfbVncAuthentication.ReverseBits(ObfuscationKey[i]);
        }

        using var des = DES.Create();
        des.Key = key.ToArray();
        byte[] plain = des.DecryptEcb(bytes.AsSpan(0, SignificantLength), PaddingMode.None);
        int length = Array.IndexOf(plain, (byte)0) is var nul and >= 0 ? nul : plain.Length;
        return plain.AsSpan(0, length).ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) ? null : Encoding.ASCII.GetString(plain, 0, length);
    }
}
