using XcpTunnel.Protocol;

namespace XcpTunnel.Cli;

/// <summary>
/// A command cannot do what it was asked (a config file it may not change, a console that showed no screen);
/// <see cref="CliErrors"/> prints the message as it prints any other failure: exit 1.
/// </summary>
internal class CommandFailedException(string message) : XcpTunnelException(message);

/// <summary>
/// What was typed cannot be right, as only the configuration file tells: an unknown pool or tunnel, no password
/// to use. Exit 2, like the problems the parser finds (<see cref="UsageErrors"/>), before any pool is asked.
/// </summary>
internal sealed class UsageException(string problem) : CommandFailedException(problem);
