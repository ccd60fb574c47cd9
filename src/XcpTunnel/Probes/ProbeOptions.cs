namespace XcpTunnel.Probes;

/// <summary>How long a probe may take and when its duration becomes a warning or critical.</summary>
internal sealed record ProbeOptions
{
    public static readonly TimeSpan DefaultWarning = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultCritical = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A total above this is WARNING.</summary>
    public TimeSpan Warning { get; init; } = DefaultWarning;

    /// <summary>A total above this is CRITICAL.</summary>
    public TimeSpan Critical { get; init; } = DefaultCritical;

    /// <summary>The whole probe's deadline; reaching it is CRITICAL, naming the stage it was in.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The clock for the deadline and the stage timings.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
