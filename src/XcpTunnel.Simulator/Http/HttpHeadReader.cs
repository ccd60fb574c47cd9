namespace XcpTunnel.Simulator.Http;

/// <summary>How a head read ended.</summary>
internal enum HeadReadStatus
{
    /// <summary>A complete head was read.</summary>
    Ok,

    /// <summary>The peer closed before sending a byte of the next request.</summary>
    EndOfStream,

    /// <summary>The head was not complete within the header timeout (xapi: 408).</summary>
    Timeout,

    /// <summary>No blank line within <see cref="HttpHeadReader.MaxHeaderBytes"/> (xapi: 431).</summary>
    TooLarge,

    /// <summary>The head could not be parsed, or the peer closed mid-head (xapi: 500).</summary>
    Malformed,
}

/// <summary>
/// Reads request heads and bodies from one connection. Bytes read past a head stay buffered: they are the next
/// request's, the body's, or (after CONNECT) the first RFB bytes of the tunnel.
/// </summary>
internal sealed class HttpHeadReader(Stream stream)
{
    /// <summary>xapi's header block limit on TCP, request line and blank line included.</summary>
    public const int MaxHeaderBytes = 1024;

    private readonly byte[] _buffer = new byte[MaxHeaderBytes];
    private int _start;
    private int _end;

    /// <summary>
    /// Reads one head. With <paramref name="waitIdle"/> the timeout starts at the first byte (an idle keep-alive
    /// connection may wait for its next request indefinitely, as in xapi); otherwise it starts now.
    /// </summary>
    public async Task<(HeadReadStatus Status, HttpRequestHead? Head)> ReadHeadAsync(
        TimeSpan timeout, TimeProvider timeProvider, bool waitIdle, CancellationToken cancellationToken)
    {
        Compact();
        if (waitIdle && _end == 0)
        {
            int n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return (HeadReadStatus.EndOfStream, null);
            }

            _end += n;
        }

        using var timeoutCts = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            while (true)
            {
                int headLength = FindHeadEnd(_buffer.AsSpan(0, _end));
                if (headLength > 0)
                {
                    HttpRequestHead? head = HttpRequestHead.TryParse(_buffer.AsSpan(0, headLength));
                    _start = headLength;
                    return head is null ? (HeadReadStatus.Malformed, null) : (HeadReadStatus.Ok, head);
                }

                if (_end == _buffer.Length)
                {
                    return (HeadReadStatus.TooLarge, null);
                }

                int n = await stream.ReadAsync(_buffer.AsMemory(_end), linked.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return (_end == 0 ? HeadReadStatus.EndOfStream : HeadReadStatus.Malformed, null);
                }

                _end += n;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (HeadReadStatus.Timeout, null);
        }
    }

    /// <summary>Reads a body of <paramref name="length"/> bytes, starting with whatever is buffered.</summary>
    public async Task<byte[]> ReadBodyAsync(int length, CancellationToken cancellationToken)
    {
        byte[] body = new byte[length];
        int buffered = Math.Min(length, _end - _start);
        _buffer.AsSpan(_start, buffered).CopyTo(body);
        _start += buffered;
        await stream.ReadExactlyAsync(body.AsMemory(buffered), cancellationToken).ConfigureAwait(false);
        return body;
    }

    /// <summary>Hands over the bytes read past the last head (the start of the tunnelled stream).</summary>
    public byte[] TakeBuffered()
    {
        byte[] rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end = 0;
        return rest;
    }

    /// <summary>Length of the head including its terminating blank line (CRLF CRLF, or bare LF LF as xapi accepts), or 0.</summary>
    internal static int FindHeadEnd(ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != (byte)'\n')
            {
                continue;
            }

            if (i + 1 < data.Length && data[i + 1] == (byte)'\n')
            {
                return i + 2;
            }

            if (i + 2 < data.Length && data[i + 1] == (byte)'\r' && data[i + 2] == (byte)'\n')
            {
                return i + 3;
            }
        }

        return 0;
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
    }
}
