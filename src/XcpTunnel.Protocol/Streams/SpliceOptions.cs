namespace XcpTunnel.Protocol.Streams;

/// <summary>Settings for <see cref="StreamSplicer.SpliceAsync"/>. Immutable, so one instance can serve every tunnel.</summary>
public sealed record SpliceOptions
{
    /// <summary>The default <see cref="BufferSize"/>: 16 KiB, a TLS record's worth.</summary>
    public const int DefaultBufferSize = 16 * 1024;

    // ITimer's limit (uint.MaxValue - 1 milliseconds, about 49.7 days).
    private static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// How long the splice may carry no byte in either direction before it is ended with
    /// <see cref="SpliceOutcome.IdleTimeout"/>; <see langword="null"/> (the default) turns idle detection off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or longer than a timer can wait.</exception>
    public TimeSpan? IdleTimeout
    {
        get;
        init
        {
            if (value is { } timeout)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(IdleTimeout));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, MaxIdleTimeout, nameof(IdleTimeout));
            }

            field = value;
        }
    }

    /// <summary>
    /// How long the other direction may go on after one side sent EOF, before the splice ends as that side's close;
    /// <see langword="null"/> (the default) waits for both directions however long.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or longer than a timer can wait.</exception>
    public TimeSpan? HalfCloseTimeout
    {
        get;
        init
        {
            if (value is { } timeout)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(HalfCloseTimeout));
                ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, MaxIdleTimeout, nameof(HalfCloseTimeout));
            }

            field = value;
        }
    }

    /// <summary>The clock behind <see cref="IdleTimeout"/> and <see cref="HalfCloseTimeout"/>; tests inject a fake one.</summary>
    public TimeProvider TimeProvider
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    } = TimeProvider.System;

    /// <summary>
    /// The size of the pooled buffer each direction rents while data is moving. Idle directions hold none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int BufferSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(BufferSize));
            field = value;
        }
    } = DefaultBufferSize;

    /// <summary>Live byte counters to add to while the splice runs; <see langword="null"/> for none.</summary>
    public SpliceCounters? Counters { get; init; }
}
