using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol;

/// <summary>Formats host and port the way URLs and users expect, bracketing IPv6 literals.</summary>
internal static class HostPort
{
    public static string Format(string host, int port) => $"{FormatHost(host)}:{port}";

    public static string FormatHost(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]"
            : host;
}
