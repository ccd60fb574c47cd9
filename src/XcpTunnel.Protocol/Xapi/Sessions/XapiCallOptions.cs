using XcpTunnel.Protocol.Xapi.Rpc;

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

    /// <summary>
    /// Which parts of the result to keep, read as the reply streams in (docs/xapi-console-protocol.md, "Events"); null
    /// keeps all of it and bounds the reply at <see cref="XapiRpcClient.MaxReplyBytes"/>.
    /// </summary>
    public XapiResultShape? Result { get; init; }
}
