using System.Security.Cryptography;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Configuration;

/// <summary>Turns a pool's <c>TlsFingerprint</c> / <c>CaFile</c> / <c>Insecure</c> into its trust policy.</summary>
internal static class TrustSettings
{
    private static readonly char[] PinSeparators = [',', ' ', '\t', '\r', '\n'];

    /// <summary>The policy of pool <paramref name="section"/>, or null after reporting why there is none. <paramref name="caFile"/> is made absolute, or null when unset.</summary>
    public static TlsTrustPolicy? Read(string pool, ConfigSection section, string? caFile)
    {
        var pins = section.Text("TlsFingerprint");
        var insecure = section.Flag("Insecure");
        if (insecure is null)
        {
            return null;
        }

        var chosen = Chosen((pins is not null, "TlsFingerprint"), (caFile is not null, "CaFile"), (insecure.Value, "Insecure"));
        if (chosen.Length > 1)
        {
            var all = chosen.Length == 2 ? "both" : "all";
            section.Diagnostics.Error(section.Path, $"{string.Join(" and ", chosen)} are {all} set; choose one way to trust the pool's certificates");
            return null;
        }

        if (insecure.Value)
        {
            section.Diagnostics.Warn($"pool {pool}: TLS verification is OFF (Insecure: true)");
            return TlsTrustPolicy.Insecure;
        }

        return caFile is not null ? ReadCaFile(caFile, section.Key("CaFile"), section.Diagnostics)
            : pins is not null ? ReadPins(pins, section.Key("TlsFingerprint"), section.Diagnostics)
            : TlsTrustPolicy.SystemStore;
    }

    /// <summary>The names of the ways of trust that are given: more than one is an error (pins, a CA and none exclude each other).</summary>
    public static string[] Chosen(params (bool Given, string Name)[] ways) => [.. ways.Where(w => w.Given).Select(w => w.Name)];

    /// <summary>Pins separated by commas or white space; also <c>connect --fingerprint</c>.</summary>
    public static TlsTrustPolicy? ReadPins(string text, string key, ConfigDiagnostics diagnostics)
    {
        List<CertificateFingerprint> pins = [];
        var valid = true;
        foreach (var item in text.Split(PinSeparators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (CertificateFingerprint.TryParse(item, out var pin, out var error))
            {
                pins.Add(pin);
            }
            else
            {
                diagnostics.Error(key, error);
                valid = false;
            }
        }

        return valid ? TlsTrustPolicy.Pinned(pins) : null;
    }

    /// <summary>A PEM CA bundle; also <c>connect --ca-file</c>.</summary>
    public static TlsTrustPolicy? ReadCaFile(string path, string key, ConfigDiagnostics diagnostics)
    {
        try
        {
            return TlsTrustPolicy.FromCaFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            diagnostics.Error(key, $"{path}: no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CryptographicException)
        {
            diagnostics.Error(key, $"cannot use {path}: {e.Message}");
        }

        return null;
    }
}
