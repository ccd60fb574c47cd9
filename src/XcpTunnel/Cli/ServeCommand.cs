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
    /// <summary>Exit code when the configuration is invalid or a listener cannot start.</summary>
    public const int ConfigurationError = 1;

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
            RunAsync(parse.GetValue(config)!, parse.GetValue(verbose), Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string configPath, bool verbose, TextWriter errors, CancellationToken cancellationToken)
    {
        var loaded = DaemonSettingsLoader.Load(configPath, DaemonSettingsLoader.ProcessEnvironment());
        if (!loaded.Succeeded)
        {
            await errors.WriteLineAsync($"xcptunnel: {configPath} is not valid:").ConfigureAwait(false);
            foreach (var error in loaded.Errors)
            {
                await errors.WriteLineAsync($"  {error}").ConfigureAwait(false);
            }

            return ConfigurationError;
        }

        using var host = BuildHost(loaded.Settings, verbose);
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            await errors.WriteLineAsync($"xcptunnel: {ex.Message}").ConfigureAwait(false);
            return ConfigurationError;
        }
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
