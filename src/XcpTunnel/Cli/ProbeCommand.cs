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
        """ + "\n\n" + ProbeTargetOptions.TargetHelp + "\n\n" + """
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

    public static Command Create()
    {
        var target = ProbeTargetOptions.Target();
        var vm = ProbeTargetOptions.Vm();
        var pool = ProbeTargetOptions.Pool();
        var config = CommonOptions.Config();
        var warning = new Option<string?>("--warning-ms", "-w")
        {
            Description = $"WARNING when the probe takes longer (default {ProbeOptions.DefaultWarning.TotalMilliseconds:0}).",
            HelpName = "MS",
        };
        var critical = new Option<string?>("--critical-ms", "-c")
        {
            Description = $"CRITICAL when the probe takes longer (default {ProbeOptions.DefaultCritical.TotalMilliseconds:0}).",
            HelpName = "MS",
        };
        var timeout = ProbeTargetOptions.Timeout();
        var json = new Option<bool>("--json") { Description = "Print a JSON object instead of the Nagios line." };
        var verbose = CommonOptions.Verbose();
        // -c is --critical-ms here, as in every Nagios plugin; the configuration keeps its long name.
        config.Aliases.Remove("-c");
        var command = new Command(Name, Description) { target, vm, pool, config, warning, critical, timeout, json, verbose };
        UsageErrors.RejectOptionLikeValues(target, command);
        command.SetAction((parse, cancellationToken) =>
        {
            var arguments = new ProbeArguments(
                new ProbeTargetRequest(parse.GetValue(target), parse.GetValue(vm), parse.GetValue(pool), parse.GetValue(config)!),
                parse.GetValue(warning),
                parse.GetValue(critical),
                parse.GetValue(timeout),
                parse.GetValue(json),
                parse.GetValue(verbose));
            return RunAsync(arguments, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(ProbeArguments arguments, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        ProbeResult result;
        // Invalid options leave the defaults in place, for the thresholds of the UNKNOWN line.
        var options = new ProbeOptions();
        try
        {
            options = arguments.ReadOptions();
            using var loggers = CliLogging.Create(arguments.Verbose);
            await using var open = arguments.Request.Open(loggers);
            result = await Prober.RunAsync(open.Target, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (ConfigException ex)
        {
            // The status line carries the first line; every error, with its key, goes to stderr.
            await errors.WriteLineAsync($"xcptunnel: {ex.Message}").ConfigureAwait(false);
            var more = ex.Errors.Count > 1 ? $" (and {ex.Errors.Count - 1} more, on stderr)" : string.Empty;
            result = ProbeResult.Unknown(arguments.Request.DisplayName, $"{ex.Path} is not valid: {ex.Errors[0]}{more}");
        }
        catch (CommandFailedException ex)
        {
            result = ProbeResult.Unknown(arguments.Request.DisplayName, ex.Message);
        }

        await output.WriteLineAsync(arguments.Json
            ? JsonSerializer.Serialize(ProbeReport.Of(result), ProbeJsonContext.Readable.ProbeReport)
            : NagiosOutput.Format(result, options)).ConfigureAwait(false);
        return (int)result.Status;
    }
}

/// <summary>What <c>xcptunnel probe</c> was asked, numbers still as typed.</summary>
internal sealed record ProbeArguments(
    ProbeTargetRequest Request, string? WarningMs, string? CriticalMs, string? TimeoutSeconds, bool Json, bool Verbose)
{
    /// <summary>The probe's options.</summary>
    /// <exception cref="UsageException">Every problem of the arguments.</exception>
    public ProbeOptions ReadOptions()
    {
        var diagnostics = new ConfigDiagnostics();
        var options = new ProbeOptions
        {
            Warning = ProbeTargetOptions.Read(WarningMs, ProbeOptions.DefaultWarning, "--warning-ms", TimeSpan.FromMilliseconds, positive: false, diagnostics),
            Critical = ProbeTargetOptions.Read(CriticalMs, ProbeOptions.DefaultCritical, "--critical-ms", TimeSpan.FromMilliseconds, positive: false, diagnostics),
            Timeout = ProbeTargetOptions.Read(TimeoutSeconds, ProbeOptions.DefaultTimeout, "--timeout", TimeSpan.FromSeconds, positive: true, diagnostics),
        };
        UsageException.ThrowIfAny(diagnostics);
        return options;
    }
}
