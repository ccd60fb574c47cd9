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
    /// Each direction is a <see cref="ChunkCopy"/>: an idle tunnel holds no buffer, a bulk transfer keeps
    /// its buffer, and the TLS records already received go out in one write. Every write is flushed.
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
        var delivery = new Delivery(destination, from, session, options.Counters);
        ChunkCopyResult copy = await ChunkCopy.CopyAsync(source, delivery, options.BufferSize, session.Token).ConfigureAwait(false);
        switch (copy.End)
        {
            case ChunkCopyEnd.SourceEnded:
                session.Closed(from);
                try
                {
                    await StreamHalfClose.ShutdownWritesAsync(destination).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Whatever a stream throws is a result of the splice (SpliceAsync's contract), blamed on its side.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    session.Failed(to, e);
                }

                break;
            case ChunkCopyEnd.SourceFailed:
                session.Failed(from, copy.Error!);
                break;
            case ChunkCopyEnd.DeliveryFailed:
                session.Failed(to, copy.Error!);
                break;
        }

        return copy.Delivered;
    }

    /// <summary>Writes and flushes each chunk, then counts it as carried; reading and writing both keep the splice from idling.</summary>
    private readonly struct Delivery(Stream destination, SpliceSide from, SpliceSession session, SpliceCounters? counters) : IChunkSink
    {
        public ValueTask DeliverAsync(Memory<byte> chunk, CancellationToken cancellationToken)
        {
            session.Touch();
            return WriteAsync(destination, chunk, from, session, counters, cancellationToken);
        }

        private static async ValueTask WriteAsync(
            Stream destination, ReadOnlyMemory<byte> data, SpliceSide from, SpliceSession session, SpliceCounters? counters, CancellationToken cancellationToken)
        {
            await destination.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            session.Touch();
            counters?.Add(from, data.Length);
        }
    }
}
