namespace XcpTunnel.Protocol.Consoles;

/// <summary>How a <see cref="ConsoleCache"/> follows its pool.</summary>
public sealed record ConsoleCacheOptions
{
    /// <summary>
    /// How long one <c>event.from</c> waits for changes before answering empty. Kept under the pool's
    /// <see cref="Xapi.Sessions.XapiPoolOptions.CallTimeout"/>, which bounds every call.
    /// </summary>
    public TimeSpan EventTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait before reloading after the pool could not be reached; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between reload attempts while the pool cannot be reached.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
