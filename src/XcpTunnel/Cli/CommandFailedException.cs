using XcpTunnel.Protocol;

namespace XcpTunnel.Cli;

/// <summary>
/// A command cannot do what it was asked (an unknown pool, a URL that is not one, a config file it
/// may not change); <see cref="CliErrors"/> prints the message as it prints any other failure.
/// </summary>
internal sealed class CommandFailedException(string message) : XcpTunnelException(message);
