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
        """ + "\n\n" + ProbeTargets.Help + "\n\n" + """
        The snapshot is taken as a shared viewer, so nobody is disconnected. FILE is written whole or not
        at all (a temporary file renamed into place); '-' writes the PNG to standard output.

        Examples:
          xcptunnel snapshot centos centos.png
          xcptunnel snapshot 127.0.0.1:5901 demo.png
          xcptunnel snapshot --vm web01 --pool lab - | display -
        """ + "\n\n" + ExitCodes.HelpText;

    private static readonly ProbeTargets Targets = new();

    // TARGET is optional (--vm replaces it), so the positional arguments are read as one list: one means FILE, two
    // mean TARGET FILE.
    private static readonly Argument<string[]> Positional = new("TARGET FILE")
    {
        Description = "The target (omit with --vm), then the PNG file to write ('-' for standard output).",
        Arity = new ArgumentArity(1, 2),
    };

    public static Command Create() =>
        CliCommand.Create(Targets.AddTo(new Command("snapshot", Description) { Positional, CliOptions.Config() }, result => TargetOf(result.GetValue(Positional))), RunAsync);

    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        var positional = cli.Get(Positional)!;
        var file = positional[^1];
        if (file != StandardOutput)
        {
            // Before the console is asked anything: a typo in the path should not cost a probe.
            PngFile.CheckDirectory(file);
        }

        using var loggers = cli.CreateLoggers();
        await using var open = Targets.Open(cli, TargetOf(positional), loggers);
        var result = await Prober.RunAsync(open.Target, new ProbeOptions { Timeout = cli.Get(Targets.Timeout) ?? ProbeOptions.DefaultTimeout }, cancellationToken).ConfigureAwait(false);
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
            cli.Errors.WriteLine($"wrote PNG to standard output ({size})");
        }
        else
        {
            PngFile.Write(file, png);
            cli.Output.WriteLine($"wrote {file} ({size})");
        }

        return ExitCodes.Ok;
    }

    private static string? TargetOf(string[]? positional) => positional is [var target, _] ? target : null;
}
