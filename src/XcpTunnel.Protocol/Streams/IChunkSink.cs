namespace XcpTunnel.Protocol.Streams;

/// <summary>Where <see cref="ChunkCopy"/> hands the chunks it reads: what the caller of the copy loop does with each.</summary>
/// <remarks>
/// Implement it on a small struct: <see cref="ChunkCopy.CopyAsync{TSink}"/> is then compiled for that struct, and the
/// call to <see cref="DeliverAsync"/> is a direct call on the hot path instead of an interface or delegate call.
/// </remarks>
public interface IChunkSink
{
    /// <summary>
    /// Delivers one chunk, in the order read: typically writes and flushes it. The chunk's memory is the copy's buffer,
    /// valid until the returned task completes; the sink may change its bytes.
    /// </summary>
    /// <param name="chunk">The bytes read, never empty.</param>
    /// <param name="cancellationToken">The copy's token.</param>
    /// <returns>Completes when the chunk is delivered; a fault ends the copy with <see cref="ChunkCopyEnd.DeliveryFailed"/>.</returns>
    ValueTask DeliverAsync(Memory<byte> chunk, CancellationToken cancellationToken);
}
