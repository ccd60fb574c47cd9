using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using XcpTunnel.Protocol;

namespace XcpTunnel.Configuration;

/// <summary>
/// A listen address as written: <c>IPv4:port</c>, <c>[IPv6]:port</c>, <c>hostname:port</c> or <c>unix:/path</c>.
/// Parsing is purely syntactic; <see cref="TryResolve"/> turns it into the endpoints to bind.
/// Shared by the configuration and <c>connect --listen</c>.
/// </summary>
internal sealed record ListenAddress
{
    public const string UnixPrefix = "unix:";

    private const string Example = "e.g. 127.0.0.1:5901, [::1]:5901, localhost:5901 or unix:/run/xcptunnel/web.sock";

    // sun_path is 108 bytes with its terminating NUL (unix(7)).
    private const int MaxUnixPathBytes = 107;

    private ListenAddress(string host, IPAddress? address, int port, string? unixPath = null)
    {
        Host = host;
        Address = address;
        Port = port;
        UnixPath = unixPath;
    }

    /// <summary>The socket file of a <c>unix:</c> address; null for TCP.</summary>
    public string? UnixPath { get; }

    /// <summary>The host part without brackets.</summary>
    public string Host { get; }

    /// <summary>The literal address, or null for a host name.</summary>
    public IPAddress? Address { get; }

    public int Port { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            error = $"missing; expected host:port ({Example})";
            return false;
        }

        if (trimmed.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            return TryParseUnix(trimmed, out address, out error);
        }

        var colon = trimmed.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"'{trimmed}' has no port; expected host:port ({Example})";
            return false;
        }

        var host = trimmed[..colon];
        var portText = trimmed[(colon + 1)..];
        if (!TryParsePort(portText, out var port))
        {
            error = $"'{trimmed}': the port must be a number from 1 to 65535";
            return false;
        }

        IPAddress? literal;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out literal) || literal.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{trimmed}': '{host}' is not an IPv6 address";
                return false;
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"'{trimmed}': write IPv6 addresses in brackets, as in [::1]:{portText}";
            return false;
        }
        else if (host.Length > 0 && host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            // IPAddress.TryParse also takes "1" and "127.1"; a listen address is written in full.
            if (host.Count(c => c == '.') != 3 || !IPAddress.TryParse(host, out literal))
            {
                error = $"'{trimmed}': '{host}' is not an IPv4 address";
                return false;
            }
        }
        else if (Uri.CheckHostName(host) == UriHostNameType.Dns)
        {
            literal = null;
        }
        else
        {
            error = $"'{trimmed}': '{host}' is not an IP address or a host name ({Example})";
            return false;
        }

        address = new ListenAddress(host, literal, port);
        error = null;
        return true;
    }

    /// <summary>
    /// <paramref name="text"/> parsed and resolved, or null with the error under <paramref name="key"/>: the one
    /// reading of a listen address, for the configuration and <c>connect --listen</c>. A non-loopback address needs
    /// <paramref name="allowRemote"/>; <paramref name="optIn"/> tells how to give it (the key or the flag).
    /// </summary>
    public static (ValueList<EndPoint> Endpoints, string Text)? Read(
        string? text, bool allowRemote, string optIn, Func<string, IPAddress[]> resolve, string key, ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!TryParse(text, out var address, out var error) || !address.TryResolve(resolve, out var endpoints, out error))
        {
            diagnostics.Error(key, error);
            return null;
        }

        if (!allowRemote && address.NotLoopback(endpoints) is { } what)
        {
            diagnostics.Error(key, $"{what}; {optIn} to listen on other interfaces");
            return null;
        }

        return (endpoints, address.ToString());
    }

    /// <summary>
    /// The endpoints to bind: the literal address, or every address the host name resolves to.
    /// <c>localhost</c> is both loopbacks without asking DNS (RFC 6761 §6.3), so a tunnel on
    /// <c>localhost:5901</c> answers viewers that try ::1 first.
    /// </summary>
    /// <remarks><paramref name="resolve"/> looks host names up: <see cref="Dns.GetHostAddresses(string)"/> in production.</remarks>
    public bool TryResolve(Func<string, IPAddress[]> resolve, [NotNullWhen(true)] out ValueList<EndPoint>? endpoints, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        endpoints = null;
        if (UnixPath is not null)
        {
            endpoints = [new UnixDomainSocketEndPoint(UnixPath)];
            error = null;
            return true;
        }

        IPAddress[] addresses;
        if (Address is not null)
        {
            addresses = [Address];
        }
        else if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            addresses = Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        }
        else
        {
            try
            {
                addresses = resolve(Host);
            }
            catch (SocketException e)
            {
                error = $"cannot resolve '{Host}': {e.Message}";
                return false;
            }

            if (addresses.Length == 0)
            {
                error = $"'{Host}' resolves to no address";
                return false;
            }
        }

        endpoints = [.. addresses.Distinct().Select(a => new IPEndPoint(a, Port))];
        error = null;
        return true;
    }

    /// <summary>
    /// Why <paramref name="endpoints"/> (this address resolved) reach beyond this machine, or null when
    /// all are loopback. Remote listening is opt-in; each caller adds how to opt in.
    /// </summary>
    public string? NotLoopback(IReadOnlyList<EndPoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var remote = endpoints.OfType<IPEndPoint>().Where(e => !IPAddress.IsLoopback(e.Address)).ToList();
        return remote.Count == 0 ? null
            : Address is null ? $"'{this}' resolves to {string.Join(", ", remote)}, which is not a loopback address"
            : $"{remote[0]} is not a loopback address";
    }

    public override string ToString() =>
        UnixPath is not null ? UnixPrefix + UnixPath :
        (Address?.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseUnix(string text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        var path = text[UnixPrefix.Length..];
        if (!path.StartsWith('/'))
        {
            error = $"'{text}': a unix socket needs an absolute path, as in unix:/run/xcptunnel/web.sock";
            return false;
        }

        if (path.Contains('\0', StringComparison.Ordinal) || path.EndsWith('/'))
        {
            error = $"'{text}' is not a file name for a socket";
            return false;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxUnixPathBytes)
        {
            error = $"'{text}': a unix socket path may have at most {MaxUnixPathBytes} bytes";
            return false;
        }

        address = new ListenAddress(path, null, 0, path);
        error = null;
        return true;
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5
            && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is >= 1 and <= 65535;
    }
}
