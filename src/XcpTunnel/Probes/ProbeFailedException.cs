using XcpTunnel.Protocol;

namespace XcpTunnel.Probes;

/// <summary>A probe step failed outside the library (a refused TCP connection to a tunnel); the message is the reason.</summary>
internal sealed class ProbeFailedException(string message, Exception? innerException = null) : XcpTunnelException(message, innerException);
