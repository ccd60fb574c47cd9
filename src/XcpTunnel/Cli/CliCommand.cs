using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Configuration;

namespace XcpTunnel.Cli;

/// <summary>
/// The plumbing every command shares, so a command's file holds only its own behaviour: <c>--verbose</c>, the
/// action run under <see cref="CliErrors"/>, and a <see cref="CliRun"/> to read its options and configuration from.
/// </summary>
internal static class CliCommand
{
    public static Command Create(Command command, Func<CliRun, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(run);
        command.Options.Add(CliOptions.Verbose());
        command.SetAction((parse, cancellationToken) =>
        {
            var cli = new CliRun(parse, Console.Out, Console.Error);
            return CliErrors.RunAsync(ct => run(cli, ct), cli.Verbose, cli.Errors, cancellationToken);
        });
        return command;
    }
}

/// <summary>One run of a command: its parsed (already valid) options, where to write, its configuration.</summary>
internal sealed class CliRun(ParseResult parse, TextWriter output, TextWriter errors)
{
    public TextWriter Output => output;

    /// <summary>Errors, warnings and, for the one-shot commands, logs: never on stdout, which is the answer.</summary>
    public TextWriter Errors => errors;

    public bool Verbose => parse.GetValue<bool>(CliOptions.VerboseName);

    public string ConfigPath => parse.GetValue<string>(CliOptions.ConfigName)!;

    public T? Get<T>(Option<T> option) => parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => parse.GetValue(argument);

    /// <summary>The configuration of <c>--config</c> with its warnings.</summary>
    /// <exception cref="ConfigException">Every error, which <see cref="CliErrors"/> prints.</exception>
    public (DaemonSettings Settings, IReadOnlyList<string> Warnings) LoadConfig(bool requireTunnels = true)
    {
        var loaded = DaemonSettingsLoader.Load(ConfigPath, DaemonSettingsLoader.ProcessEnvironment(), new ConfigLoadOptions { RequireTunnels = requireTunnels });
        return (loaded.GetSettingsOrThrow(), loaded.Warnings);
    }

    /// <summary>
    /// Logs to stderr at <paramref name="level"/>, Debug with <c>--verbose</c>. The one-shot commands are silent by
    /// default (<see cref="LogLevel.None"/>): their output is the answer, and the library's log only explains it.
    /// </summary>
    public ILoggerFactory CreateLoggers(LogLevel level = LogLevel.None) =>
        !Verbose && level == LogLevel.None
            ? NullLoggerFactory.Instance
            : LoggerFactory.Create(builder => builder
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(Verbose ? LogLevel.Debug : level));
}
