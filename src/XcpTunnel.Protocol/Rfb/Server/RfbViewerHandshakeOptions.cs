namespace XcpTunnel.Protocol.Rfb.Server;

/// <summary>Deadlines and clock of an <see cref="RfbViewerHandshake"/>.</summary>
public sealed record RfbViewerHandshakeOptions
{
    /// <summary>
    /// How long the viewer has for each message a program sends without asking anyone: its ProtocolVersion, its
    /// choice of security type, VeNCrypt's steps, ClientInit. A viewer that sends nothing is closed after this.
    /// </summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the viewer has to answer the VNC Authentication challenge: viewers ask their user for the password
    /// only once the challenge has arrived, so a person's typing is inside this deadline.
    /// </summary>
    public TimeSpan PasswordTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a wrong password waits before it is told: guessing costs the guesser time, one connection at a
    /// time, as every VNC server does it.
    /// </summary>
    public TimeSpan FailedPasswordDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock of every deadline and delay.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
