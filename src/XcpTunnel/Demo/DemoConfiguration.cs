using System.Text;
using System.Text.Json;
using XcpTunnel.Configuration;

namespace XcpTunnel.Demo;

/// <summary>
/// The configuration file a user would write for the demo's pool, written for them: its URLs, every host's pin,
/// a password file only they can read, a tunnel per VM, the user as the only one allowed, the health endpoint.
/// The demo itself runs from this file, through the loader <c>serve</c> uses, so every command given it (<c>vms</c>,
/// <c>check</c>, <c>probe</c>, <c>serve</c> …) meets the pool exactly as the demo does.
/// </summary>
internal static class DemoConfiguration
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Stopping the demo waits this long for viewers: they are the user's own.</summary>
    private const int DrainSeconds = 2;

    /// <param name="directory">Where to write.</param>
    /// <param name="pool">The pool to reach.</param>
    /// <param name="ports">The tunnels' and the health endpoint's.</param>
    /// <param name="user">Who may open the consoles; null when the uid has no name (then every local account may, with a warning).</param>
    public static void Write(DemoDirectory directory, DemoPool pool, DemoPorts ports, string? user)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(ports);
        WritePrivate(directory.PasswordPath, Encoding.UTF8.GetBytes(pool.Password + "\n"));
        WritePrivate(directory.ConfigPath, Json(pool, ports, user));
    }

    private static byte[] Json(DemoPool pool, DemoPorts ports, string? user)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("Pools");
            json.WriteStartObject(DemoPool.PoolName);
            json.WriteString("Url", pool.Urls[0].ToString());
            json.WriteStartArray("FallbackUrls");
            foreach (var url in pool.Urls.Skip(1))
            {
                json.WriteStringValue(url.ToString());
            }

            json.WriteEndArray();
            json.WriteString("Username", DemoPool.UserName);
            // Relative to this file, so the directory can be moved as a whole.
            json.WriteString("PasswordFile", DemoDirectory.PasswordFileName);
            json.WriteString("TlsFingerprint", string.Join(", ", pool.Fingerprints));
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartObject("Tunnels");
            for (var i = 0; i < DemoPool.Vms.Count; i++)
            {
                json.WriteStartObject(DemoPool.Vms[i].Name);
                json.WriteString("Listen", DemoPorts.Loopback(ports.Tunnels[i]));
                json.WriteString("Pool", DemoPool.PoolName);
                json.WriteString("Vm", DemoPool.Vms[i].Name);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            if (user is not null)
            {
                // The consoles are the user's own: nobody else on the machine may open them.
                json.WriteStartObject("Access");
                json.WriteStartArray("AllowUsers");
                json.WriteStringValue(user);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteStartObject("Health");
            json.WriteString("Listen", DemoPorts.Loopback(ports.Health));
            json.WriteEndObject();
            json.WriteStartObject("Timeouts");
            json.WriteNumber("DrainSeconds", DrainSeconds);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Mode 0600 before the first byte, whether the file is new or an earlier demo's.</summary>
    private static void WritePrivate(string path, byte[] content)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("xcptunnel runs on Linux");
        }

        if (File.Exists(path))
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite };
        using (var file = new FileStream(path, options))
        {
            file.Write(content);
        }
    }
}
