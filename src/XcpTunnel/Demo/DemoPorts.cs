using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Demo;

/// <summary>
/// The loopback ports the demo claims: one per tunnel from the first port up, the next free one for the
/// <c>connect</c> example, and the health endpoint's from its own first port (9180) up. Taken ports are skipped
/// (another VNC server on 5901, or a daemon's health endpoint on 9180, is common).
/// </summary>
/// <param name="Tunnels">One per VM, in <see cref="DemoPool.Vms"/> order.</param>
/// <param name="Connect">Free for the <c>connect --listen</c> the demo prints.</param>
/// <param name="Health">The health endpoint's, with the status page.</param>
internal sealed record DemoPorts(IReadOnlyList<int> Tunnels, int Connect, int Health)
{
    public const int DefaultFirstPort = 5901;

    public const int DefaultHealthPort = 9180;

    /// <exception cref="IOException">Not enough free ports up to 65535.</exception>
    public static DemoPorts Choose(int firstPort, int firstHealthPort, int tunnels)
    {
        var consoles = ChooseFree(firstPort, tunnels + 1, []);
        var health = ChooseFree(firstHealthPort, 1, consoles)[0];
        return new DemoPorts(consoles[..tunnels], consoles[tunnels], health);
    }

    public static string Loopback(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    private static List<int> ChooseFree(int first, int count, IReadOnlyCollection<int> claimed)
    {
        List<int> ports = [];
        for (var port = first; port <= IPEndPoint.MaxPort && ports.Count < count; port++)
        {
            if (!claimed.Contains(port) && CanBind(port))
            {
                ports.Add(port);
            }
        }

        return ports.Count == count
            ? ports
            : throw new IOException(string.Create(CultureInfo.InvariantCulture, $"no {count} free ports on 127.0.0.1 from {first} up"));
    }

    private static bool CanBind(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
