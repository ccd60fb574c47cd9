using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Streams;

/// <summary>The console side as the daemon sees it: TLS to the host with xapi's policy, maybe behind a <see cref="PrefixedStream"/>.</summary>
public sealed class StreamSplicerTlsTests
{
    [Fact]
    public async Task TlsConsole_ViewerEof_SendsCloseNotify_AndConsoleDataStillFlows()
    {
        await using var rig = await SpliceRig.CreateAsync();
        await using var tls = await TlsPair.CreateAsync(rig.ConsoleEnd, rig.ConsolePeer);
        rig.Start(console: tls.Client);

        await SpliceRig.SendAsync(rig.ViewerPeer, "RFB 003.008\n");
        Assert.Equal("RFB 003.008\n", await SpliceRig.ReceiveAsync(tls.Server, 12));

        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(tls.Server)); // close_notify

        await SpliceRig.SendAsync(tls.Server, "after the viewer's EOF");
        Assert.Equal("after the viewer's EOF", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 22));
        Assert.False(rig.Splice.IsCompleted);

        await tls.Server.ShutdownAsync().WaitAsync(SpliceRig.Timeout);
        Assert.True(await SpliceRig.AtEofAsync(rig.ViewerPeer));
        Assert.Equal(new SpliceResult(12, 22, SpliceOutcome.ViewerClosed, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task TlsConsole_CloseNotify_HalfClosesTheViewer()
    {
        await using var rig = await SpliceRig.CreateAsync();
        await using var tls = await TlsPair.CreateAsync(rig.ConsoleEnd, rig.ConsolePeer);
        rig.Start(console: tls.Client);

        await tls.Server.ShutdownAsync().WaitAsync(SpliceRig.Timeout);
        Assert.True(await SpliceRig.AtEofAsync(rig.ViewerPeer));

        await SpliceRig.SendAsync(rig.ViewerPeer, "late");
        Assert.Equal("late", await SpliceRig.ReceiveAsync(tls.Server, 4));
        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(tls.Server));
        Assert.Equal(new SpliceResult(4, 0, SpliceOutcome.ConsoleClosed, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task PrefixedConsole_PrefixArrivesFirst_AndHalfCloseReachesTheInnerTlsStream()
    {
        await using var rig = await SpliceRig.CreateAsync();
        await using var tls = await TlsPair.CreateAsync(rig.ConsoleEnd, rig.ConsolePeer);
        var console = new PrefixedStream(Encoding.ASCII.GetBytes("RFB 003.008\n"), tls.Client);
        rig.Start(console: console);

        Assert.Equal("RFB 003.008\n", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 12));
        await SpliceRig.SendAsync(tls.Server, "\x01");
        Assert.Equal("\x01", await SpliceRig.ReceiveAsync(rig.ViewerPeer, 1));

        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await SpliceRig.AtEofAsync(tls.Server));
        await tls.Server.ShutdownAsync().WaitAsync(SpliceRig.Timeout);
        Assert.True(await SpliceRig.AtEofAsync(rig.ViewerPeer));
        Assert.Equal(new SpliceResult(0, 13, SpliceOutcome.ViewerClosed, null), await rig.CompletionAsync());
    }

    [Fact]
    public async Task PrefixedConsole_OverTcp_HalfCloseReachesTheSocket()
    {
        await using var rig = await SpliceRig.CreateAsync();
        rig.Start(console: new PrefixedStream(ReadOnlyMemory<byte>.Empty, rig.ConsoleEnd));

        rig.ViewerPeer.Socket.Shutdown(SocketShutdown.Send);

        Assert.True(await SpliceRig.AtEofAsync(rig.ConsolePeer));
    }

    /// <summary>TLS over an existing TCP pair, with xapi's policy (TLS 1.2, ECDHE-RSA-AES-GCM) on the server.</summary>
    private sealed class TlsPair : IAsyncDisposable
    {
        private TlsPair(SslStream client, SslStream server)
        {
            Client = client;
            Server = server;
        }

        public SslStream Client { get; }

        public SslStream Server { get; }

        public static async Task<TlsPair> CreateAsync(Stream clientTransport, Stream serverTransport)
        {
            using var certificate = TestCertificates.SelfSigned("xcp-host");
            string thumbprint = certificate.GetCertHashString();
            var client = new SslStream(clientTransport, leaveInnerStreamOpen: true);
            var server = new SslStream(serverTransport, leaveInnerStreamOpen: true);
            Task serverHandshake = server.AuthenticateAsServerAsync(TlsTestServer.XapiPolicy(certificate));
            await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "xcp-host",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint,
            }).WaitAsync(SpliceRig.Timeout);
            await serverHandshake.WaitAsync(SpliceRig.Timeout);
            return new TlsPair(client, server);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
