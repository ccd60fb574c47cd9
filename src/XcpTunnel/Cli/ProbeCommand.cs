using System.CommandLine;
using System.Text.Json;
using XcpTunnel.Configuration;
using XcpTunnel.Probes;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel probe TARGET</c>: a headless VNC viewer through the whole path, as a Nagios plugin: one
/// status line with perfdata (or <c>--json</c>) and the exit codes 0/1/2/3 monitoring expects.
/// </summary>
internal static class ProbeCommand
{
    public const string Name = "probe";

    private const string Description = """
        Probe a console through the whole path as a headless VNC viewer; Nagios output and exit codes.
        """ + "\n\n" + ProbeTargets.Help + "\n\n" + """
        The probe joins as a shared viewer, so it never disconnects anyone, and reads one full screen.
        Stages (perfdata, --json): xapi (includes a login), tls, connect, or tcp for HOST:PORT; then
        rfb_version, security, server_init, first_update; and the total.
        WARNING: the total is over --warning-ms, or the screen is a single colour (blank or hung console?).
        CRITICAL: the total is over --critical-ms, anything on the way fails (the reason is printed:
        VM halted, login failed, certificate, CONNECT refused, what a tunnel tells), or --timeout passes.

        Examples:
          xcptunnel probe centos
          xcptunnel probe 127.0.0.1:5901          (works against the tunnels of `xcptunnel demo` too)
          xcptunnel probe --vm web01 --pool lab --warning-ms 500 --critical-ms 2000
          xcptunnel probe centos --json | jq '.stages'
          Nagios:  command_line  /usr/bin/xcptunnel probe $ARG1$ --config /etc/xcptunnel/xcptunnel.json
          Output:  XCPTUNNEL OK - centos: 1024x768 "QEMU (centos)" in 42 ms | xapi=3.1ms … total=42ms;1000;5000;0

        Exit codes: the Nagios plugin codes, 0 OK; 1 WARNING; 2 CRITICAL; 3 UNKNOWN (unknown tunnel or pool,
        unreadable or invalid configuration, bad arguments); 130 interrupted.
        """;

    private static readonly ProbeTargets Targets = new();

    private static readonly Argument<string?> Target = new("TARGET")
    {
        Description = "A tunnel name from the configuration, or HOST:PORT of a running tunnel. Omit with --vm.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<TimeSpan?> Warning = new("--warning-ms", "-w")
    {
        Description = $"WARNING when the probe takes longer (default {ProbeOptions.DefaultWarning.TotalMilliseconds:0}).",
        HelpName = "MS",
        CustomParser = CliOptions.Duration(TimeSpan.FromMilliseconds, positive: false),
    };

    private static readonly Option<TimeSpan?> Critical = new("--critical-ms", "-c")
    {
        Description = $"CRITICAL when the probe takes longer (default {ProbeOptions.DefaultCritical.TotalMilliseconds:0}).",
        HelpName = "MS",
        CustomParser = CliOptions.Duration(TimeSpan.FromMilliseconds, positive: false),
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Print a JSON object instead of the Nagios line." };

    public static Command Create()
    {
        var config = CliOptions.Config();
        // -c is --critical-ms here, as in every Nagios plugin; the configuration keeps its long name.
        config.Aliases.Remove("-c");
        var command = new Command(Name, Description) { Target, config, Warning, Critical, Json };
        return CliCommand.Create(Targets.AddTo(command, result => result.GetValue(Target)), RunAsync);
    }

    /// <summary>Every answer is a status line (or JSON) on stdout, as monitoring reads it; UNKNOWN when it could not probe.</summary>
    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        var target = cli.Get(Target);
        var name = target ?? cli.Get(Targets.Vm)!;
        var options = new ProbeOptions
        {
            Warning = cli.Get(Warning) ?? ProbeOptions.DefaultWarning,
            Critical = cli.Get(Critical) ?? ProbeOptions.DefaultCritical,
            Timeout = cli.Get(Targets.Timeout) ?? ProbeOptions.DefaultTimeout,
        };
        ProbeResult result;
        try
        {
            using var loggers = cli.CreateLoggers();
            await using var open = Targets.Open(cli, target, loggers);
            result = await Prober.RunAsync(open.Target, options, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            // The status line carries the first error; every error, with its key, goes to stderr.
            CliErrors.WriteConfigErrors(ex, cli.Errors);
            var more = ex.Errors.Count > 1 ? $" (and {ex.Errors.Count - 1} more, on stderr)" : string.Empty;
            result = ProbeResult.Unknown(name, $"{ex.Path} is not valid: {ex.Errors[0]}{more}");
        }
        catch (CommandFailedException ex)
        {
            result = ProbeResult.Unknown(name, ex.Message);
        }

        cli.Output.WriteLine(cli.Get(Json)
            ? JsonSerializer.Serialize(ProbeReport.Of(result), ProbeJsonContext.Readable.ProbeReport)
            : NagiosOutput.Format(result, options));
        return (int)result.Status;
    }
}
