namespace XcpTunnel.Cli;

/// <summary>
/// Process exit codes, the same for every command (documented in <c>xcptunnel --help</c> and the README).
/// <c>probe</c> uses the Nagios codes instead, as monitoring expects.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and something failed: a login, a VM, a certificate, a check.</summary>
    public const int Failed = 1;

    /// <summary>The configuration file is missing or invalid; every error was printed with its key.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>
    /// The command line cannot be right: an unknown command or option, a value that is not one, an unknown pool or
    /// tunnel. Told before anything is tried, one line per problem, like an invalid configuration (shells use 2 for
    /// usage errors).
    /// </summary>
    public const int InvalidArguments = 2;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    public const string HelpText =
        "Exit codes: 0 success; 1 the operation failed (message on stderr); 2 invalid configuration or command line; 130 interrupted.";
}
