using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>A read-only view of a stream that fails once more than a set number of bytes has been read through it.</summary>
internal sealed class BoundedReadStream(Stream inner, long maxBytes, Func<Exception> tooLarge) : ReadOnlyStream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    private int Count(int read)
    {
        _read += read;
        return _read > maxBytes ? throw tooLarge() : read;
    }
}
