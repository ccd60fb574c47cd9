using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// Copies bytes both ways until both directions have ended. When one side reaches EOF, the other side's write
/// direction is shut down (half-close) and the remaining direction drains; a failure ends both.
/// </summary>
internal static class StreamSplice
{
    private const int BufferSize = 16 * 1024;

    public static async Task RunAsync(Stream a, Stream b, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task aToB = CopyThenHalfCloseAsync(a, b, cts.Token);
        Task bToA = CopyThenHalfCloseAsync(b, a, cts.Token);
        Task first = await Task.WhenAny(aToB, bToA).ConfigureAwait(false);
        if (first.IsFaulted || first.IsCanceled)
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }

        Task second = first == aToB ? bToA : aToB;
        await second.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task CopyThenHalfCloseAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait for data before renting a buffer: idle consoles hold no memory (STYLE.md, YARP's StreamCopier).
            await source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                int n = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        await HalfCloseAsync(destination).ConfigureAwait(false);
    }

    private static async Task HalfCloseAsync(Stream stream)
    {
        switch (stream)
        {
            case PrefixedStream prefixed:
                await HalfCloseAsync(prefixed.Inner).ConfigureAwait(false);
                break;
            case SslStream ssl:
                await ssl.ShutdownAsync().ConfigureAwait(false);
                break;
            case NetworkStream network:
                network.Socket.Shutdown(SocketShutdown.Send);
                break;
        }
    }
}
