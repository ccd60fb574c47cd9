using System.Net.Security;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Streams;

/// <summary>Ending one direction of a connection: what a splice does to one side when the other sent EOF.</summary>
public static class StreamHalfClose
{
    /// <summary>
    /// Ends the write direction of <paramref name="stream"/> where its type allows; reading stays open. A
    /// <see cref="NetworkStream"/>'s socket is shut down for sending; an <see cref="SslStream"/> sends close_notify; a
    /// <see cref="DuplexStream"/> closes its writing stream; a <see cref="PrefixedStream"/> passes it on to its inner
    /// stream; other streams are left as they are.
    /// </summary>
    public static async ValueTask ShutdownWritesAsync(Stream stream)
    {
        switch (stream)
        {
            case PrefixedStream prefixed:
                await ShutdownWritesAsync(prefixed.Inner).ConfigureAwait(false);
                break;
            case SslStream tls:
                // close_notify: the TLS peer reads EOF. The transport stays open (SslStream hides it), which
                // TLS peers do not need.
                await tls.ShutdownAsync().ConfigureAwait(false);
                break;
            case NetworkStream network:
                network.Socket.Shutdown(SocketShutdown.Send);
                break;
            case DuplexStream joined:
                await joined.CompleteWritesAsync().ConfigureAwait(false);
                break;
        }
    }
}
