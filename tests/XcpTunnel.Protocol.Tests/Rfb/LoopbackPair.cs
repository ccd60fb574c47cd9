using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Tests.Rfb;

/// <summary>Two connected TCP streams on 127.0.0.1: the daemon's end and a fake viewer's end.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private LoopbackPair(NetworkStream daemon, NetworkStream viewer)
    {
        Daemon = daemon;
        Viewer = viewer;
    }

    public NetworkStream Daemon { get; }

    public NetworkStream Viewer { get; }

    public static async Task<LoopbackPair> CreateAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);

        var viewer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync(cancellationToken).AsTask();
        await viewer.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        Socket daemon = await accept;
        return new LoopbackPair(new NetworkStream(daemon, ownsSocket: true), new NetworkStream(viewer, ownsSocket: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        await Viewer.DisposeAsync();
    }
}
