using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Tests.Support;

internal static class TestPorts
{
    /// <summary>A loopback port nothing listens on (just released by the kernel): connecting to it is refused.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
