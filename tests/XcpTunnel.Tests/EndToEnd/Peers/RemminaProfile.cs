using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Remmina's files for one VNC connection in a private home: <c>remmina.pref</c> with a known secret and a
/// <c>.remmina</c> profile. Without a keyring plugin Remmina keeps a profile's password encrypted with that
/// secret (remmina_crypt.c): 3DES-CBC, key = secret[0..24], IV = secret[24..32], the UTF-8 password padded
/// with zero bytes to the next multiple of 8 (always at least one), then base64.
/// </summary>
internal static class RemminaProfile
{
    /// <summary>Writes both files under <paramref name="home"/> and returns the profile's path.</summary>
    public static string Write(string home, string host, int port, string? password)
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var configuration = Directory.CreateDirectory(Path.Combine(home, ".config", "remmina")).FullName;
        File.WriteAllText(Path.Combine(configuration, "remmina.pref"), $"[remmina_pref]\nsecret={Convert.ToBase64String(secret)}\n");

        var profile = new StringBuilder()
            .Append("[remmina]\n")
            .Append("name=xcptunnel-test\n")
            .Append("protocol=VNC\n")
            .Append(CultureInfo.InvariantCulture, $"server={host}:{port}\n")
            .Append("colordepth=32\n")
            .Append("quality=9\n");
        if (password is not null)
        {
            profile.Append(CultureInfo.InvariantCulture, $"password={EncryptPassword(secret, password)}\n");
        }

        var path = Path.Combine(home, "xcptunnel-test.remmina");
        File.WriteAllText(path, profile.ToString());
        return path;
    }

    public static string EncryptPassword(byte[] secret, string password)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(secret.Length, 32);
        var plain = Encoding.UTF8.GetBytes(password);
        var padded = new byte[plain.Length + 8 - (plain.Length % 8)];
        plain.CopyTo(padded, 0);
#pragma warning disable CA5350 // Remmina's own format, not a choice of ours.
        using var des = TripleDES.Create();
#pragma warning restore CA5350
        des.Key = secret[..24];
        return Convert.ToBase64String(des.EncryptCbc(padded, secret.AsSpan(24, 8), PaddingMode.None));
    }
}
