using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using XcpTunnel.Configuration;
using XcpTunnel.Health;
using XcpTunnel.Interop;
using XcpTunnel.Probes;
using XcpTunnel.Systemd;

namespace XcpTunnel.Daemon;

/// <summary>Where and how much the daemon logs.</summary>
/// <param name="MinimumLevel">Least severe level written.</param>
/// <param name="ToStandardError">All of it to stderr (so stdout stays for a command's own output), else stdout.</param>
internal sealed record DaemonLogging(LogLevel MinimumLevel, bool ToStandardError);

/// <summary>What only a daemon run from a configuration file does (<c>serve</c>, not <c>demo</c>).</summary>
/// <param name="Reload">Reads the configuration again, as at start, for <c>SIGHUP</c>.</param>
internal sealed record ServeOptions(Func<ConfigLoadResult> Reload);

/// <summary>
/// The one way a host running tunnels is built, whether its settings come from a configuration file
/// (<c>serve</c>) or are made in memory (<c>demo</c>): pool sessions, the tunnel service, the health endpoint and metrics,
/// probes (on demand and periodic), graceful stop.
/// </summary>
internal static class DaemonHost
{
    /// <param name="settings">The tunnels to run.</param>
    /// <param name="logging">Where to log.</param>
    /// <param name="serve">
    /// For <c>serve</c>: reload on <c>SIGHUP</c> and take the listening sockets systemd passed. Null for the demo,
    /// whose settings come from no file.
    /// </param>
    public static IHost Build(DaemonSettings settings, DaemonLogging logging, ServeOptions? serve = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logging);
        // Before anything opens a socket: systemd's soft limit is 1024, and each viewer holds two descriptors.
        OpenFilesLimit.RaiseToHardLimit();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging, logging);
        var environment = DaemonSettingsLoader.ProcessEnvironment();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Timeouts.Drain + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        // The metrics read pools and tunnels only when scraped, so they can be built first and observe the pools' calls.
        builder.Services.AddSingleton(sp => new DaemonMetrics(
            () => sp.GetRequiredService<PoolRegistry>().All,
            () => sp.GetRequiredService<TunnelService>().Listeners,
            () => sp.GetRequiredService<TunnelService>().AutoTunnels));
        builder.Services.AddSingleton(sp => new PoolRegistry(
            settings.Pools, sp.GetRequiredService<ILoggerFactory>(), TimeProvider.System, sp.GetRequiredService<DaemonMetrics>()));
        builder.Services.AddSingleton(sp => serve is null
            ? ActivatedSockets.None
            : ActivatedSockets.FromEnvironment(environment, sp.GetRequiredService<ILoggerFactory>().CreateLogger<ActivatedSockets>()));
        builder.Services.AddSingleton<TunnelService>();
        builder.Services.AddSingleton<TunnelProbes>();
        builder.Services.AddSingleton<HealthService>();
        // sd_notify whenever NOTIFY_SOCKET is set, whoever our parent is (systemd-run, a container's manager, tests).
        builder.Services.AddSingleton(sp => new SystemdNotifier(
            NotifySocket.FromEnvironment(environment),
            WatchdogInterval.FromEnvironment(environment, Environment.ProcessId),
            sp.GetRequiredService<TunnelService>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            TimeProvider.System,
            sp.GetRequiredService<ILogger<SystemdNotifier>>()));

        // Hosted services start in this order and stop in reverse. The notifier comes first so it stops last:
        // STOPPING=1 goes out when stopping begins, and watchdog pings go on while connections drain. READY=1
        // waits for ApplicationStarted, after every service below started. The health endpoint answers only
        // once every tunnel listens (and, being a lifecycle service, stops only after they drained).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SystemdNotifier>());
        if (serve is not null)
        {
            builder.Services.AddHostedService(sp => new ConfigReloader(
                serve.Reload,
                sp.GetRequiredService<TunnelService>(),
                sp.GetRequiredService<SystemdNotifier>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILogger<ConfigReloader>>()));
        }

        builder.Services.AddHostedService(sp => sp.GetRequiredService<TunnelService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HealthService>());
        // Periodic probes start once tunnels and the endpoint run, and stop first.
        builder.Services.AddHostedService<ProbeScheduler>();
        return builder.Build();
    }

    /// <summary>Single-line console logging; also used for loggers that live outside the host (the demo's simulated pool).</summary>
    public static void ConfigureLogging(ILoggingBuilder builder, DaemonLogging logging)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(logging);
        if (JournalStream.IsConnected(DaemonSettingsLoader.ProcessEnvironment()))
        {
            // The journal's own line format: a <N> severity prefix per line, no colours, its own timestamps.
            builder.AddSystemdConsole();
        }
        else
        {
            // A terminal or a file keeps no time of its own.
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            });
        }

        // The framework's own lines (a "Request starting" pair per HTTP request, "Application started") only with
        // --verbose: the daemon's lines say what happened.
        if (logging.MinimumLevel > LogLevel.Debug)
        {
            builder.AddFilter("Microsoft", LogLevel.Warning);
        }

        if (logging.ToStandardError)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.SetMinimumLevel(logging.MinimumLevel);
    }
}
