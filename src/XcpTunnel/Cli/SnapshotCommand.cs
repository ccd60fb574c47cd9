using System.CommandLine;
using XcpTunnel.Configuration;
using XcpTunnel.Imaging;
using XcpTunnel.Probes;

namespace XcpTunnel.Cli;

/// <summary><c>xcptunnel snapshot TARGET FILE.png</c>: the console's screen now, as PNG, read by the probe's headless viewer.</summary>
internal static class SnapshotCommand
{
    /// <summary>The FILE that means standard output.</summary>
    public const string StandardOutput = "-";

    private const string Description = """
        Save a console's current screen as PNG.
        """ + "\n\n" + ProbeTargetOptions.TargetHelp + "\n\n" + """
        The snapshot is taken as a shared viewer, so nobody is disconnected. FILE is written whole or not
        at all (a temporary file renamed into place); '-' writes the PNG to standard output.

        Examples:
          xcptunnel snapshot centos centos.png
          xcptunnel snapshot 127.0.0.1:5901 demo.png
          xcptunnel snapshot --vm web01 --pool lab - | display -
        """ + "\n\n" + ExitCodes.HelpText;

    public static Command Create()
    {
        // TARGET is optional (--vm replaces it), so the positional arguments are read as one list: one
        // means FILE, two mean TARGET FILE.
        var positional = new Argument<string[]>("TARGET FILE")
        {
            Description = "The target (omit with --vm), then the PNG file to write ('-' for standard output).",
            Arity = new ArgumentArity(1, 2),
        };
        var vm = ProbeTargetOptions.Vm();
        var pool = ProbeTargetOptions.Pool();
        var config = CommonOptions.Config();
        var timeout = ProbeTargetOptions.Timeout();
        var verbose = CommonOptions.Verbose();
        var command = new Command("snapshot", Description) { positional, vm, pool, config, timeout, verbose };
        UsageErrors.RejectOptionLikeValues(positional, command);
        command.SetAction((parse, cancellationToken) =>
        {
            var values = parse.GetValue(positional) ?? [];
            var request = new ProbeTargetRequest(values.Length == 2 ? values[0] : null, parse.GetValue(vm), parse.GetValue(pool), parse.GetValue(config)!);
            var file = values.Length > 0 ? values[^1] : StandardOutput;
            var isVerbose = parse.GetValue(verbose);
            var timeoutText = parse.GetValue(timeout);
            return CliErrors.RunAsync(
                ct => RunAsync(request, file, timeoutText, isVerbose, Console.Out, Console.Error, ct), isVerbose, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(
        ProbeTargetRequest request, string file, string? timeoutSeconds, bool verbose, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var diagnostics = new ConfigDiagnostics();
        var timeout = ProbeTargetOptions.Read(timeoutSeconds, ProbeOptions.DefaultTimeout, "--timeout", TimeSpan.FromSeconds, positive: true, diagnostics);
        UsageException.ThrowIfAny(diagnostics);

        if (file != StandardOutput)
        {
            // Before the console is asked anything: a typo in the path should not cost a probe.
            PngFile.CheckDirectory(file);
        }

        using var loggers = CliLogging.Create(verbose);
        await using var open = request.Open(loggers);
        var result = await Prober.RunAsync(open.Target, new ProbeOptions { Timeout = timeout }, cancellationToken).ConfigureAwait(false);
        var screen = result.Screen ?? throw new CommandFailedException(result.Reason);
        var png = PngEncoder.Encode(screen.Width, screen.Height, screen.Framebuffer.Pixels);
        var size = $"{screen.Width}x{screen.Height}";
        if (file == StandardOutput)
        {
            var stdout = Console.OpenStandardOutput();
            await using (stdout.ConfigureAwait(false))
            {
                await stdout.WriteAsync(png, cancellationToken).ConfigureAwait(false);
            }

            // stdout holds the image: the confirmation goes to stderr.
            await errors.WriteLineAsync($"wrote PNG to standard output ({size})").ConfigureAwait(false);
        }
        else
        {
            await PngFile.WriteAsync(file, png, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"wrote {file} ({size})").ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
