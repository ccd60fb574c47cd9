using System.Net.Security;
using System.Net.Sockets;

namespace XcpTunnel.Simulator.Connect;

/// <summary>
/// A CONNECT tunnel as its console backend sees it: first the bytes that came in behind the request head, then the
/// connection. Every byte the viewer sends is shown to <paramref name="viewerBytes"/> on its way in (xapi 26.1's
/// idle watch); what the backend writes goes straight out. The caller owns and closes the connection.
/// </summary>
internal sealed class TunnelStream(byte[] early, Stream connection, Action<ReadOnlySpan<byte>>? viewerBytes) : Stream
{
    private int _earlyTaken;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = TakeEarly(buffer.Span);
        if (read == 0)
        {
            read = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        viewerBytes?.Invoke(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = TakeEarly(buffer.AsSpan(offset, count));
        if (read == 0)
        {
            read = connection.Read(buffer, offset, count);
        }

        viewerBytes?.Invoke(buffer.AsSpan(offset, read));
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        connection.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        connection.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => connection.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => connection.FlushAsync(cancellationToken);

    public override void Flush() => connection.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends what the console sends (the viewer reads EOF) while the viewer may still send.</summary>
    public async Task CloseSendingAsync()
    {
        switch (connection)
        {
            case SslStream tls:
                await tls.ShutdownAsync().ConfigureAwait(false); // close_notify
                break;
            case NetworkStream plain: // behind a TLS front end
                plain.Socket.Shutdown(SocketShutdown.Send);
                break;
        }
    }

    private int TakeEarly(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, early.Length - _earlyTaken);
        early.AsSpan(_earlyTaken, count).CopyTo(destination);
        _earlyTaken += count;
        return count;
    }
}
