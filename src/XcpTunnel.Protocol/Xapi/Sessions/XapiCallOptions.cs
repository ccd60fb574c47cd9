namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>How one call through <see cref="XapiPoolSession"/> is made.</summary>
internal sealed record XapiCallOptions
{
    public static XapiCallOptions Default { get; } = new();

    /// <summary>
    /// Whether the call may be repeated on another host after a failover. <c>event.from</c> may not: its token
    /// means nothing to a new coordinator, whose event queue starts afresh; the caller loads everything again.
    /// </summary>
    public bool RepeatOnAnotherHost { get; init; } = true;
}
