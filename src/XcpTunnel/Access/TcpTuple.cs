using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Access;

/// <summary>
/// One TCP socket's two ends, as that socket sees them. IPv4-mapped IPv6 addresses (a dual-stack listener's
/// view of an IPv4 peer) are unwrapped: the kernel keeps such sockets in its IPv4 table.
/// </summary>
internal readonly record struct TcpTuple
{
    public TcpTuple(IPEndPoint local, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        Local = Unmap(local);
        Remote = Unmap(remote);
    }

    public IPEndPoint Local { get; }

    public IPEndPoint Remote { get; }

    /// <summary>The same connection seen from the other end.</summary>
    public TcpTuple Reversed => new(Remote, Local);

    /// <summary>An IPv4 tuple, an IPv6 tuple, or neither (Unspecified) when the ends disagree.</summary>
    public AddressFamily Family => Local.AddressFamily == Remote.AddressFamily ? Local.AddressFamily : AddressFamily.Unspecified;

    /// <summary>Same ports and addresses; an IPv6 scope is not part of the kernel's answer, so it is not compared.</summary>
    public bool SameEnds(TcpTuple other) => SameEnd(Local, other.Local) && SameEnd(Remote, other.Remote);

    public static IPEndPoint Unmap(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
    }

    public override string ToString() => $"{Local} -> {Remote}";

    private static bool SameEnd(IPEndPoint a, IPEndPoint b)
    {
        if (a.Port != b.Port || a.AddressFamily != b.AddressFamily)
        {
            return false;
        }

        Span<byte> first = stackalloc byte[16];
        Span<byte> second = stackalloc byte[16];
        return a.Address.TryWriteBytes(first, out var length) && b.Address.TryWriteBytes(second, out _)
            && first[..length].SequenceEqual(second[..length]);
    }
}
