using System.Globalization;
using System.Net;
using System.Net.Sockets;
using XcpTunnel.Access;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Access;

/// <summary>Real connections from processes of real users: the kernel's answer, through Identify.</summary>
[Collection(TestUsers.Collection)]
public sealed class PeerCredentialsTests(TestUsers users)
{
    [RootTheory]
    [InlineData("127.0.0.1", "TCP4:127.0.0.1:{0}", "127.0.0.1")]
    [InlineData("::1", "TCP6:[::1]:{0}", "[::1]")]
    [InlineData("::ffff:127.0.0.1", "TCP4:127.0.0.1:{0}", "127.0.0.1")]
    [InlineData("::ffff:127.0.0.1", "TCP6:[::ffff:127.0.0.1]:{0}", "127.0.0.1")]
    public async Task Identify_TcpPeerOfAnotherUser_IsThatUser(string listenOn, string socatAddress, string peerHost)
    {
        using var listener = Listen(IPAddress.Parse(listenOn));
        await using var client = ConnectingUser.Start(users.Member, string.Format(CultureInfo.InvariantCulture, socatAddress, Port(listener)));
        using var accepted = await ConnectingUser.AcceptAsync(listener, client);

        var port = ((IPEndPoint)accepted.RemoteEndPoint!).Port;

        var identity = PeerCredentials.Identify(accepted);

        await ConnectingUser.HangUpAsync(accepted, client);
        Assert.Equal(new PeerIdentity(users.Member.Uid, users.Member.Name, $"{peerHost}:{port}", IsLocal: true), identity);
    }

    [RootFact]
    public async Task Identify_TwoUsersOnOneListener_EachIsTheirOwn()
    {
        using var listener = Listen(IPAddress.Loopback);
        var address = $"TCP4:127.0.0.1:{Port(listener)}";
        await using var first = ConnectingUser.Start(users.Plain, address);
        using var firstAccepted = await ConnectingUser.AcceptAsync(listener, first);
        await using var second = ConnectingUser.Start(users.Member, address);
        using var secondAccepted = await ConnectingUser.AcceptAsync(listener, second);

        var firstIdentity = PeerCredentials.Identify(firstAccepted);
        var secondIdentity = PeerCredentials.Identify(secondAccepted);

        await ConnectingUser.HangUpAsync(firstAccepted, first);
        await ConnectingUser.HangUpAsync(secondAccepted, second);
        Assert.Equal((users.Plain.Uid, users.Plain.Name), (firstIdentity.Uid, firstIdentity.UserName));
        Assert.Equal((users.Member.Uid, users.Member.Name), (secondIdentity.Uid, secondIdentity.UserName));
    }

    [RootFact]
    public async Task Identify_UnixPeerOfAnotherUser_IsThatUserAndPid()
    {
        using var directory = TemporaryDirectory.Create("xct-access-");
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        var path = directory.File("console.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
        listener.Listen();
        await using var client = ConnectingUser.Start(users.Plain, $"UNIX-CONNECT:{path}");
        using var accepted = await ConnectingUser.AcceptAsync(listener, client);

        var identity = PeerCredentials.Identify(accepted);

        await ConnectingUser.HangUpAsync(accepted, client);
        // setpriv execs socat, so the connecting pid is the one we started.
        Assert.Equal(new PeerIdentity(users.Plain.Uid, users.Plain.Name, $"unix pid {client.Id}", IsLocal: true), identity);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Identify_ClientInThisProcess_IsOurUser(string address)
    {
        using var listener = Listen(IPAddress.Parse(address));
        using var client = new Socket(listener.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!).Bounded();
        using var accepted = await listener.AcceptAsync().Bounded();

        var identity = PeerCredentials.Identify(accepted);

        Assert.Equal((ThisProcess.Uid, Environment.UserName, true, null), (identity.Uid, identity.UserName, identity.IsLocal, identity.Problem));
        Assert.Equal(client.LocalEndPoint!.ToString(), identity.Peer);
    }

    [Fact]
    public async Task Identify_UnixClientInThisProcess_IsOurUserAndPid()
    {
        using var directory = TemporaryDirectory.Create("xct-access-");
        var path = directory.File("console.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path)).Bounded();
        using var accepted = await listener.AcceptAsync().Bounded();

        var identity = PeerCredentials.Identify(accepted);

        Assert.Equal(new PeerIdentity(ThisProcess.Uid, Environment.UserName, $"unix pid {Environment.ProcessId}", IsLocal: true), identity);
    }

    [Fact]
    public async Task Identify_PeerExitedBeforeLookup_IsUnknownNotRoot()
    {
        // A socket whose owner has closed it lingers as a time-wait socket, which the kernel reports as
        // owned by uid 0. A process that has exited has closed it for sure; a socket of this process may
        // only be shut down while the runtime still holds it.
        using var listener = Listen(IPAddress.Loopback);
        await Processes.RunAsync(
            new ProcessSpec(PeerProgram.Socat.Require(), ["-u", "OPEN:/dev/null", $"TCP4:{listener.LocalEndPoint}"]),
            TestTimeouts.Default,
            CancellationToken.None);
        using var accepted = await listener.AcceptAsync().Bounded();

        var identity = PeerCredentials.Identify(accepted);

        Assert.Equal((null, null, true), (identity.Uid, identity.UserName, identity.IsLocal));
        Assert.Equal("the peer closed its socket before it could be identified", identity.Problem);
    }

    [Fact]
    public async Task Identify_ConnectionResetBeforeLookup_IsUnknownAndNotLocal()
    {
        using var listener = Listen(IPAddress.Loopback);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(listener.LocalEndPoint!).Bounded();
            client.LingerState = new LingerOption(enable: true, seconds: 0);
        }

        using var accepted = await listener.AcceptAsync().Bounded();
        var reset = await Assert.ThrowsAsync<SocketException>(() => accepted.ReceiveAsync(new byte[1]).Bounded());
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);

        var identity = PeerCredentials.Identify(accepted);

        Assert.Equal((null, null, false), (identity.Uid, identity.UserName, identity.IsLocal));
        Assert.NotNull(identity.Problem);
    }

    [Fact]
    public void Identify_UdpSocket_IsUnknownWithAReason()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Connect(socket.LocalEndPoint!);

        var identity = PeerCredentials.Identify(socket);

        Assert.Equal((null, false), (identity.Uid, identity.IsLocal));
        Assert.NotNull(identity.Problem);
    }

    [Fact]
    public void Identify_UnconnectedSocket_IsUnknownWithAReason()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var identity = PeerCredentials.Identify(socket);

        Assert.Equal(PeerIdentity.Unknown("unknown", isLocal: false, "the socket is not connected"), identity);
    }

    private static Socket Listen(IPAddress address)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.IsIPv4MappedToIPv6)
        {
            listener.DualMode = true;
        }

        listener.Bind(new IPEndPoint(address, 0));
        listener.Listen();
        return listener;
    }

    private static int Port(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;
}
