using System.Globalization;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    private static XapiPoolOptions? ReadPool(
        string name, ConfigSection section, TunnelTimeouts timeouts, string baseDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var url = ConfigValues.HttpsUrl(section.Text("Url"), section.Key("Url"), section.Diagnostics);

        // Every URL is read, so each bad one is reported under its index.
        var fallbackTexts = section.List("FallbackUrls", "[\"https://xcp02.example.com\"]") ?? [];
        var fallbacks = fallbackTexts.Select((text, i) => ConfigValues.HttpsUrl(text, section.Key("FallbackUrls:" + i.ToString(CultureInfo.InvariantCulture)), section.Diagnostics)).ToList();
        var user = section.Required("Username", "the XAPI user, e.g. root");
        var transport = ReadTransport(section.Text("Transport"), section.Key("Transport"), section.Diagnostics);
        var trust = TrustSettings.Read(name, section, section.FullPath("CaFile", baseDirectory));
        var password = PasswordSources.Resolve(name, section, section.FullPath("PasswordFile", baseDirectory), environment);

        return url is null || fallbacks.Contains(null) || user is null || transport is null || trust is null || password is null
            ? null
            : new XapiPoolOptions
            {
                Name = name,
                Url = url,
                FallbackUrls = [.. fallbacks.OfType<Uri>()],
                UserName = user,
                Password = password,
                Trust = trust,
                Transport = transport.Value,
                ConnectTimeout = timeouts.Connect,
                TlsHandshakeTimeout = timeouts.Tls,
            };
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
