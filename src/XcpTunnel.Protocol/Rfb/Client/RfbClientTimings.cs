namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>How long each stage of the RFB handshake took, measured with <see cref="RfbClientOptions.TimeProvider"/>.</summary>
/// <param name="ProtocolVersion">From the start until the client's ProtocolVersion reply was sent.</param>
/// <param name="Security">The security handshake, including a SecurityResult when there is one.</param>
/// <param name="ServerInit">From ClientInit until ServerInit was read.</param>
public sealed record RfbClientTimings(TimeSpan ProtocolVersion, TimeSpan Security, TimeSpan ServerInit);
