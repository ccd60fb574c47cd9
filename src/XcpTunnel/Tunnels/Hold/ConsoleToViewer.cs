using System.Buffers;
using XcpTunnel.Protocol.Rfb.Relay;

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
/// before renting, one write per read), and followed on the way by the console's <see cref="RfbServerMessageTracker"/>
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

                console.Updates.Advance(buffer.AsSpan(0, read));
                writing = true;
                await viewer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
                carried(read);

                // A full buffer means a bulk transfer: keep it and read on; otherwise give it back before waiting.
                if (read != BufferBytes)
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
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
