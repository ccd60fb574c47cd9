using System.Diagnostics.CodeAnalysis;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// Where a console is: <c>https://HOST[:PORT]/console?uuid=…</c> for VM consoles or <c>…?ref=OpaqueRef:…</c> for dom0
/// consoles, HOST a DNS name, an IPv4 address or a bracketed IPv6 address. Real hosts also write locations that are
/// not URIs (<c>""</c>, an empty host, unbracketed IPv6 on 8.2); those are placed on the VM's resident host with
/// <see cref="OnResidentHost"/> (docs/xapi-console-protocol.md, "Console locations").
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

    /// <summary>
    /// The console of a location that is not a URI, on the host the VM is resident on: <paramref name="hostAddress"/>
    /// (its <c>host.address</c>) and <paramref name="port"/> (the port the pool's API is reached on: consoles are
    /// served by the same front end), keeping the location's path and query, or <c>/console?ref=</c> the console's
    /// own ref when it has none.
    /// </summary>
    internal static ConsoleLocation OnResidentHost(string location, string consoleRef, string hostAddress, int port)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentException.ThrowIfNullOrEmpty(consoleRef);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostAddress);
        var pathAndQuery = PathAndQueryOf(location);
        if (pathAndQuery is null || !pathAndQuery.StartsWith('/') || !pathAndQuery.Contains('?', StringComparison.Ordinal))
        {
            pathAndQuery = "/console?ref=" + Uri.EscapeDataString(consoleRef);
        }

        return new ConsoleLocation(hostAddress.Trim().Trim('[', ']'), port, pathAndQuery, location);
    }

    // "https:///console?ref=…" → "/console?ref=…"; "https://fd00::5/console?uuid=…" → "/console?uuid=…"; "" → null.
    private static string? PathAndQueryOf(string location)
    {
        var scheme = location.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var path = location.IndexOf('/', scheme + 3);
        return path < 0 ? null : location[path..];
    }

    /// <inheritdoc />
    public override string ToString() => Original;
}
