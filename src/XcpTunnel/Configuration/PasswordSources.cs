using System.Text;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Configuration;

/// <summary>
/// Finds a pool's password, in order: <c>PasswordFile</c>; the systemd credential
/// <c>&lt;pool&gt;.password</c> in <c>$CREDENTIALS_DIRECTORY</c>; <c>XCPTUNNEL_&lt;POOL&gt;_PASSWORD</c>.
/// The text is wrapped in <see cref="XapiPassword"/> as soon as it is read and never enters a message.
/// </summary>
internal static class PasswordSources
{
    public const string CredentialsDirectoryVariable = "CREDENTIALS_DIRECTORY";

    public const string EnvironmentSuffix = "_PASSWORD";

    /// <summary>A password file larger than this is the wrong file.</summary>
    public const int MaxPasswordBytes = 4096;

    private const UnixFileMode GroupOrOtherRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary><c>XCPTUNNEL_LAB_PASSWORD</c> for pool <c>lab</c>: upper case, anything but a letter or digit becomes <c>_</c>.</summary>
    public static string EnvironmentVariable(string pool) =>
        ConfigurationSources.EnvironmentPrefix + string.Concat(pool.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_')) + EnvironmentSuffix;

    public static string CredentialName(string pool) => pool + ".password";

    /// <summary>
    /// The password of <paramref name="pool"/> (its entry <paramref name="section"/>), or null after
    /// reporting why there is none. <paramref name="passwordFile"/> is made absolute, or null when unset.
    /// </summary>
    public static XapiPassword? Resolve(string pool, ConfigSection section, string? passwordFile, IReadOnlyDictionary<string, string?> environment)
    {
        var diagnostics = section.Diagnostics;
        if (passwordFile is not null)
        {
            return ReadFile(passwordFile, section.Key("PasswordFile"), diagnostics);
        }

        if (Credential(environment, CredentialName(pool)) is { } credential)
        {
            return ReadFile(credential, $"{section.Path}: credential {CredentialName(pool)}", diagnostics);
        }

        var variable = EnvironmentVariable(pool);
        if (environment.TryGetValue(variable, out var value) && !string.IsNullOrEmpty(value))
        {
            return new XapiPassword(StripNewline(value));
        }

        diagnostics.Error(section.Path, $"no password: set PasswordFile, a systemd credential '{CredentialName(pool)}', or {variable}");
        return null;
    }

    /// <summary>Editors and <c>echo</c> end files with a newline that is not part of the password; only one is removed.</summary>
    public static string StripNewline(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2]
        : text.EndsWith('\n') ? text[..^1]
        : text;

    /// <summary>Reads a password file, reporting problems under <paramref name="key"/>; also used by <c>connect --password-file</c>.</summary>
    public static XapiPassword? ReadFile(string path, string key, ConfigDiagnostics diagnostics)
    {
        if (ReadBytes(path, key, diagnostics) is not { } bytes)
        {
            return null;
        }

        if (Text(bytes) is not { } text)
        {
            diagnostics.Error(key, $"{path} is not UTF-8 text");
            return null;
        }

        if (text.Length == 0)
        {
            diagnostics.Error(key, $"{path} is empty");
            return null;
        }

        return new XapiPassword(text);
    }

    /// <summary>A secret file's bytes as UTF-8 text without its final newline; null when they are not UTF-8.</summary>
    public static string? Text(byte[] bytes)
    {
        try
        {
            return StripNewline(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            // Not to be reported: the exception's message would show the offending bytes, which are part of the password.
            return null;
        }
    }

    /// <summary>The file systemd passed as credential <paramref name="name"/> (in <c>$CREDENTIALS_DIRECTORY</c>), if there is one.</summary>
    public static string? Credential(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.GetValueOrDefault(CredentialsDirectoryVariable) is { Length: > 0 } directory && File.Exists(Path.Combine(directory, name))
            ? Path.Combine(directory, name)
            : null;

    /// <summary>
    /// The bytes of a secret file (at most <see cref="MaxPasswordBytes"/>), or null after reporting why not; warns
    /// when the file is readable by group or others.
    /// </summary>
    public static byte[]? ReadBytes(string path, string key, ConfigDiagnostics diagnostics)
    {
        if (Directory.Exists(path))
        {
            diagnostics.Error(key, $"{path} is a directory, not a file");
            return null;
        }

        byte[] bytes;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var buffer = new byte[MaxPasswordBytes + 1];
            var length = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > MaxPasswordBytes)
            {
                diagnostics.Error(key, $"{path} is longer than {MaxPasswordBytes} bytes; is this the password file?");
                return null;
            }

            bytes = buffer[..length];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            diagnostics.Error(key, $"{path}: no such file");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(key, $"cannot read {path}: {e.Message}");
            return null;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOtherRead) != 0)
        {
            diagnostics.Warn($"{key}: {path} is readable by group or others; run chmod 600 {path}");
        }

        return bytes;
    }
}
