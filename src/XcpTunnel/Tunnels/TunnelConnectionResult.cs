namespace XcpTunnel.Tunnels;

/// <summary>How one viewer connection ended, for logs, metrics, <c>/tunnels</c> and <c>connect --once</c>.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Spliced">The handshake went through and bytes were spliced: the tunnel worked, however it ended.</param>
internal readonly record struct TunnelConnectionResult(TunnelOutcome Outcome, bool Spliced);
