using XcpTunnel.Configuration;
using XcpTunnel.Protocol;

namespace XcpTunnel.Cli;

/// <summary>
/// A command cannot do what it was asked (a URL that is not one, a config file it may not change, a console that
/// showed no screen); <see cref="CliErrors"/> prints the message as it prints any other failure.
/// </summary>
internal class CommandFailedException(string message) : XcpTunnelException(message);

/// <summary>
/// What was typed cannot be right, whatever the pools say: an option value that is not one, an unknown pool or
/// tunnel, options that do not go together. Exit code 2, like every other usage error, found before any pool is asked.
/// </summary>
internal sealed class UsageException : CommandFailedException
{
    public UsageException(string problem)
        : this([problem])
    {
    }

    private UsageException(IReadOnlyList<string> problems)
        : base(string.Join("; ", problems)) => Problems = problems;

    /// <summary>Every problem found, each naming its option (<see cref="Exception.Message"/> joins them).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Throws when <paramref name="diagnostics"/> collected an error: the one way arguments are checked.</summary>
    public static void ThrowIfAny(ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (diagnostics.HasErrors)
        {
            throw new UsageException([.. diagnostics.Errors.Select(e => e.ToString())]);
        }
    }
}
