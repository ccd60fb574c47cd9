using System.Buffers;
using XcpTunnel.Protocol.Rfb.Relay;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>How one console's turn in a holding relay ended.</summary>
internal enum ConsoleEnd
{
    /// <summary>The console closed or failed: the VM may be rebooting or migrating.</summary>
    ConsoleGone,

    /// <summary>Writing to the viewer failed.</summary>
    ViewerFailed,

    /// <summary>The relay was stopped: the viewer left, the idle timeout, or shutdown.</summary>
    Stopped,
}

/// <summary>
/// The console-to-viewer direction for one console: bytes are copied as the plain splice copies them (a zero-byte read
/// before renting, the TLS records already here gathered into one write), and followed on the way by the console's <see cref="RfbServerMessageTracker"/>
/// from the same buffer, so the relay knows at any moment whether the viewer stands between two messages.
/// </summary>
internal static class ConsoleToViewer
{
    private const int BufferBytes = 64 * 1024;

    public static async Task<(ConsoleEnd End, Exception? Error)> CopyAsync(
        ConsoleLeg console, Stream viewer, Action<int> carried, CancellationToken cancellationToken)
    {
        Stream source = console.Connection.Stream;
        byte[]? buffer = null;
        Task<int>? pending = null;
        bool writing = false;
        try
        {
            while (true)
            {
                writing = false;
                if (buffer is null)
                {
                    await source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
                }

                int read = await source.ReadAsync(buffer.AsMemory(0, BufferBytes), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (ConsoleEnd.ConsoleGone, null);
                }

                // One write for the TLS records already here, as the plain splice does (RecordGathering).
                (int filled, read, bool ended, pending) = await RecordGathering.ReadOnAsync(source, buffer, read, BufferBytes, cancellationToken).ConfigureAwait(false);
                writing = true;
                await RelayAsync(console, viewer, buffer.AsMemory(0, filled), carried, cancellationToken).ConfigureAwait(false);
                if (ended)
                {
                    return (ConsoleEnd.ConsoleGone, null);
                }

                if (pending is not null)
                {
                    // Still reading into the space after what was just written; the buffer stays ours until it lands.
                    writing = false;
                    read = await pending.ConfigureAwait(false);
                    pending = null;
                    if (read == 0)
                    {
                        return (ConsoleEnd.ConsoleGone, null);
                    }

                    writing = true;
                    await RelayAsync(console, viewer, buffer.AsMemory(filled, read), carried, cancellationToken).ConfigureAwait(false);
                }

                // A full buffer or a full TLS record means a bulk transfer: keep it and read on; otherwise give it back before waiting.
                if (read != BufferBytes && read != RecordGathering.FlowingReadBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (ConsoleEnd.Stopped, null);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            return (writing ? ConsoleEnd.ViewerFailed : ConsoleEnd.ConsoleGone, ex);
        }
        finally
        {
            if (pending is not null)
            {
                // A read may still be filling the buffer (the write failed meanwhile): the relay's token is cancelled
                // by now, so it ends soon; the buffer must not go back to the pool before it does.
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Follows <paramref name="data"/> with the console's tracker (which may set Tight's reset bits in it), then writes it to the viewer.</summary>
    private static async ValueTask RelayAsync(ConsoleLeg console, Stream viewer, Memory<byte> data, Action<int> carried, CancellationToken cancellationToken)
    {
        console.Updates.Advance(data.Span);
        await viewer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        carried(data.Length);
    }
}
