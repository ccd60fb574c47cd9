using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using XcpTunnel.Configuration;
using XcpTunnel.Health;
using XcpTunnel.Probes;

namespace XcpTunnel.Daemon;

/// <summary>Where and how much the daemon logs.</summary>
/// <param name="MinimumLevel">Least severe level written.</param>
/// <param name="ToStandardError">All of it to stderr (so stdout stays for a command's own output), else stdout.</param>
internal sealed record DaemonLogging(LogLevel MinimumLevel, bool ToStandardError);

/// <summary>
/// The one way a host running tunnels is built, whether its settings come from a configuration file
/// (<c>serve</c>) or are made in memory (<c>demo</c>): pool sessions, the tunnel service, the health endpoint and metrics,
/// probes (on demand and periodic), graceful stop.
/// </summary>
internal static class DaemonHost
{
    public static IHost Build(DaemonSettings settings, DaemonLogging logging)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logging);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging, logging);
        // Under systemd: journald log format and sd_notify; elsewhere a no-op.
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Timeouts.Drain + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        // The metrics read pools and tunnels only when scraped, so they can be built first and observe the pools' calls.
        builder.Services.AddSingleton(sp => new DaemonMetrics(
            () => sp.GetRequiredService<PoolRegistry>().All, () => sp.GetRequiredService<TunnelService>().Listeners));
        builder.Services.AddSingleton(sp => new PoolRegistry(
            settings.Pools, sp.GetRequiredService<ILoggerFactory>(), TimeProvider.System, sp.GetRequiredService<DaemonMetrics>()));
        builder.Services.AddSingleton<TunnelService>();
        builder.Services.AddSingleton<TunnelProbes>();
        builder.Services.AddSingleton<HealthService>();
        // Hosted services start in this order and stop in reverse: the health endpoint answers only once
        // every tunnel listens (and, being a lifecycle service, stops only after they drained).
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
        builder.AddSimpleConsole(o => o.SingleLine = true);
        if (logging.ToStandardError)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.SetMinimumLevel(logging.MinimumLevel);
    }
}
