using System.CommandLine;
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

    private static readonly Option<int> Port = new("--port", "-p")
    {
        Description = "First local port to listen on; taken ports are skipped.",
        DefaultValueFactory = _ => DemoPorts.DefaultFirstPort,
        CustomParser = CliOptions.Port,
        HelpName = "PORT",
    };

    private static readonly Option<int> HealthPort = new("--health-port")
    {
        Description = "First port for the health endpoint and its status page; taken ports are skipped.",
        DefaultValueFactory = _ => DemoPorts.DefaultHealthPort,
        CustomParser = CliOptions.Port,
        HelpName = "PORT",
    };

    private static readonly Option<string?> ConfigOut = new("--config-out")
    {
        Description = "Write the configuration into this directory and keep it (default: a private temporary one, removed at exit).",
        HelpName = "DIR",
    };

    private static readonly Option<bool> PoolOnly = new("--pool-only")
    {
        Description = "Run only the pool and write its configuration; `xcptunnel serve --config` then runs the tunnels.",
    };

    public static Command Create() =>
        CliCommand.Create(new Command("demo", Description) { Port, HealthPort, ConfigOut, PoolOnly }, RunAsync);

    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        using var signals = ShutdownSignals.Watch();

        // Logs go to stderr, quiet unless asked, so the instructions on stdout stay readable.
        var logging = new DaemonLogging(cli.Verbose ? LogLevel.Debug : LogLevel.Warning, ToStandardError: true);
        using var simulatorLogging = LoggerFactory.Create(b => DaemonHost.ConfigureLogging(b, logging));

        // Declared first, so disposed last: the files stay while the pool and the tunnels run.
        using var directory = DemoDirectory.Open(cli.Get(ConfigOut));
        await using var demo = await DemoPool.StartAsync(simulatorLogging, cancellationToken).ConfigureAwait(false);
        var ports = DemoPorts.Choose(cli.Get(Port), cli.Get(HealthPort), DemoPool.Vms.Count);
        DemoConfiguration.Write(directory, demo, ports, UserDirectory.Default.FindUserName(CurrentUser.Uid));

        // The file as serve would read it: what the demo runs is what the printed commands get.
        var settings = DaemonSettingsLoader.Load(directory.ConfigPath, DaemonSettingsLoader.ProcessEnvironment()).GetSettingsOrThrow();
        var instructions = new DemoInstructions(SelfCommand.Current(), directory, demo, ports);
        if (cli.Get(PoolOnly))
        {
            instructions.WritePoolOnly(cli.Output);
            await signals.Received.WaitAsync(cancellationToken).ConfigureAwait(false);
            return signals.ExitCode;
        }

        // Disposed before the pool: the tunnels drain and log out while the pool still answers.
        using var host = DaemonHost.Build(settings, logging);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        instructions.Write(cli.Output);
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return signals.ExitCode;
    }
}
