using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Health;

/// <summary>
/// The TigerVNC command line that opens a tunnel, as the demo prints it and the status page shows it:
/// <c>vncviewer 127.0.0.1:5901</c> (a number of 100 or more after the colon is a port, not a display),
/// <c>vncviewer [::1]:5901</c>, or the socket's path for a unix socket.
/// </summary>
internal static class ViewerCommand
{
    public static string For(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => string.Create(CultureInfo.InvariantCulture, $"vncviewer [{ip.Address}]:{ip.Port}"),
            IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"vncviewer {ip.Address}:{ip.Port}"),
            UnixDomainSocketEndPoint unix => $"vncviewer {unix}",
            _ => $"vncviewer {endPoint}",
        };
    }
}
