using XcpTunnel.Protocol;

namespace XcpTunnel.Tunnels;

/// <summary>A stage of the RFB relay failed; the message says which and why, for the viewer and the log.</summary>
internal sealed class TunnelHandshakeException(string message, Exception? innerException = null)
    : XcpTunnelException(message, innerException);
