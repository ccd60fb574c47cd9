using XcpTunnel.Configuration;
using XcpTunnel.Protocol;

namespace XcpTunnel.Cli;

/// <summary>
/// How every command reports failure to a person: one clear sentence on stderr prefixed
/// <c>xcptunnel:</c>, no stack trace unless <c>--verbose</c>, and the exit code that goes with it.
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
            await errors.WriteLineAsync($"xcptunnel: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (UsageException ex)
        {
            // One line per problem, each naming its option, all at once.
            foreach (var problem in ex.Problems)
            {
                await errors.WriteLineAsync($"xcptunnel: {problem}").ConfigureAwait(false);
            }

            return ExitCodes.InvalidArguments;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is XcpTunnelException or IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"xcptunnel: {ex.Message}").ConfigureAwait(false);
            await WriteDetailsAsync(ex, verbose, errors).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            await errors.WriteLineAsync($"xcptunnel: unexpected error: {ex.Message}{(verbose ? string.Empty : " (run with --verbose for details)")}").ConfigureAwait(false);
            await WriteDetailsAsync(ex, verbose, errors).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    /// <summary>Prints configuration errors, one per line with its key.</summary>
    public static async Task<int> ReportAsync(ConfigLoadResult result, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(errors);
        await errors.WriteLineAsync($"xcptunnel: {result.Path} is not valid:").ConfigureAwait(false);
        foreach (var error in result.Errors)
        {
            await errors.WriteLineAsync($"  {error}").ConfigureAwait(false);
        }

        return ExitCodes.InvalidConfiguration;
    }

    private static async Task WriteDetailsAsync(Exception ex, bool verbose, TextWriter errors)
    {
        if (verbose)
        {
            await errors.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
        }
    }
}
