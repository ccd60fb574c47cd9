using System.Diagnostics;

namespace XcpTunnel.Benchmarks;

/// <summary>The viewer side of <see cref="BulkProtocol"/> over whichever path opened the stream.</summary>
internal sealed class BulkClient(Stream stream) : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[BulkProtocol.ChunkBytes];

    public Stream Stream { get; } = stream;

    /// <summary>Reads the console's RFB 3.3 greeting, answers 3.3, reads the security type.</summary>
    public async Task GreetAsync(CancellationToken cancellationToken)
    {
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 12), cancellationToken);
        await CompleteGreetingAsync(cancellationToken);
    }

    /// <summary>The rest of the greeting once the server's ProtocolVersion has been read.</summary>
    public async Task CompleteGreetingAsync(CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(BulkProtocol.ServerVersion, cancellationToken);
        await Stream.FlushAsync(cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 4), cancellationToken);
    }

    /// <summary>Downloads <paramref name="bytes"/> and returns how long it took.</summary>
    public async Task<TimeSpan> DownloadAsync(long bytes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Stream.WriteAsync(BulkProtocol.Command(BulkProtocol.Download, bytes), cancellationToken);
        await Stream.FlushAsync(cancellationToken);
        for (long left = bytes; left > 0;)
        {
            int read = await Stream.ReadAsync(_buffer.AsMemory(0, (int)Math.Min(left, _buffer.Length)), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"the console stopped after {bytes - left} of {bytes} bytes");
            }

            left -= read;
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Uploads <paramref name="bytes"/>, waits for the console's ack, and returns how long it took.</summary>
    public async Task<TimeSpan> UploadAsync(long bytes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Stream.WriteAsync(BulkProtocol.Command(BulkProtocol.Upload, bytes), cancellationToken);
        for (long left = bytes; left > 0;)
        {
            int chunk = (int)Math.Min(left, _buffer.Length);
            await Stream.WriteAsync(_buffer.AsMemory(0, chunk), cancellationToken);
            left -= chunk;
        }

        await Stream.FlushAsync(cancellationToken);
        await Stream.ReadExactlyAsync(_buffer.AsMemory(0, 1), cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Sends <paramref name="count"/> 64-byte messages one at a time; returns each round trip.</summary>
    public async Task<TimeSpan[]> EchoAsync(int count, CancellationToken cancellationToken)
    {
        await Stream.WriteAsync(BulkProtocol.Command(BulkProtocol.Echo, count), cancellationToken);
        var message = _buffer.AsMemory(0, BulkProtocol.EchoBytes);
        var times = new TimeSpan[count];
        for (int i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Stream.WriteAsync(message, cancellationToken);
            await Stream.FlushAsync(cancellationToken);
            await Stream.ReadExactlyAsync(message, cancellationToken);
            times[i] = Stopwatch.GetElapsedTime(started);
        }

        return times;
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
