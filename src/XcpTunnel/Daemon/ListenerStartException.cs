using XcpTunnel.Protocol;

namespace XcpTunnel.Daemon;

/// <summary>A tunnel's or the health endpoint's address could not be bound (in use, not local); the message names the config key.</summary>
internal sealed class ListenerStartException(string message, Exception innerException)
    : XcpTunnelException(message, innerException);
