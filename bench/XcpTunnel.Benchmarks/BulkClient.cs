using System.Buffers.Binary;
using System.Diagnostics;

namespace XcpTunnel.Benchmarks;

/// <summary>The viewer side of <see cref="BulkProtocol"/> over whichever path opened the stream.</summary>
internal sealed class BulkClient(Stream stream) : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[BulkProtocol.ChunkBytes];
    private readonly byte[] _upload = new byte[BulkProtocol.CutTextHeaderBytes + BulkProtocol.ChunkBytes];

    public Stream Stream { get; } = stream;

    /// <summary>
    /// The viewer's RFB 3.8 handshake with security None, as TigerVNC does it: ProtocolVersion, the type list and
    /// its choice, SecurityResult, ClientInit (shared), ServerInit. Whoever answers (the console itself or the
    /// tunnel), the same bytes cross.
    /// </summary>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 12), cancellationToken);
        await WriteAsync("RFB 003.008\n"u8.ToArray(), cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 2), cancellationToken);
        if (_buffer[0] != 1 || _buffer[1] != 1)
        {
            throw new InvalidDataException($"expected the security types [None], got {_buffer[0]} type(s), first {_buffer[1]}");
        }

        await WriteAsync([1], cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 4), cancellationToken);
        if (BinaryPrimitives.ReadUInt32BigEndian(_buffer) != 0)
        {
            throw new InvalidDataException("the security handshake failed");
        }

        await WriteAsync([1], cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 24), cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(20))), cancellationToken);
    }

    /// <summary>Downloads <paramref name="bytes"/> of pixels (whole FramebufferUpdates) and returns how long it took.</summary>
    public async Task<TimeSpan> DownloadAsync(long bytes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await WriteAsync(BulkProtocol.Command(BulkProtocol.Download, bytes), cancellationToken);
        long total = BulkProtocol.Chunks(bytes) * (BulkProtocol.UpdateHeaderBytes + BulkProtocol.ChunkBytes);
        for (long left = total; left > 0;)
        {
            int read = await Stream.ReadAsync(_buffer.AsMemory(0, (int)Math.Min(left, _buffer.Length)), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"the console stopped after {total - left} of {total} bytes");
            }

            left -= read;
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Uploads <paramref name="bytes"/> as ClientCutText, waits for the console's Bell, and returns how long it took.</summary>
    public async Task<TimeSpan> UploadAsync(long bytes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Stream.WriteAsync(BulkProtocol.Command(BulkProtocol.Upload, bytes), cancellationToken);
        for (long left = bytes; left > 0;)
        {
            // One write per message, as a viewer's clipboard code does.
            int chunk = (int)Math.Min(left, BulkProtocol.ChunkBytes);
            BulkProtocol.CutTextHeader(BulkProtocol.ClientCutText, chunk).CopyTo(_upload, 0);
            await Stream.WriteAsync(_upload.AsMemory(0, BulkProtocol.CutTextHeaderBytes + chunk), cancellationToken);
            left -= chunk;
        }

        await Stream.FlushAsync(cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 1), cancellationToken);
        if (_buffer[0] != BulkProtocol.Bell)
        {
            throw new InvalidDataException($"expected the console's Bell after the upload, got message type {_buffer[0]}");
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Sends <paramref name="count"/> 64-byte ClientCutText messages one at a time, each answered by a 64-byte ServerCutText; returns each round trip.</summary>
    public async Task<TimeSpan[]> EchoAsync(int count, CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(BulkProtocol.Command(BulkProtocol.Echo, count), cancellationToken);
        var message = BulkProtocol.CutTextHeader(BulkProtocol.ClientCutText, BulkProtocol.EchoBytes - BulkProtocol.CutTextHeaderBytes,
            extra: BulkProtocol.EchoBytes - BulkProtocol.CutTextHeaderBytes);
        var answer = _buffer.AsMemory(0, BulkProtocol.EchoBytes);
        var times = new TimeSpan[count];
        for (int i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Stream.WriteAsync(message, cancellationToken);
            await Stream.FlushAsync(cancellationToken);
            await Stream.ReadExactlyAsync(answer, cancellationToken);
            times[i] = Stopwatch.GetElapsedTime(started);
        }

        if (_buffer[0] != BulkProtocol.ServerCutText)
        {
            throw new InvalidDataException($"expected ServerCutText as the echo, got message type {_buffer[0]}");
        }

        return times;
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    private async Task WriteAsync(byte[] message, CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(message, cancellationToken);
        await Stream.FlushAsync(cancellationToken);
    }
}
