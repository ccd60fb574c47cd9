namespace XcpTunnel.Tunnels;

/// <summary>How one viewer connection ended.</summary>
/// <param name="Outcome">The <see cref="TunnelOutcome"/> label, as logged.</param>
/// <param name="Spliced">The handshake went through and bytes were spliced: the tunnel worked, however it ended.</param>
internal readonly record struct TunnelConnectionResult(string Outcome, bool Spliced);
