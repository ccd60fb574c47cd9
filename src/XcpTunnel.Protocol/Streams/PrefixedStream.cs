namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// A duplex stream that first returns bytes already read from <paramref name="inner"/> (the RFB
/// bytes that arrived with the CONNECT reply), then reads from it. Writes go straight through.
/// </summary>
/// <remarks>
/// It can also start with a read of <paramref name="inner"/> still in flight (the console's first bytes, waited for
/// a moment and not yet here): the first read waits for it and hands out what it brought. That read is never
/// cancelled (a cancelled TLS read leaves the stream unusable); a caller that gives up waiting gets its
/// cancellation, and the next read waits for the same pending read.
/// </remarks>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    private Task<int>? _pending;
    private byte[]? _pendingBuffer;

    /// <summary>A stream whose first bytes are those <paramref name="pending"/> (a read of <paramref name="inner"/> into <paramref name="buffer"/>) brings.</summary>
    public PrefixedStream(Task<int> pending, byte[] buffer, Stream inner)
        : this(ReadOnlyMemory<byte>.Empty, inner)
    {
        _pending = pending;
        _pendingBuffer = buffer;
        // Observed here, so a stream disposed before anyone reads does not leave an unobserved exception.
        _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public Stream Inner => inner;

    /// <summary>Whether bytes read before (or by a read still landing) are yet to be handed out.</summary>
    public bool HasPrefix => !_prefix.IsEmpty || _pending is not null;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending is not null)
        {
            return ReadPendingAsync(buffer, cancellationToken);
        }

        // Once the prefix is drained every read, zero-byte reads included, goes to the inner stream,
        // so a splice can wait for data without holding a buffer.
        return _prefix.IsEmpty
            ? inner.ReadAsync(buffer, cancellationToken)
            : ValueTask.FromResult(TakePrefix(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_pending is not null)
        {
            Land(_pending.GetAwaiter().GetResult());
        }

        return _prefix.IsEmpty ? inner.Read(buffer) : TakePrefix(buffer);
    }

    /// <summary>Sees every byte written, before it goes out (a console connection's input watch); none when null.</summary>
    internal Action<ReadOnlySpan<byte>>? WriteObserver { get; set; }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        WriteObserver?.Invoke(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        WriteObserver?.Invoke(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // A zero-byte read completes when data is there, like the inner stream's: the pending read has landed.
    private async ValueTask<int> ReadPendingAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        Land(await _pending!.WaitAsync(cancellationToken).ConfigureAwait(false));
        return buffer.IsEmpty || _prefix.IsEmpty ? 0 : TakePrefix(buffer.Span);
    }

    private void Land(int read)
    {
        _prefix = _pendingBuffer.AsMemory(0, read);
        _pending = null;
        _pendingBuffer = null;
    }

    private int TakePrefix(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(destination);
        _prefix = _prefix[n..];
        return n;
    }
}
