namespace XcpTunnel.Protocol.Streams;

/// <summary>How a <see cref="ChunkCopy"/> ended, and what it delivered.</summary>
/// <param name="End">Why it ended.</param>
/// <param name="Delivered">The bytes whose delivery completed.</param>
/// <param name="Error">What the source or the sink threw; <see langword="null"/> at EOF or cancellation.</param>
public readonly record struct ChunkCopyResult(ChunkCopyEnd End, long Delivered, Exception? Error);
