using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Streams;

/// <summary>
/// The copy loop on its own, where its caller's token is not cancelled for it: the splice's session cancels its token
/// on a failure, but the holding relay learns of one only when the loop returns.
/// </summary>
public sealed class ChunkCopyTests
{
    private const int Record = 16 * 1024;

    [Fact]
    public async Task DeliveryFailsWhileAReadIsPending_ThatReadIsCancelled_AndTheCopyReturns()
    {
        // One full TLS record, then silence: the loop reads on for more records into the same buffer, and that read is
        // pending when the delivery of the first fails.
        var source = new OneRecordThenSilence();

        var result = await ChunkCopy.CopyAsync(source, new FailingSink(), 4 * Record, CancellationToken.None).Bounded();

        Assert.Equal(ChunkCopyEnd.DeliveryFailed, result.End);
        Assert.IsType<IOException>(result.Error);
        Assert.Equal(0, result.Delivered);
        // Ended by the loop itself, and before the buffer it was filling went back to the pool.
        Assert.True(source.PendingReadCancelled);
    }

    private readonly struct FailingSink : IChunkSink
    {
        public ValueTask DeliverAsync(Memory<byte> chunk, CancellationToken cancellationToken) =>
            ValueTask.FromException(new IOException("Broken pipe"));
    }

    private sealed class OneRecordThenSilence : ReadOnlyStream
    {
        private bool _sent;

        public bool PendingReadCancelled { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = !buffer.IsEmpty;
                return Math.Min(buffer.Length, Record);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }
            catch (OperationCanceledException)
            {
                PendingReadCancelled = true;
                throw;
            }
        }
    }
}
