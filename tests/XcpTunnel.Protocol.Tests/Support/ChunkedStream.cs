namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// A read-only stream that hands out pre-set byte segments, at most one segment per read, the way TCP
/// and TLS deliver a message in pieces: a parser tested over every split of a message cannot assume
/// that one read is one message. After the last segment every read returns 0 (end of stream).
/// Reads complete synchronously. Empty segments are skipped (a read of 0 bytes would mean EOF).
/// </summary>
public sealed class ChunkedStream : Stream
{
    private readonly ReadOnlyMemory<byte>[] _segments;
    private int _segment;
    private int _offsetInSegment;

    /// <summary>Creates the stream over byte-array segments, delivered in order.</summary>
    public ChunkedStream(params byte[][] segments)
        : this(segments.Select(segment => (ReadOnlyMemory<byte>)segment))
    {
    }

    /// <summary>Creates the stream over memory segments, delivered in order.</summary>
    public ChunkedStream(IEnumerable<ReadOnlyMemory<byte>> segments)
    {
        _segments = segments.Where(segment => !segment.IsEmpty).ToArray();
    }

    /// <summary>How many bytes readers have taken so far: shows whether a parser read past its message.</summary>
    public long BytesRead { get; private set; }

    /// <summary>How many reads returned data.</summary>
    public int ReadCount { get; private set; }

    /// <summary>Whether every segment has been read.</summary>
    public bool IsAtEnd => _segment == _segments.Length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// The ways to deliver <paramref name="message"/>: whole, then split in two at every point, then
    /// (when <paramref name="oneByteAtATime"/>) one byte per read. Each item is the segment list for
    /// <see cref="ChunkedStream(byte[][])"/>.
    /// </summary>
    public static IEnumerable<byte[][]> Splits(byte[] message, bool oneByteAtATime = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        yield return [message];
        for (int split = 1; split < message.Length; split++)
        {
            yield return [message[..split], message[split..]];
        }

        if (oneByteAtATime && message.Length > 2)
        {
            yield return message.Select(b => new[] { b }).ToArray();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || IsAtEnd)
        {
            return 0;
        }

        ReadOnlySpan<byte> rest = _segments[_segment].Span[_offsetInSegment..];
        int count = Math.Min(rest.Length, buffer.Length);
        rest[..count].CopyTo(buffer);
        _offsetInSegment += count;
        if (_offsetInSegment == _segments[_segment].Length)
        {
            _segment++;
            _offsetInSegment = 0;
        }

        BytesRead += count;
        ReadCount++;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<int>(cancellationToken)
            : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
