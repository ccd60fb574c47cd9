using XcpTunnel.Protocol;

namespace XcpTunnel.Tunnels;

/// <summary>The console's side of the RFB handshake failed; the message says which stage and why, for the viewer and the log.</summary>
internal sealed class ConsoleRfbException(string message, Exception? innerException = null)
    : XcpTunnelException(message, innerException);
