using System.Globalization;
using Microsoft.Extensions.Configuration;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    private static Dictionary<string, XapiPoolOptions> ReadPools(
        Dictionary<string, PoolSection?>? sections,
        TunnelTimeouts timeouts,
        string baseDirectory,
        IReadOnlyDictionary<string, string?> environment,
        ConfigDiagnostics diagnostics)
    {
        var pools = new Dictionary<string, XapiPoolOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, section) in sections ?? [])
        {
            var pool = ReadPool(name, section ?? new PoolSection(), timeouts, baseDirectory, environment, diagnostics);
            if (pool is not null)
            {
                pools.Add(name, pool);
            }
        }

        return pools;
    }

    private static XapiPoolOptions? ReadPool(
        string name,
        PoolSection section,
        TunnelTimeouts timeouts,
        string baseDirectory,
        IReadOnlyDictionary<string, string?> environment,
        ConfigDiagnostics diagnostics)
    {
        var key = ConfigurationPath.Combine(nameof(DaemonSection.Pools), name);
        if (!CheckName(name, key, "pool", diagnostics))
        {
            return null;
        }

        var url = ConfigValues.HttpsUrl(section.Url, ConfigurationPath.Combine(key, nameof(PoolSection.Url)), diagnostics);
        var fallbacks = ReadFallbackUrls(section.FallbackUrls, ConfigurationPath.Combine(key, nameof(PoolSection.FallbackUrls)), diagnostics);

        string? user = null;
        if (ConfigValues.IsSet(section.Username))
        {
            user = section.Username.Trim();
        }
        else
        {
            diagnostics.Error(ConfigurationPath.Combine(key, nameof(PoolSection.Username)), "missing; the XAPI user, e.g. root");
        }

        var transport = ReadTransport(section.Transport, ConfigurationPath.Combine(key, nameof(PoolSection.Transport)), diagnostics);
        var trust = TrustSettings.Read(name, key, section, FullPath(section.CaFile, baseDirectory), diagnostics);
        var password = PasswordSources.Resolve(name, key, FullPath(section.PasswordFile, baseDirectory), environment, diagnostics);

        return url is null || fallbacks is null || user is null || transport is null || trust is null || password is null
            ? null
            : new XapiPoolOptions
            {
                Name = name,
                Url = url,
                FallbackUrls = fallbacks,
                UserName = user,
                Password = password,
                Trust = trust,
                Transport = transport.Value,
                ConnectTimeout = timeouts.Connect,
                TlsHandshakeTimeout = timeouts.Tls,
            };
    }

    // Every URL is read, so each bad one is reported under its index.
    private static ValueList<Uri>? ReadFallbackUrls(List<string?>? texts, string key, ConfigDiagnostics diagnostics)
    {
        var urls = (texts ?? []).Select((text, i) => ConfigValues.HttpsUrl(text, ConfigurationPath.Combine(key, i.ToString(CultureInfo.InvariantCulture)), diagnostics)).ToList();
        return urls.Contains(null) ? null : [.. urls.OfType<Uri>()];
    }

    /// <summary><c>auto</c>, <c>jsonrpc</c> or <c>xmlrpc</c>, any case; also <c>connect --transport</c>.</summary>
    internal static XapiTransport? ReadTransport(string? text, string key, ConfigDiagnostics diagnostics)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case null or "" or "AUTO":
                return XapiTransport.Auto;
            case "JSONRPC":
                return XapiTransport.JsonRpc;
            case "XMLRPC":
                return XapiTransport.XmlRpc;
            default:
                diagnostics.Error(key, $"'{text}' is not one of auto, jsonrpc, xmlrpc");
                return null;
        }
    }
}
