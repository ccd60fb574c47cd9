using System.Diagnostics.CodeAnalysis;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// A parsed <c>console.location</c> (XAPI.md §2): <c>https://HOST[:PORT]/console?uuid=…</c> for VM
/// consoles or <c>…?ref=OpaqueRef:…</c> for dom0 consoles. HOST is a DNS name, an IPv4 address or a
/// bracketed IPv6 address.
/// </summary>
public sealed record ConsoleLocation
{
    private ConsoleLocation(string host, int port, string pathAndQuery, string original)
    {
        Host = host;
        Port = port;
        PathAndQuery = pathAndQuery;
        Original = original;
    }

    /// <summary>The host to open TCP to: a DNS name or an IP literal without brackets.</summary>
    public string Host { get; }

    /// <summary>The TCP port (443 unless the location names one).</summary>
    public int Port { get; }

    /// <summary>Path and query for the CONNECT request line, e.g. <c>/console?uuid=…</c>.</summary>
    public string PathAndQuery { get; }

    /// <summary>The location as XAPI gave it (holds no secret).</summary>
    public string Original { get; }

    /// <summary>The <c>Host:</c> header value: host, bracketed if IPv6, with the port if not the default.</summary>
    public string HostHeader => Port == 443 ? HostPort.FormatHost(Host) : HostPort.Format(Host, Port);

    /// <summary>Parses a location; see <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not an absolute http(s) URL with a path and a query.</exception>
    public static ConsoleLocation Parse(string location) =>
        TryParse(location, out var parsed)
            ? parsed
            : throw new FormatException($"console location '{location}' is not an https URL with a path and a query");

    /// <summary>Parses an absolute <c>https</c> (or <c>http</c>) URL that has a query.</summary>
    public static bool TryParse(string? location, [NotNullWhen(true)] out ConsoleLocation? parsed)
    {
        parsed = null;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Query)
            || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        // DnsSafeHost drops IPv6 brackets; the socket layer wants the bare literal.
        parsed = new ConsoleLocation(uri.DnsSafeHost, uri.Port, uri.PathAndQuery, location!);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Original;
}
