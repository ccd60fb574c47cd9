using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;

namespace XcpTunnel.Cli;

/// <summary><c>xcptunnel serve</c>: the daemon, every tunnel in the configuration.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var verbose = CommonOptions.Verbose();
        var command = new Command("serve", "Run the daemon: every tunnel in the configuration file.")
        {
            config,
            verbose,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var isVerbose = parse.GetValue(verbose);
            return CliErrors.RunAsync(
                ct => RunAsync(parse.GetValue(config)!, isVerbose, Console.Error, ct), isVerbose, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(string configPath, bool verbose, TextWriter errors, CancellationToken cancellationToken)
    {
        var loaded = DaemonSettingsLoader.Load(configPath, DaemonSettingsLoader.ProcessEnvironment());
        if (!loaded.Succeeded)
        {
            return await CliErrors.ReportAsync(loaded, errors).ConfigureAwait(false);
        }

        using var host = BuildHost(loaded.Settings, verbose);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    internal static IHost BuildHost(DaemonSettings settings, bool verbose)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        // Under systemd: journald log format and sd_notify; elsewhere a no-op.
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Timeouts.Drain + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new PoolRegistry(settings.Pools, sp.GetRequiredService<ILoggerFactory>(), TimeProvider.System));
        builder.Services.AddSingleton<TunnelService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TunnelService>());
        return builder.Build();
    }
}
