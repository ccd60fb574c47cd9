using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Configuration;

namespace XcpTunnel.Configuration;

/// <summary>
/// The layers of the configuration: the JSON file, then environment overrides
/// (<c>XCPTUNNEL_Tunnels__centos__Vm=web02</c> sets <c>Tunnels:centos:Vm</c>).
/// </summary>
internal static class ConfigurationSources
{
    public const string EnvironmentPrefix = "XCPTUNNEL_";

    /// <summary>Larger than any sane configuration; stops a mistaken path such as a disk image from being read whole.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Builds the layered configuration, or reports one error naming <paramref name="path"/> and returns null.</summary>
    public static IConfigurationRoot? Build(string path, IReadOnlyDictionary<string, string?> environment, ConfigDiagnostics diagnostics)
    {
        var json = ReadFile(path, diagnostics);
        if (json is null)
        {
            return null;
        }

        // The JSON reader would turn other encodings into U+FFFD without a word (then "no VM named 'pv-��'").
        if (Utf8.ToUtf16(json, new char[json.Length], out var offset, out _, replaceInvalidSequences: false) == OperationStatus.InvalidData)
        {
            diagnostics.Error(path, $"not UTF-8: byte 0x{json[offset]:X2} at offset {offset} is not valid UTF-8; save the file as UTF-8");
            return null;
        }

        try
        {
            return new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(json, writable: false))
                .AddInMemoryCollection(Overrides(environment))
                .Build();
        }
        catch (FormatException e)
        {
            diagnostics.Error(path, InvalidJson(e.InnerException as JsonException ?? (Exception)e));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            diagnostics.Error(path, InvalidJson(e));
        }

        return null;
    }

    /// <summary>System.Text.Json counts lines and bytes from 0; editors count from 1.</summary>
    private static string InvalidJson(Exception e)
    {
        if (e is not JsonException { LineNumber: { } line, BytePositionInLine: { } column } json)
        {
            return $"not valid JSON: {e.Message}";
        }

        var message = json.Message;
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return $"not valid JSON at line {line + 1}, column {column + 1}: {(suffix < 0 ? message : message[..suffix])}";
    }

    /// <summary>
    /// The environment variables that override keys. Only names with a <c>__</c> separator after the
    /// prefix qualify (every key lives in a section), and <c>XCPTUNNEL_&lt;POOL&gt;_PASSWORD</c> is a
    /// password source, never a key.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> Overrides(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(PasswordSources.EnvironmentSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var key = name[EnvironmentPrefix.Length..];
            if (key.Contains("__", StringComparison.Ordinal))
            {
                yield return new(key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), value);
            }
        }
    }

    private static byte[]? ReadFile(string path, ConfigDiagnostics diagnostics)
    {
        if (Directory.Exists(path))
        {
            diagnostics.Error(path, "is a directory, not a configuration file");
            return null;
        }

        try
        {
            // Counted as it is read, not taken from the file's length: a pipe or a device (/dev/zero) has none.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            using var copy = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = file.Read(buffer)) > 0)
            {
                if (copy.Length + read > MaxFileBytes)
                {
                    diagnostics.Error(path, $"larger than {MaxFileBytes} bytes; is this the configuration file?");
                    return null;
                }

                copy.Write(buffer, 0, read);
            }

            return copy.ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            diagnostics.Error(path, "no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(path, $"cannot read: {e.Message}");
        }

        return null;
    }
}
