using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace XcpTunnel.Access;

/// <summary>
/// The NETLINK_SOCK_DIAG exchange that finds one TCP socket by its four-tuple: an exact
/// <c>SOCK_DIAG_BY_FAMILY</c> request (not a dump, so the kernel does one hash lookup) and its answer, an
/// <c>inet_diag_msg</c> or an <c>NLMSG_ERROR</c>. This is what <c>ss</c> reads; it needs no privilege and,
/// unlike <c>/proc/net/tcp</c>, survives systemd's <c>ProcSubset=pid</c>.
/// </summary>
/// <remarks>
/// Netlink and inet_diag fields are in host byte order; the ports and addresses of
/// <c>inet_diag_sockid</c> are in network order. Every struct is made of naturally aligned fields with no
/// padding, and a netlink payload starts 4-aligned right after its 16-byte header.
/// </remarks>
internal static class InetDiagMessages
{
    // struct nlmsghdr (linux/netlink.h), 16 bytes, host order:
    //   off size field
    //    0   4   nlmsg_len     the whole message, this header included
    //    4   2   nlmsg_type    SOCK_DIAG_BY_FAMILY both ways; NLMSG_ERROR in a failed answer
    //    6   2   nlmsg_flags   NLM_F_REQUEST only: without NLM_F_DUMP the kernel looks up exactly one socket
    //    8   4   nlmsg_seq     echoed in the answer
    //   12   4   nlmsg_pid     0 in a request: the kernel fills in ours
    private const int HeaderSize = 16;
    private const ushort NlmsgError = 2;
    private const ushort NlmFRequest = 1;

    /// <summary><c>SOCK_DIAG_BY_FAMILY</c> (linux/sock_diag.h).</summary>
    private const ushort SockDiagByFamily = 20;

    // struct inet_diag_req_v2 (linux/inet_diag.h), 56 bytes, after the header:
    //   off size field
    //    0   1   sdiag_family    AF_INET (2) or AF_INET6 (10)
    //    1   1   sdiag_protocol  IPPROTO_TCP (6)
    //    2   1   idiag_ext       0: no extensions (meminfo, tcp_info ...) in the answer
    //    3   1   pad
    //    4   4   idiag_states    every state (~0); an exact lookup does not filter on it
    //    8  48   id              struct inet_diag_sockid: the socket to find
    private const int RequestBodySize = 56;
    private const int RequestSockIdOffset = 8;
    private const byte IpProtoTcp = 6;

    // struct inet_diag_sockid (linux/inet_diag.h), 48 bytes:
    //   off size field
    //    0   2   idiag_sport      the socket's own port, network order
    //    2   2   idiag_dport      its peer's port, network order
    //    4  16   idiag_src[4]     its own address, network order; IPv4 in the first 4 bytes, the rest 0
    //   20  16   idiag_dst[4]     its peer's address
    //   36   4   idiag_if         the interface it is bound to, host order (0: none); a link-local address's scope
    //   40   8   idiag_cookie[2]  INET_DIAG_NOCOOKIE (~0, ~0): find the socket by its tuple alone
    private const int SockIdSize = 48;
    private const uint NoCookie = uint.MaxValue;

    // struct inet_diag_msg (linux/inet_diag.h), the answer, 72 bytes after the header; attributes may follow:
    //   off size field
    //    0   1   idiag_family
    //    1   1   idiag_state
    //    2   1   idiag_timer
    //    3   1   idiag_retrans
    //    4  48   id               struct inet_diag_sockid of the socket found
    //   52   4   idiag_expires
    //   56   4   idiag_rqueue
    //   60   4   idiag_wqueue
    //   64   4   idiag_uid        the owner, translated into the asking socket's user namespace
    //   68   4   idiag_inode      0 once the owner has closed it: a time-wait socket then reports uid 0
    private const int AnswerBodySize = 72;
    private const int AnswerSockIdOffset = 4;
    private const int AnswerUidOffset = 64;
    private const int AnswerInodeOffset = 68;

    // struct nlmsgerr (linux/netlink.h), the answer to a failed request:
    //   off size field
    //    0   4   error   a negative errno: -ENOENT when no socket has the tuple
    //    4  16   msg     the request's header
    private const int ErrorBodySize = 4;
    private const int Enoent = 2;

    /// <summary>The size of a request, and of the buffer <see cref="WriteRequest"/> fills.</summary>
    public const int RequestSize = HeaderSize + RequestBodySize;

    /// <summary>The smallest answer that can carry a socket's owner.</summary>
    public const int MinAnswerSize = HeaderSize + AnswerBodySize;

    /// <summary>Writes the request for the TCP socket whose own end and peer are <paramref name="socket"/>'s.</summary>
    /// <exception cref="ArgumentException">The tuple mixes IPv4 and IPv6, or the buffer is too small.</exception>
    public static void WriteRequest(Span<byte> destination, TcpTuple socket, uint sequence)
    {
        var family = socket.Family switch
        {
            AddressFamily.InterNetwork => (byte)2,
            AddressFamily.InterNetworkV6 => (byte)10,
            _ => throw new ArgumentException($"{socket} mixes IPv4 and IPv6", nameof(socket)),
        };
        if (destination.Length < RequestSize)
        {
            throw new ArgumentException($"a request needs {RequestSize} bytes", nameof(destination));
        }

        var message = destination[..RequestSize];
        message.Clear();
        WriteHostUInt32(message, (uint)RequestSize);
        WriteHostUInt16(message[4..], SockDiagByFamily);
        WriteHostUInt16(message[6..], NlmFRequest);
        WriteHostUInt32(message[8..], sequence);

        var body = message[HeaderSize..];
        body[0] = family;
        body[1] = IpProtoTcp;
        WriteHostUInt32(body[4..], uint.MaxValue);

        var id = body.Slice(RequestSockIdOffset, SockIdSize);
        BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)socket.Local.Port);
        BinaryPrimitives.WriteUInt16BigEndian(id[2..], (ushort)socket.Remote.Port);
        socket.Local.Address.TryWriteBytes(id.Slice(4, 16), out _);
        socket.Remote.Address.TryWriteBytes(id.Slice(20, 16), out _);
        WriteHostUInt32(id[36..], InterfaceOf(socket.Local.Address));
        WriteHostUInt32(id[40..], NoCookie);
        WriteHostUInt32(id[44..], NoCookie);
    }

    /// <summary>
    /// Reads the kernel's answer to the request numbered <paramref name="sequence"/> for <paramref name="asked"/>.
    /// An answer about any other socket is a failure, never an owner.
    /// </summary>
    public static InetDiagAnswer ParseAnswer(ReadOnlySpan<byte> message, uint sequence, TcpTuple asked)
    {
        if (message.Length < HeaderSize)
        {
            return InetDiagAnswer.Failed($"sock_diag answered {message.Length} bytes, less than a netlink header");
        }

        var length = ReadHostUInt32(message);
        var type = ReadHostUInt16(message[4..]);
        var answeredSequence = ReadHostUInt32(message[8..]);
        if (length < HeaderSize || length > message.Length)
        {
            return InetDiagAnswer.Failed($"sock_diag answered a message of {length} bytes in {message.Length}");
        }

        if (answeredSequence != sequence)
        {
            return InetDiagAnswer.Failed($"sock_diag answered request {answeredSequence}, not {sequence}");
        }

        var body = message[HeaderSize..(int)length];
        return type switch
        {
            NlmsgError => ParseError(body),
            SockDiagByFamily => ParseSocket(body, asked),
            _ => InetDiagAnswer.Failed($"sock_diag answered a message of type {type}"),
        };
    }

    private static InetDiagAnswer ParseError(ReadOnlySpan<byte> body)
    {
        if (body.Length < ErrorBodySize)
        {
            return InetDiagAnswer.Failed("sock_diag answered a truncated error");
        }

        var errno = -MemoryMarshal.Read<int>(body);
        return errno switch
        {
            Enoent => InetDiagAnswer.NotFound,
            0 => InetDiagAnswer.Failed("sock_diag acknowledged the request without answering it"),
            _ => InetDiagAnswer.Failed($"sock_diag: {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
    }

    private static InetDiagAnswer ParseSocket(ReadOnlySpan<byte> body, TcpTuple asked)
    {
        if (body.Length < AnswerBodySize)
        {
            return InetDiagAnswer.Failed($"sock_diag answered a socket in {body.Length} bytes, less than an inet_diag_msg");
        }

        var addressLength = body[0] switch
        {
            2 => 4,
            10 => 16,
            _ => 0,
        };
        if (addressLength == 0)
        {
            return InetDiagAnswer.Failed($"sock_diag answered a socket of address family {body[0]}");
        }

        var id = body.Slice(AnswerSockIdOffset, SockIdSize);
        var found = new TcpTuple(
            new IPEndPoint(new IPAddress(id.Slice(4, addressLength)), BinaryPrimitives.ReadUInt16BigEndian(id)),
            new IPEndPoint(new IPAddress(id.Slice(20, addressLength)), BinaryPrimitives.ReadUInt16BigEndian(id[2..])));
        if (!found.SameEnds(asked))
        {
            // A listening socket on the peer's port would match a lookup that found no connection.
            return InetDiagAnswer.Failed($"sock_diag answered for {found}, not {asked}");
        }

        return InetDiagAnswer.Found(ReadHostUInt32(body[AnswerUidOffset..]), ReadHostUInt32(body[AnswerInodeOffset..]));
    }

    // A link-local socket is bound to its interface, and the kernel only matches it when asked for that interface.
    private static uint InterfaceOf(IPAddress address) =>
        address.IsIPv6LinkLocal ? (uint)address.ScopeId : 0;

    private static void WriteHostUInt32(Span<byte> destination, uint value) => MemoryMarshal.Write(destination, in value);

    private static void WriteHostUInt16(Span<byte> destination, ushort value) => MemoryMarshal.Write(destination, in value);

    private static uint ReadHostUInt32(ReadOnlySpan<byte> source) => MemoryMarshal.Read<uint>(source);

    private static ushort ReadHostUInt16(ReadOnlySpan<byte> source) => MemoryMarshal.Read<ushort>(source);
}
