using System.Buffers;

namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// The copy loop of one direction of a tunnel: reads a source and hands what it reads to an <see cref="IChunkSink"/>,
/// chunk by chunk, until EOF, a failure or cancellation. The plain splice (<see cref="StreamSplicer"/>) runs one per
/// direction; the daemon's holding relay runs one per direction with sinks that follow the RFB messages on the way.
/// </summary>
/// <remarks>
/// <para>
/// It waits for data with a zero-byte read before it rents a buffer, so an idle direction holds none: VNC consoles
/// and viewers are idle most of the time. While reads keep filling the buffer, or each bring a full TLS record (a
/// bulk transfer), it keeps the buffer and reads on without that wait, which costs a system call per chunk; any other
/// read gives the buffer back before the next wait. (A burst whose last read is exactly a full buffer or a full record
/// keeps the buffer until the next byte or the end.)
/// </para>
/// <para>
/// A TLS stream hands over one record per read (16 KiB of plaintext in a bulk transfer, whatever the buffer). The
/// records already received are read on into the rest of the buffer and delivered as one chunk, so the sink writes
/// once instead of once per record. A read that does not complete at once is left filling the buffer after what is
/// delivered meanwhile, and is delivered next.
/// </para>
/// </remarks>
public static class ChunkCopy
{
    /// <summary>A read of exactly this much also means data is flowing: a full TLS record.</summary>
    private const int FlowingReadBytes = 16 * 1024;

    /// <summary>Copies <paramref name="source"/> to <paramref name="sink"/> until it ends; never throws for I/O.</summary>
    /// <typeparam name="TSink">The sink; a struct, so the delivery call is direct (see <see cref="IChunkSink"/>).</typeparam>
    /// <param name="source">The stream to read.</param>
    /// <param name="sink">Takes each chunk; the next read waits until it has.</param>
    /// <param name="bufferSize">The most one read takes; the pooled buffer's size while data is moving.</param>
    /// <param name="cancellationToken">Ends the copy with <see cref="ChunkCopyEnd.Cancelled"/>.</param>
    /// <returns>
    /// How it ended and the bytes delivered. Whatever the source or the sink throws ends the copy and comes back in
    /// <see cref="ChunkCopyResult.Error"/>, blamed on the one that threw. The source is not disposed.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> is less than 1.</exception>
    public static async Task<ChunkCopyResult> CopyAsync<TSink>(Stream source, TSink sink, int bufferSize, CancellationToken cancellationToken)
        where TSink : IChunkSink
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);

        // The gathering reads' own token: a read still filling the buffer when a delivery fails is cancelled here,
        // before it is awaited. The caller's token cannot do it: its owner learns of the failure only when this returns.
        // Made at the first gathering, so an idle or interactive direction never holds one.
        CancellationTokenSource? gathering = null;
        long delivered = 0;
        bool delivering = false;
        byte[]? buffer = null;
        Task<int>? pending = null;
        try
        {
            while (true)
            {
                delivering = false;
                if (buffer is null)
                {
                    await source.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                }

                int read = await source.ReadAsync(buffer.AsMemory(0, bufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new ChunkCopyResult(ChunkCopyEnd.SourceEnded, delivered, null);
                }

                int filled = read;
                bool ended = false;
                if (read == FlowingReadBytes && bufferSize - read >= FlowingReadBytes)
                {
                    gathering ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    (filled, read, ended, pending) = await GatherRecordsAsync(source, buffer, read, bufferSize, gathering.Token).ConfigureAwait(false);
                }

                delivering = true;
                await sink.DeliverAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                delivered += filled;
                if (ended)
                {
                    return new ChunkCopyResult(ChunkCopyEnd.SourceEnded, delivered, null);
                }

                if (pending is not null)
                {
                    // Still reading into the space after what was just delivered; the buffer stays ours until it lands.
                    delivering = false;
                    read = await pending.ConfigureAwait(false);
                    pending = null;
                    if (read == 0)
                    {
                        return new ChunkCopyResult(ChunkCopyEnd.SourceEnded, delivered, null);
                    }

                    delivering = true;
                    await sink.DeliverAsync(buffer.AsMemory(filled, read), cancellationToken).ConfigureAwait(false);
                    delivered += read;
                }

                if (read != bufferSize && read != FlowingReadBytes)
                {
                    // The source ran dry: give the buffer back before waiting.
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ChunkCopyResult(ChunkCopyEnd.Cancelled, delivered, null);
        }
#pragma warning disable CA1031 // Whatever a stream or the sink throws is a result of the copy (the contract above).
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new ChunkCopyResult(delivering ? ChunkCopyEnd.DeliveryFailed : ChunkCopyEnd.SourceFailed, delivered, e);
        }
        finally
        {
            if (pending is not null)
            {
                // A delivery failed while a read was still filling the buffer: stop that read, and wait for it to end,
                // since the buffer must not go back to the pool while it can still be written to.
                await gathering!.CancelAsync().ConfigureAwait(false);
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            gathering?.Dispose();
        }
    }

    /// <summary>
    /// After a first read of a full record into the start of <paramref name="buffer"/>, reads on into the rest of its
    /// first <paramref name="size"/> bytes while each read is a full record and the next completes at once.
    /// </summary>
    /// <returns>
    /// The bytes now in the buffer; the last read's size; whether the source ended (EOF after them); and a read that did
    /// not complete at once, still filling the buffer after <c>Filled</c>.
    /// </returns>
    private static async ValueTask<(int Filled, int LastRead, bool Ended, Task<int>? Pending)> GatherRecordsAsync(
        Stream source, byte[] buffer, int read, int size, CancellationToken cancellationToken)
    {
        int filled = read;
        while (read == FlowingReadBytes && size - filled >= FlowingReadBytes)
        {
            ValueTask<int> next = source.ReadAsync(buffer.AsMemory(filled, size - filled), cancellationToken);
            if (!next.IsCompleted)
            {
                return (filled, read, false, next.AsTask());
            }

            read = await next.ConfigureAwait(false);
            if (read == 0)
            {
                return (filled, read, true, null);
            }

            filled += read;
        }

        return (filled, read, false, null);
    }
}
