using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Rfb.Relay;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>
/// One console a holding relay is attached to: its connection and the tracker of what it sends the viewer. Writes
/// from the viewer pump that fail are dropped: a console that went away is noticed on its reading side.
/// </summary>
internal sealed class ConsoleLeg(ConsoleConnection connection, RfbServerMessageTracker updates) : IAsyncDisposable
{
    private volatile bool _dead;

    public ConsoleConnection Connection => connection;

    public RfbServerMessageTracker Updates => updates;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_dead)
        {
            return;
        }

        try
        {
            await connection.Stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await connection.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
            _dead = true;
        }
    }

    /// <summary>
    /// The viewer sent EOF: the console reads EOF too, as the plain splice tells it, and may finish what it is sending.
    /// Best effort: a console that is already gone is noticed on its reading side.
    /// </summary>
    public async ValueTask CloseWritesAsync()
    {
        try
        {
            await StreamHalfClose.ShutdownWritesAsync(connection.Stream).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            _dead = true;
        }
    }

    /// <summary>The viewer's SetPixelFormat reached this console: its next updates are in that format.</summary>
    public void PixelFormatSent(RfbPixelFormat format) => updates.PixelFormatSent(format);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
