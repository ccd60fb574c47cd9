using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// Joins a viewer's connection to a console's: bytes are copied both ways until both directions have
/// ended, the tunnel goes idle, the caller cancels, or one side fails.
/// </summary>
public static class StreamSplicer
{
    /// <summary>
    /// Copies <paramref name="viewer"/> to <paramref name="console"/> and back until the splice ends, and
    /// says how it ended.
    /// </summary>
    /// <remarks>
    /// <para>
    /// When one side sends EOF, the other side's write direction is half-closed (a
    /// <see cref="NetworkStream"/>'s socket is shut down for sending; an <see cref="SslStream"/> sends
    /// close_notify; a <see cref="DuplexStream"/> closes its writing stream; a stream wrapping the console's
    /// bytes passes it on to its inner stream; other streams are left as they are) and the other direction is
    /// copied until it ends too.
    /// </para>
    /// <para>
    /// Each direction waits for data with a zero-byte read before it rents a buffer, so an idle tunnel
    /// holds no buffer. While reads keep filling the buffer (a bulk transfer) it reads on without that wait;
    /// any other read gives the buffer back. (A burst whose last read is exactly a full buffer, or a full 16 KiB
    /// TLS record, keeps the buffer until the next byte or the end.) Every write is flushed.
    /// </para>
    /// <para>
    /// I/O errors are results, not exceptions: a failure on either side stops both directions and comes
    /// back as <see cref="SpliceOutcome.ViewerFailed"/> or <see cref="SpliceOutcome.ConsoleFailed"/> with
    /// the first failure in <see cref="SpliceResult.Error"/>; cancellation comes back as
    /// <see cref="SpliceOutcome.Cancelled"/>. Stopping relies on the streams honouring cancellation, as
    /// sockets and TLS streams do.
    /// </para>
    /// <para>
    /// The splice does not dispose either stream: the caller owns them and disposes them afterwards.
    /// </para>
    /// </remarks>
    /// <param name="viewer">The viewer's connection; readable and writable.</param>
    /// <param name="console">The console's connection; readable and writable.</param>
    /// <param name="options">Buffer size, idle timeout and its clock, live counters.</param>
    /// <param name="cancellationToken">Ends the splice with <see cref="SpliceOutcome.Cancelled"/>.</param>
    /// <returns>The bytes carried each way and who ended the splice.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A stream cannot both read and write.</exception>
    public static async Task<SpliceResult> SpliceAsync(Stream viewer, Stream console, SpliceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(options);
        RequireDuplex(viewer, nameof(viewer));
        RequireDuplex(console, nameof(console));

        // A failure, the idle timer or the caller's token stop both loops through the session's token; the
        // loops return values instead of throwing, so both can simply be awaited to the end.
        var session = new SpliceSession(options, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            Task<long> viewerToConsole = CopyAsync(viewer, console, SpliceSide.Viewer, session, options);
            Task<long> consoleToViewer = CopyAsync(console, viewer, SpliceSide.Console, session, options);
            await Task.WhenAll(viewerToConsole, consoleToViewer).ConfigureAwait(false);
            return session.Finish(await viewerToConsole.ConfigureAwait(false), await consoleToViewer.ConfigureAwait(false));
        }
    }

    private static void RequireDuplex(Stream stream, string parameterName)
    {
        if (!stream.CanRead || !stream.CanWrite)
        {
            throw new ArgumentException("The stream must be readable and writable.", parameterName);
        }
    }

    /// <summary>One direction: returns the bytes written to <paramref name="destination"/>; never throws.</summary>
    private static async Task<long> CopyAsync(Stream source, Stream destination, SpliceSide from, SpliceSession session, SpliceOptions options)
    {
        SpliceSide to = from == SpliceSide.Viewer ? SpliceSide.Console : SpliceSide.Viewer;
        CancellationToken cancellationToken = session.Token;
        int bufferSize = options.BufferSize;
        long copied = 0;

        // Which side an exception is blamed on: the source while reading, the destination while writing.
        SpliceSide blame = from;
        byte[]? buffer = null;
        Task<int>? pending = null;
        try
        {
            while (true)
            {
                blame = from;
                if (buffer is null)
                {
                    // Wait for data before renting: VNC consoles are idle most of the time.
                    await source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                }

                int read = await source.ReadAsync(buffer.AsMemory(0, bufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                session.Touch();
                // One write for the TLS records already here (RecordGathering).
                (int filled, read, bool ended, pending) = await RecordGathering.ReadOnAsync(source, buffer, read, bufferSize, cancellationToken).ConfigureAwait(false);

                blame = to;
                await WriteAsync(destination, buffer.AsMemory(0, filled), from, session, options, cancellationToken).ConfigureAwait(false);
                copied += filled;
                if (ended)
                {
                    break;
                }

                if (pending is not null)
                {
                    // Still reading into the space after what was just written; the buffer stays ours until it lands.
                    blame = from;
                    read = await pending.ConfigureAwait(false);
                    pending = null;
                    if (read == 0)
                    {
                        break;
                    }

                    blame = to;
                    await WriteAsync(destination, buffer.AsMemory(filled, read), from, session, options, cancellationToken).ConfigureAwait(false);
                    copied += read;
                }

                // A full buffer (or a full TLS record) means a bulk transfer: more is very likely there already,
                // so read on with the same buffer and skip the zero-byte wait, which costs a system call per
                // chunk. Anything else means the source ran dry: give the buffer back before waiting.
                if (read != bufferSize && read != RecordGathering.FlowingReadBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }

            session.Closed(from);
            blame = to;
            await StreamHalfClose.ShutdownWritesAsync(destination).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever a stream throws is a result of the splice (SpliceAsync's contract), blamed on its side.
        catch (Exception e)
#pragma warning restore CA1031
        {
            session.Failed(blame, e);
        }
        finally
        {
            if (pending is not null)
            {
                // A read may still be filling the buffer (the write failed meanwhile): the session's token is
                // cancelled by now, so it ends soon; the buffer must not go back to the pool before it does.
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return copied;
    }

    /// <summary>Writes and flushes one chunk, then counts it as carried.</summary>
    private static async ValueTask WriteAsync(
        Stream destination, ReadOnlyMemory<byte> data, SpliceSide from, SpliceSession session, SpliceOptions options, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        session.Touch();
        options.Counters?.Add(from, data.Length);
    }
}
