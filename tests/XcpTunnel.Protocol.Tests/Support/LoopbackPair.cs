using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>Two connected TCP streams on 127.0.0.1: a real duplex channel with real timing and EOF.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private LoopbackPair(NetworkStream near, NetworkStream far)
    {
        Near = near;
        Far = far;
    }

    public NetworkStream Near { get; }

    public NetworkStream Far { get; }

    public static async Task<LoopbackPair> CreateAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);

        var far = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accept = listener.AcceptAsync(cancellationToken).AsTask();
        await far.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        Socket near = await accept;
        near.NoDelay = true;
        return new LoopbackPair(new NetworkStream(near, ownsSocket: true), new NetworkStream(far, ownsSocket: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Near.DisposeAsync();
        await Far.DisposeAsync();
    }
}
