using System.Net;
using System.Net.Sockets;
using XcpTunnel.Access;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Access;

/// <summary>One socket at a time from the kernel's table, without users: sockets of this process and tuples nobody uses.</summary>
public sealed class TcpSocketTableTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Find_TupleNobodyUses_IsNotFound(string address)
    {
        // Port 1 (tcpmux) is neither listened on nor picked as an ephemeral port.
        var loopback = IPAddress.Parse(address);
        using var table = TcpSocketTable.Open();

        var answer = table.Find(new TcpTuple(new IPEndPoint(loopback, 1), new IPEndPoint(loopback, 2)));

        Assert.Equal(InetDiagAnswer.NotFound, answer);
    }

    [Fact]
    public async Task Find_BothEndsOfALoopbackConnection_AreFoundWithTheirOwnInodes()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!).Bounded();
        using var accepted = await listener.AcceptAsync().Bounded();
        var ours = new TcpTuple((IPEndPoint)accepted.LocalEndPoint!, (IPEndPoint)accepted.RemoteEndPoint!);
        using var table = TcpSocketTable.Open();

        var server = table.Find(ours);
        var viewer = table.Find(ours.Reversed);

        Assert.Equal((InetDiagOutcome.Found, InetDiagOutcome.Found), (server.Outcome, viewer.Outcome));
        Assert.Equal(server.Uid, viewer.Uid);
        Assert.NotEqual(0u, server.Inode);
        Assert.NotEqual(0u, viewer.Inode);
        Assert.NotEqual(server.Inode, viewer.Inode);
    }
}
