using XcpTunnel.Protocol.Rfb.Client;

namespace XcpTunnel.Tunnels.Hold;

/// <summary>What a holding relay needs to know about its tunnel and its viewer.</summary>
/// <param name="Vm">The VM as the tunnel names it, for the status frames.</param>
/// <param name="Hold">How long a viewer is held for its console to come back (the tunnel's <c>HoldSeconds</c>).</param>
/// <param name="Shared">The viewer's ClientInit flag, passed to every new console.</param>
/// <param name="ServerInit">The ServerInit the viewer got: its screen size and, until it asks for another, its pixel format.</param>
/// <param name="RfbMessage">The deadline of each RFB handshake message of a new console.</param>
/// <param name="IdleTimeout">The tunnel's idle timeout; null for none.</param>
/// <param name="HalfClose">
/// After the viewer's EOF, how long the console may go on sending (the splice's <c>HalfCloseSeconds</c>).
/// </param>
internal sealed record HoldSettings(
    string Vm, TimeSpan Hold, bool Shared, RfbServerInit ServerInit, TimeSpan RfbMessage, TimeSpan? IdleTimeout, TimeSpan HalfClose)
{
    /// <summary>How often a held viewer's console is looked for, and its countdown redrawn.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);
}
