namespace XcpTunnel.Protocol.Streams;

/// <summary>How a <see cref="ChunkCopy"/> ended.</summary>
public enum ChunkCopyEnd
{
    /// <summary>The source sent EOF after everything read was delivered.</summary>
    SourceEnded,

    /// <summary>Reading the source threw; the exception is <see cref="ChunkCopyResult.Error"/>.</summary>
    SourceFailed,

    /// <summary>The sink threw; the exception is <see cref="ChunkCopyResult.Error"/>.</summary>
    DeliveryFailed,

    /// <summary>The caller's token was cancelled.</summary>
    Cancelled,
}
