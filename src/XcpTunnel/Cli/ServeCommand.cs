using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.AutoTunnels;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;

namespace XcpTunnel.Cli;

/// <summary><c>xcptunnel serve</c>: the daemon, every tunnel in the configuration.</summary>
internal static class ServeCommand
{
    private const string ServeDescription = """
        Run the daemon: every tunnel in the configuration file.

        Each tunnel listens on its address; each viewer that connects is tunnelled to its VM's console
        through one shared XAPI session per pool. Failures are told to the viewer in RFB. SIGTERM stops
        accepting, drains live connections for Timeouts:DrainSeconds, then logs out. SIGHUP reloads the
        configuration file: only added, removed and changed tunnels are touched. With NOTIFY_SOCKET set it
        notifies systemd (READY, STATUS, WATCHDOG, RELOADING, STOPPING); a socket passed by systemd whose
        FileDescriptorName is a tunnel's name becomes that tunnel's listener. Under systemd, logs go to the
        journal. A pool with AutoTunnels gets a tunnel for every VM its Match takes (all, tag:NAME,
        a name-label glob), following VMs as they appear, go, are renamed or retagged, with no reload;
        each VM keeps its port across restarts in State:Directory (default $STATE_DIRECTORY, else
        /var/lib/xcptunnel). Check a configuration first with `xcptunnel check`.

        Examples:
          xcptunnel serve
          xcptunnel serve --config ./xcptunnel.json --verbose

        """ + ExitCodes.HelpText;

    public static Command Create() =>
        CliCommand.Create(new Command("serve", ServeDescription) { CliOptions.Config() }, RunAsync);

    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        using var signals = ShutdownSignals.Watch();

        // A reload reads the same file with the environment the daemon started with, so SIGHUP applies the
        // file's changes and nothing else.
        var configPath = cli.ConfigPath;
        var environment = DaemonSettingsLoader.ProcessEnvironment();
        var settings = DaemonSettingsLoader.Load(configPath, environment).GetSettingsOrThrow();

        // A damaged state file is said in one line, as an invalid configuration is, before a host logs it with its stack.
        foreach (var pool in settings.AutoTunnels.Keys)
        {
            AutoTunnelState.Load(AutoTunnelState.PathFor(settings.StateDirectory, pool));
        }

        using var host = DaemonHost.Build(
            settings,
            new DaemonLogging(cli.Verbose ? LogLevel.Debug : LogLevel.Information, ToStandardError: true),
            new ServeOptions(() => DaemonSettingsLoader.Load(configPath, environment)));
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return signals.ExitCode;
    }
}
