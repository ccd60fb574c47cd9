using XcpTunnel.Configuration;
using XcpTunnel.Protocol;

namespace XcpTunnel.Cli;

/// <summary>
/// How every command reports failure to a person: one clear sentence on stderr prefixed <c>xcptunnel:</c>, no
/// stack trace unless <c>--verbose</c>, and the exit code that goes with it. An invalid configuration is told one
/// way wherever it is found: the file, then every error with its key.
/// </summary>
internal static class CliErrors
{
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> command, bool verbose, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            return await command(cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            WriteConfigErrors(ex, errors);
            return ExitCodes.InvalidConfiguration;
        }
        catch (UsageException ex)
        {
            errors.WriteLine($"xcptunnel: {ex.Message}");
            return ExitCodes.InvalidArguments;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            // The failures a command expects say what went wrong themselves; anything else is a bug worth its stack.
            errors.WriteLine(ex is XcpTunnelException or IOException or UnauthorizedAccessException
                ? $"xcptunnel: {ex.Message}"
                : $"xcptunnel: unexpected error: {ex.Message}{(verbose ? string.Empty : " (run with --verbose for details)")}");
            if (verbose)
            {
                errors.WriteLine(ex.ToString());
            }

            return ExitCodes.Failed;
        }
    }

    /// <summary>The file, then one indented line per error with its key (README, "Configuration reference").</summary>
    public static void WriteConfigErrors(ConfigException ex, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(errors);
        errors.WriteLine($"xcptunnel: {ex.Path} is not valid:");
        foreach (var error in ex.Errors)
        {
            errors.WriteLine($"  {error}");
        }
    }
}
