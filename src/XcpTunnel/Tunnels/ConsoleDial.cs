using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Tunnels;

/// <summary>
/// Opens the console a tunnel leads to, for one admitted viewer: in the daemon, the tunnel's VM through its pool's
/// shared session and console cache; in tests, whatever the test wires up.
/// </summary>
/// <exception cref="Protocol.XcpTunnelException">Why the console cannot be opened; its message is told to the viewer.</exception>
internal delegate Task<ConsoleConnection> ConsoleDial(CancellationToken cancellationToken);
