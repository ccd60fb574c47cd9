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

    /// <summary>
    /// The first of <paramref name="count"/> consecutive loopback ports nothing listens on, below the kernel's ephemeral
    /// range (32768 and up), so outgoing connections do not take them meanwhile.
    /// </summary>
    public static int FreeRange(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20000, 32000 - count);
            var probes = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var probe = new TcpListener(IPAddress.Loopback, port);
                    probe.Start();
                    probes.Add(probe);
                }

                return first;
            }
            catch (SocketException)
            {
                // Taken: try another block.
            }
            finally
            {
                probes.ForEach(p => p.Stop());
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }
}
