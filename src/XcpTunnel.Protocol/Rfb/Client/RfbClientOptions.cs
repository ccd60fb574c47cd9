namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>How <see cref="RfbClient.ConnectAsync"/> connects and how long it waits.</summary>
public sealed record RfbClientOptions
{
    /// <summary>
    /// The password for VNC Authentication; null offers only security type None. XenServer's vncterm and
    /// qemu use None (docs/xapi-console-protocol.md, "RFB from the consoles").
    /// </summary>
    public RfbPassword? Password { get; init; }

    /// <summary>
    /// The longest the client waits for the server's next bytes. Every read from the stream is bounded by
    /// it, so a silent server cannot hang the caller; it surfaces as a <see cref="TimeoutException"/>.
    /// </summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for <see cref="MessageTimeout"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Told as each handshake stage starts and completes (<see cref="ConnectionStages.RfbVersion"/> to <see cref="ConnectionStages.ServerInit"/>); none when null.</summary>
    public IStageObserver? StageObserver { get; init; }

    /// <summary>Whether disposing the client disposes the stream too. Default false: the caller owns it.</summary>
    public bool OwnsStream { get; init; }
}
