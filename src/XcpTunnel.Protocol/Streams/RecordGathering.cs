namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// Gathering TLS records into one write. A TLS stream hands over one record per read (16 KiB of plaintext in a bulk
/// transfer, whatever the buffer); while the next records are already here their reads complete at once, so a copy
/// loop reads them into the rest of its buffer and writes them with one call instead of one per record.
/// </summary>
public static class RecordGathering
{
    /// <summary>A read of exactly this much also means data is flowing: a full TLS record.</summary>
    public const int FlowingReadBytes = 16 * 1024;

    /// <summary>
    /// After a first read of <paramref name="read"/> bytes into the start of <paramref name="buffer"/>, reads on into
    /// the rest of its first <paramref name="size"/> bytes while each read is a full record and the next completes at once.
    /// </summary>
    /// <returns>
    /// The bytes now in the buffer; the last read's size; whether the source ended (EOF after them); and a read that
    /// did not complete at once, still filling the buffer after <c>Filled</c>: the caller writes what it has, then
    /// awaits it, and must not give the buffer back before it completes.
    /// </returns>
    public static async ValueTask<(int Filled, int LastRead, bool Ended, Task<int>? Pending)> ReadOnAsync(
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
