using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol;

/// <summary>Formats host and port the way URLs and users expect, bracketing IPv6 literals.</summary>
public static class HostPort
{
    /// <summary><c>host:port</c>, or <c>[host]:port</c> for an IPv6 literal.</summary>
    public static string Format(string host, int port) => $"{FormatHost(host)}:{port}";

    /// <summary>The host as it stands in a URL or a <c>Host</c> header: an IPv6 literal in brackets.</summary>
    public static string FormatHost(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]"
            : host;
}
