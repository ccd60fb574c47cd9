using System.Net;
using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

/// <summary>
/// The sock_diag request and answer, byte for byte. Netlink fields are in host order, so the expected bytes
/// are a little-endian host's (x86-64, arm64); ports and addresses are in network order everywhere.
/// </summary>
public sealed class InetDiagMessagesTests
{
    private static readonly TcpTuple Viewer = new(IPEndPoint.Parse("127.0.0.1:45678"), IPEndPoint.Parse("127.0.0.1:5901"));

    // An answer about Viewer: uid 1001, inode 123456, request 7, then an INET_DIAG_SHUTDOWN attribute.
    private const string FoundAnswer =
        "60000000" + "1400" + "0000" + "07000000" + "39300000"      // nlmsghdr: 96 bytes, SOCK_DIAG_BY_FAMILY, seq 7, pid 12345
        + "02" + "01" + "00" + "00"                                 // AF_INET, ESTABLISHED, timer, retrans
        + "B26E" + "170D"                                           // sport 45678, dport 5901
        + "7F000001" + "000000000000000000000000"                   // src 127.0.0.1
        + "7F000001" + "000000000000000000000000"                   // dst 127.0.0.1
        + "00000000" + "1122334455667788"                           // if, cookie
        + "00000000" + "00000000" + "00000000"                      // expires, rqueue, wqueue
        + "E9030000" + "40E20100"                                   // uid 1001, inode 123456
        + "0500080000000000";                                       // nlattr: len 5, INET_DIAG_SHUTDOWN, 0, padding

    public static TheoryData<int> EveryTruncation => [.. Enumerable.Range(0, Convert.FromHexString(FoundAnswer).Length)];

    [Fact]
    public void WriteRequest_Ipv4_IsAnExactLookupOfThatTuple()
    {
        var request = new byte[InetDiagMessages.RequestSize];

        InetDiagMessages.WriteRequest(request, Viewer, sequence: 7);

        Assert.Equal(
            "48000000" + "1400" + "0100" + "07000000" + "00000000"  // 72 bytes, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, seq 7, pid 0
            + "02" + "06" + "00" + "00" + "FFFFFFFF"                // AF_INET, IPPROTO_TCP, no extensions, pad, all states
            + "B26E" + "170D"
            + "7F000001" + "000000000000000000000000"
            + "7F000001" + "000000000000000000000000"
            + "00000000" + "FFFFFFFFFFFFFFFF",                      // any interface, INET_DIAG_NOCOOKIE twice
            Convert.ToHexString(request));
    }

    [Fact]
    public void WriteRequest_Ipv6_CarriesSixteenByteAddresses()
    {
        var request = new byte[InetDiagMessages.RequestSize];

        InetDiagMessages.WriteRequest(request, new TcpTuple(IPEndPoint.Parse("[::1]:40000"), IPEndPoint.Parse("[2001:db8::5]:5901")), sequence: 1);

        Assert.Equal(
            "0A06" + "0000" + "FFFFFFFF" + "9C40" + "170D"
            + "00000000000000000000000000000001"
            + "20010DB8000000000000000000000005"
            + "00000000" + "FFFFFFFFFFFFFFFF",
            Convert.ToHexString(request.AsSpan(16)));
    }

    [Fact]
    public void WriteRequest_Ipv4MappedTuple_IsTheIpv4Lookup()
    {
        var mapped = new byte[InetDiagMessages.RequestSize];
        var plain = new byte[InetDiagMessages.RequestSize];

        InetDiagMessages.WriteRequest(mapped, new TcpTuple(IPEndPoint.Parse("[::ffff:127.0.0.1]:45678"), IPEndPoint.Parse("[::ffff:127.0.0.1]:5901")), 7);
        InetDiagMessages.WriteRequest(plain, Viewer, 7);

        Assert.Equal(plain, mapped);
    }

    [Fact]
    public void WriteRequest_LinkLocalAddress_AsksForItsInterface()
    {
        var request = new byte[InetDiagMessages.RequestSize];

        InetDiagMessages.WriteRequest(request, new TcpTuple(IPEndPoint.Parse("[fe80::1%3]:40000"), IPEndPoint.Parse("[fe80::2%3]:5901")), 1);

        Assert.Equal("03000000", Convert.ToHexString(request.AsSpan(16 + 8 + 36, 4)));
    }

    [Fact]
    public void ParseAnswer_SocketFound_IsItsOwnerAndInode()
    {
        var answer = InetDiagMessages.ParseAnswer(Convert.FromHexString(FoundAnswer), 7, Viewer);

        Assert.Equal(InetDiagAnswer.Found(uid: 1001, inode: 123456), answer);
    }

    [Fact]
    public void ParseAnswer_Ipv6SocketWithMappedAddresses_MatchesTheIpv4Tuple()
    {
        // A dual-stack client connected to ::ffff:127.0.0.1 is an AF_INET6 socket in the IPv4 table.
        var bytes = Convert.FromHexString(FoundAnswer);
        bytes[16] = 10;
        Convert.FromHexString("00000000000000000000FFFF7F000001").CopyTo(bytes, 16 + 8);
        Convert.FromHexString("00000000000000000000FFFF7F000001").CopyTo(bytes, 16 + 24);

        var answer = InetDiagMessages.ParseAnswer(bytes, 7, Viewer);

        Assert.Equal(InetDiagAnswer.Found(uid: 1001, inode: 123456), answer);
    }

    [Fact]
    public void ParseAnswer_Enoent_IsNotFound()
    {
        var answer = InetDiagMessages.ParseAnswer(ErrorAnswer(errno: 2), 7, Viewer);

        Assert.Equal(InetDiagAnswer.NotFound, answer);
    }

    [Fact]
    public void ParseAnswer_OtherError_FailsWithItsMessage()
    {
        var answer = InetDiagMessages.ParseAnswer(ErrorAnswer(errno: 1), 7, Viewer);

        Assert.Equal(InetDiagOutcome.Failed, answer.Outcome);
        Assert.Equal("sock_diag: Operation not permitted", answer.Problem);
    }

    [Fact]
    public void ParseAnswer_AnotherRequestsAnswer_Fails()
    {
        var answer = InetDiagMessages.ParseAnswer(Convert.FromHexString(FoundAnswer), 8, Viewer);

        Assert.Equal(InetDiagAnswer.Failed("sock_diag answered request 7, not 8"), answer);
    }

    [Fact]
    public void ParseAnswer_AboutAnotherSocket_FailsRatherThanNamingItsOwner()
    {
        var bytes = Convert.FromHexString(FoundAnswer);
        bytes[16 + 6] = 0;
        bytes[16 + 7] = 0;

        var answer = InetDiagMessages.ParseAnswer(bytes, 7, Viewer);

        Assert.Equal(InetDiagAnswer.Failed("sock_diag answered for 127.0.0.1:45678 -> 127.0.0.1:0, not 127.0.0.1:45678 -> 127.0.0.1:5901"), answer);
    }

    [Theory]
    [MemberData(nameof(EveryTruncation))]
    public void ParseAnswer_Truncated_FailsWithoutThrowing(int length)
    {
        var answer = InetDiagMessages.ParseAnswer(Convert.FromHexString(FoundAnswer).AsSpan(0, length), 7, Viewer);

        Assert.Equal(InetDiagOutcome.Failed, answer.Outcome);
    }

    private static byte[] ErrorAnswer(int errno)
    {
        var bytes = Convert.FromHexString("24000000" + "0200" + "0001" + "07000000" + "39300000" + "00000000" + "48000000140001000700000000000000");
        BitConverter.TryWriteBytes(bytes.AsSpan(16), -errno);
        return bytes;
    }
}
