using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Configuration;

/// <summary>A pool's generated tunnels, validated (<c>Pools:&lt;pool&gt;:AutoTunnels</c>; docs/auto-tunnels.md).</summary>
/// <param name="Pool">The pool's name as the key of <see cref="DaemonSettings.Pools"/> spells it.</param>
/// <param name="Match">Which VMs get a tunnel.</param>
/// <param name="Ports">The ports given out, for TCP; null with <paramref name="SocketDirectory"/>.</param>
/// <param name="SocketDirectory">Where each VM's socket file goes, for <c>unix:</c>; null for TCP.</param>
/// <param name="ListenHost">The address as written, without a port (<c>127.0.0.1</c>, <c>[::1]</c>, <c>localhost</c>), for messages.</param>
/// <param name="Template">
/// What every generated tunnel gets: the addresses to bind (on the range's first port), access, security and limits,
/// read by the same code as a hand-written tunnel's.
/// </param>
internal sealed record AutoTunnelSettings(string Pool, VmMatch Match, PortRange? Ports, string? SocketDirectory, string ListenHost, TunnelSettings Template)
{
    /// <summary>The configuration key, for messages.</summary>
    public string Key => $"Pools:{Pool}:AutoTunnels";

    /// <summary>
    /// The generated tunnel's name: the pool and the VM's UUID, which never changes, so metric series, <c>/probe</c>
    /// URLs and socket files survive renames; only letters, digits and '-', safe anywhere a tunnel name goes.
    /// </summary>
    public static string NameFor(string pool, string uuid) => pool + "-" + uuid.ToLowerInvariant();

    /// <summary>The tunnel of VM <paramref name="uuid"/> (<paramref name="vmName"/> now) on <paramref name="port"/> (null for unix sockets).</summary>
    public TunnelSettings For(string uuid, string vmName, int? port)
    {
        var name = NameFor(Pool, uuid);
        if (SocketDirectory is not null)
        {
            var path = Path.Combine(SocketDirectory, name + ".sock");
            return Template with { Name = name, Vm = uuid, GeneratedFor = vmName, Listen = [new UnixDomainSocketEndPoint(path)], ListenText = ListenAddress.UnixPrefix + path };
        }

        var bound = port ?? throw new ArgumentNullException(nameof(port));
        return Template with
        {
            Name = name,
            Vm = uuid,
            GeneratedFor = vmName,
            Listen = [.. Template.Listen.Cast<IPEndPoint>().Select(e => new IPEndPoint(e.Address, bound))],
            ListenText = ListenHost + ":" + bound.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
