using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace XcpTunnel.Cli;

/// <summary>
/// Logging for the one-shot commands: silent by default, since their output is the answer; with
/// <c>--verbose</c> the library's Debug log (logins, URLs tried) goes to stderr, never into a table or JSON.
/// </summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(bool verbose) =>
        verbose
            ? LoggerFactory.Create(builder => builder
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Debug))
            : NullLoggerFactory.Instance;
}
