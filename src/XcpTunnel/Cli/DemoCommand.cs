using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Demo;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel demo</c>: a simulated pool in this process, the configuration a user would write for it, and the
/// daemon running from that configuration (tunnels and health endpoint, as <c>serve</c> builds them), so a VNC
/// viewer, a browser and every other command show what xcptunnel does without a XenServer at hand.
/// </summary>
internal static class DemoCommand
{
    private const string Description = """
        Try it with no pool: a simulated XCP-ng pool in this process, with tunnels to its VMs.

        The pool has 2 hosts (TLS, JSON-RPC and XML-RPC, CONNECT /console). Its running VMs draw a test
        card (colour bars, the VM's name, a clock); its halted VM shows the reason a viewer gets. Tunnels
        listen on 127.0.0.1:5901 and up, the health endpoint with its status page on 127.0.0.1:9180 (or the
        next free ports). The demo writes the configuration for its pool (URL, pinned certificates, a
        password file only you can read, its tunnels) and runs from it; it prints the command lines that try
        vms, check, probe, snapshot and connect with it. It runs until Ctrl+C.

        Examples:
          xcptunnel demo
          vncviewer 127.0.0.1:5901          (in another terminal)
          xcptunnel demo --port 6001 --config-out ~/xcptunnel-demo
          xcptunnel demo --pool-only        (then: xcptunnel serve --config <the file it names>)
        """ + "\n\n" + ExitCodes.HelpText;

    public static Command Create()
    {
        var port = new Option<int>("--port", "-p")
        {
            Description = "First local port to listen on; taken ports are skipped.",
            DefaultValueFactory = _ => DemoPorts.DefaultFirstPort,
            CustomParser = result => ParsePort(result, "--port"),
            HelpName = "PORT",
        };
        var healthPort = new Option<int>("--health-port")
        {
            Description = "First port for the health endpoint and its status page; taken ports are skipped.",
            DefaultValueFactory = _ => DemoPorts.DefaultHealthPort,
            CustomParser = result => ParsePort(result, "--health-port"),
            HelpName = "PORT",
        };
        var configOut = new Option<string?>("--config-out")
        {
            Description = "Write the configuration into this directory and keep it (default: a private temporary one, removed at exit).",
            HelpName = "DIR",
        };
        var poolOnly = new Option<bool>("--pool-only")
        {
            Description = "Run only the pool and write its configuration; `xcptunnel serve --config` then runs the tunnels.",
        };
        var verbose = CommonOptions.Verbose();
        var command = new Command("demo", Description) { port, healthPort, configOut, poolOnly, verbose };
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new DemoRequest(
                parse.GetValue(port), parse.GetValue(healthPort), parse.GetValue(configOut), parse.GetValue(poolOnly), parse.GetValue(verbose));
            return CliErrors.RunAsync(ct => RunAsync(request, Console.Out, Console.Error, ct), request.Verbose, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(DemoRequest request, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        using var signals = ShutdownSignals.Watch();

        // Logs go to stderr, quiet unless asked, so the instructions on stdout stay readable.
        var logging = new DaemonLogging(request.Verbose ? LogLevel.Debug : LogLevel.Warning, ToStandardError: true);
        using var simulatorLogging = LoggerFactory.Create(b => DaemonHost.ConfigureLogging(b, logging));

        // Declared first, so disposed last: the files stay while the pool and the tunnels run.
        using var directory = DemoDirectory.Open(request.ConfigOut);
        await using var demo = await DemoPool.StartAsync(simulatorLogging, cancellationToken).ConfigureAwait(false);
        var ports = DemoPorts.Choose(request.FirstPort, request.FirstHealthPort, DemoPool.Vms.Count);
        DemoConfiguration.Write(directory, demo, ports, UserDirectory.Default.FindUserName(CurrentUser.Uid));

        // The file as serve would read it: what the demo runs is what the printed commands get.
        var loaded = DaemonSettingsLoader.Load(directory.ConfigPath, DaemonSettingsLoader.ProcessEnvironment());
        if (!loaded.Succeeded)
        {
            return await CliErrors.ReportAsync(loaded, errors).ConfigureAwait(false);
        }

        var instructions = new DemoInstructions(SelfCommand.Current(), directory, demo, ports);
        if (request.PoolOnly)
        {
            await instructions.WritePoolOnlyAsync(output).ConfigureAwait(false);
            await signals.Received.WaitAsync(cancellationToken).ConfigureAwait(false);
            return signals.ExitCode;
        }

        // Disposed before the pool: the tunnels drain and log out while the pool still answers.
        using var host = DaemonHost.Build(loaded.Settings, logging);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        await instructions.WriteAsync(output).ConfigureAwait(false);
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return signals.ExitCode;
    }

    /// <summary>A port, or a one-line error naming the option (System.CommandLine's own names a .NET type).</summary>
    private static int ParsePort(ArgumentResult result, string option)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        result.AddError($"{option}: '{text}' is not a port number (1-65535)");
        return 0;
    }
}

/// <summary>What <c>xcptunnel demo</c> was asked.</summary>
/// <param name="FirstPort">The first tunnel's port, or the first free one above it.</param>
/// <param name="FirstHealthPort">The health endpoint's port, or the first free one above it.</param>
/// <param name="ConfigOut">Where to write the configuration and keep it; null for a temporary directory.</param>
/// <param name="PoolOnly">Run the pool only, for <c>serve</c>.</param>
/// <param name="Verbose">Log at Debug.</param>
internal sealed record DemoRequest(int FirstPort, int FirstHealthPort, string? ConfigOut, bool PoolOnly, bool Verbose);
