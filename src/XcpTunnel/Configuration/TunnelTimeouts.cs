namespace XcpTunnel.Configuration;

/// <summary>Deadlines of the handshake stages and of the drain on stop.</summary>
/// <param name="Connect">TCP connect, to the API and to a console's host.</param>
/// <param name="Tls">TLS handshake.</param>
/// <param name="ConnectReply">From sending <c>CONNECT</c> to its status line and headers.</param>
/// <param name="RfbMessage">Each RFB handshake message, the viewer's and the console's, until the splice starts.</param>
/// <param name="Drain">How long live connections may finish after a stop.</param>
internal sealed record TunnelTimeouts(TimeSpan Connect, TimeSpan Tls, TimeSpan ConnectReply, TimeSpan RfbMessage, TimeSpan Drain)
{
    public static TunnelTimeouts Default { get; } = new(
        TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(30));

    /// <summary>
    /// How long a viewer has to answer the VNC password challenge: viewers ask their user only once it has come,
    /// so this includes a person typing.
    /// </summary>
    public TimeSpan ViewerPassword { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a splice goes on after one side has closed its sending half: VNC has no use for half-open
    /// connections, and a peer that never closes the other half would hold the tunnel forever.
    /// </summary>
    public TimeSpan HalfClose { get; init; } = TimeSpan.FromSeconds(30);
}
