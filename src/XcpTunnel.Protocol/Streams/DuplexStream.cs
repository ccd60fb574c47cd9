namespace XcpTunnel.Protocol.Streams;

/// <summary>
/// Two one-way streams seen as one connection: reads come from one, writes go to the other, as with a
/// process's standard input and output when a viewer reaches a tunnel through them (an SSH
/// <c>ProxyCommand</c>, inetd, socat <c>EXEC:</c>). <see cref="StreamSplicer"/> half-closes it by
/// <see cref="CompleteWritesAsync"/>, which closes the writing stream so the peer reads EOF.
/// </summary>
public sealed class DuplexStream : Stream
{
    private readonly Stream _reader;
    private readonly Stream _writer;
    private bool _writesCompleted;

    /// <summary>Joins <paramref name="reader"/> and <paramref name="writer"/>; disposing this disposes both.</summary>
    public DuplexStream(Stream reader, Stream writer)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        if (!reader.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(reader));
        }

        if (!writer.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(writer));
        }
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Reads from the reading stream. Pipes and terminals opened as files ignore cancellation while
    /// blocked in a read, so a cancelled read is abandoned rather than awaited: the connection is
    /// ending anyway, and a splice must be able to stop.
    /// </summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = _reader.ReadAsync(buffer, cancellationToken);
        return read.IsCompleted || !cancellationToken.CanBeCanceled
            ? read
            : new ValueTask<int>(read.AsTask().WaitAsync(cancellationToken));
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => _reader.Read(buffer, offset, count);

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _writesCompleted ? throw new IOException("writes to this stream were completed") : _writer.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        if (_writesCompleted)
        {
            throw new IOException("writes to this stream were completed");
        }

        _writer.Write(buffer, offset, count);
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _writesCompleted ? Task.CompletedTask : _writer.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void Flush()
    {
        if (!_writesCompleted)
        {
            _writer.Flush();
        }
    }

    /// <summary>Flushes and closes the writing stream; reading goes on.</summary>
    public async ValueTask CompleteWritesAsync()
    {
        if (_writesCompleted)
        {
            return;
        }

        _writesCompleted = true;
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await CompleteWritesAsync().ConfigureAwait(false);
        await _reader.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writesCompleted = true;
            _writer.Dispose();
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
