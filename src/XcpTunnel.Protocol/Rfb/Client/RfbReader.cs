using System.Buffers.Binary;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>
/// Buffered reads of server messages with a deadline on every read from the stream. Decoders read many
/// small fields (Hextile, ZRLE runs); the buffer makes those synchronous, and TCP may split anything
/// anywhere, so nothing assumes that one read is one message.
/// </summary>
internal sealed class RfbReader
{
    internal const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    internal RfbReader(Stream stream, TimeSpan timeout, TimeProvider timeProvider)
    {
        _stream = stream;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    private int Buffered => _end - _start;

    /// <summary>A read-only stream view of this reader for the handshake parsers in <c>Rfb/</c>; <paramref name="what"/> names the stage in timeouts.</summary>
    internal Stream AsStream(string what) => new ReaderStream(this, what);

    internal ValueTask<byte> ReadU8Async(string what, CancellationToken cancellationToken)
    {
        if (Buffered >= 1)
        {
            return new ValueTask<byte>(_buffer[_start++]);
        }

        return Slow();

        async ValueTask<byte> Slow()
        {
            await EnsureAsync(1, what, cancellationToken).ConfigureAwait(false);
            return _buffer[_start++];
        }
    }

    internal async ValueTask<ushort> ReadU16Async(string what, CancellationToken cancellationToken)
    {
        await EnsureAsync(sizeof(ushort), what, cancellationToken).ConfigureAwait(false);
        ushort value = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start));
        _start += sizeof(ushort);
        return value;
    }

    internal async ValueTask<uint> ReadU32Async(string what, CancellationToken cancellationToken)
    {
        await EnsureAsync(sizeof(uint), what, cancellationToken).ConfigureAwait(false);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start));
        _start += sizeof(uint);
        return value;
    }

    /// <summary>Reads a little-endian 32-bpp pixel of <see cref="RfbPixelFormat.Rgb888"/> as 0xRRGGBB.</summary>
    internal async ValueTask<uint> ReadPixelAsync(string what, CancellationToken cancellationToken)
    {
        await EnsureAsync(sizeof(uint), what, cancellationToken).ConfigureAwait(false);
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start)) & 0xFFFFFF;
        _start += sizeof(uint);
        return value;
    }

    /// <summary>Fills <paramref name="destination"/> completely.</summary>
    internal async ValueTask ReadExactlyAsync(Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < destination.Length)
        {
            done += await ReadSomeAsync(destination[done..], what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads at least one byte (fewer than asked when that is what has arrived).</summary>
    internal async ValueTask<int> ReadSomeAsync(Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        if (Buffered == 0)
        {
            if (destination.Length >= BufferSize)
            {
                // Large bodies go straight to the caller's memory.
                return await ReadFromStreamAsync(destination, what, cancellationToken).ConfigureAwait(false);
            }

            await EnsureAsync(1, what, cancellationToken).ConfigureAwait(false);
        }

        int count = Math.Min(Buffered, destination.Length);
        _buffer.AsSpan(_start, count).CopyTo(destination.Span);
        _start += count;
        return count;
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes without holding them.</summary>
    internal async ValueTask SkipAsync(long count, string what, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            await EnsureAsync(1, what, cancellationToken).ConfigureAwait(false);
            int drop = (int)Math.Min(Buffered, count);
            _start += drop;
            count -= drop;
        }
    }

    /// <summary>Makes sure <paramref name="count"/> (at most <see cref="BufferSize"/>) bytes are buffered.</summary>
    private async ValueTask EnsureAsync(int count, string what, CancellationToken cancellationToken)
    {
        if (Buffered >= count)
        {
            return;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, Buffered).CopyTo(_buffer);
            _end = Buffered;
            _start = 0;
        }

        while (_end < count)
        {
            _end += await ReadFromStreamAsync(_buffer.AsMemory(_end), what, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<int> ReadFromStreamAsync(Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        int read;
        try
        {
            read = await _stream.ReadAsync(destination, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the RFB server sent nothing for {_timeout.TotalSeconds:0.###} s during {what}");
        }

        if (read == 0)
        {
            throw new RfbProtocolException($"connection closed during {what}");
        }

        return read;
    }

    private sealed class ReaderStream(RfbReader reader, string what) : ReadOnlyStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            reader.ReadSomeAsync(buffer, what, cancellationToken);
    }
}
