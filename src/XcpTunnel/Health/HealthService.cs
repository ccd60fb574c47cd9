using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Probes;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Health;

/// <summary>
/// The health endpoint on <c>Health:Listen</c>: <c>/healthz</c>, <c>/tunnels</c>, <c>/metrics</c>, and the
/// probe routes of <see cref="ProbeEndpoints"/>,
/// served by Kestrel in a slim web host of its own. It starts after the tunnel listeners (it is
/// registered after them) and stops after them too, in <see cref="StoppedAsync"/>, so monitoring
/// sees 503 "stopping" while connections drain instead of a refused connection.
/// No health addresses (the demo) means no endpoint.
/// </summary>
internal sealed class HealthService(
    DaemonSettings settings,
    TunnelService tunnels,
    PoolRegistry pools,
    DaemonMetrics metrics,
    TunnelProbes probes,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>Connections the endpoint holds at most; part of <see cref="TunnelService.ReservedDescriptors"/>.</summary>
    public const int MaxConnections = 64;

    private readonly ILogger _logger = loggerFactory.CreateLogger<HealthService>();
    private WebApplication? _app;

    /// <summary>The URLs Kestrel bound (with the real port when the configuration said 0); empty before start.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Health.Listen.Count == 0)
        {
            return;
        }

        var app = Build();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            // Kestrel wraps the socket error ("Address already in use") in "Failed to bind to address …".
            var reason = (ex.InnerException ?? ex).Message.TrimEnd('.');
            throw new ListenerStartException($"Health:Listen: cannot listen on {settings.Health.ListenText}: {reason}", ex);
        }

        _app = app;
        Addresses = [.. (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(a => new Uri(a))];
        HealthLog.Listening(_logger, Addresses);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    /// <summary>Why the daemon is not healthy, or null when every tunnel listener is bound and accepting.</summary>
    internal string? Unhealthy()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return "stopping: no longer accepting viewers, draining connections";
        }

        // Tunnels start before this endpoint answers, so a configured tunnel without a listener is one
        // whose address could not be bound at a reload (the reason is in the log).
        var listeners = tunnels.Listeners;
        var unbound = tunnels.Settings.Tunnels.Select(t => t.Name).Except(listeners.Select(l => l.Name), StringComparer.Ordinal).ToList();
        if (unbound.Count > 0)
        {
            return $"not listening: tunnel(s) {string.Join(", ", unbound)} could not bind (see the log)";
        }

        var closed = listeners.Where(l => !l.IsAccepting).Select(l => l.Name).ToList();
        return closed.Count == 0 ? null : $"not accepting: tunnel(s) {string.Join(", ", closed)}";
    }

    internal IReadOnlyList<TunnelStatus> Tunnels()
    {
        // A renamed VM's tunnel runs on: its listener keeps the settings it started with, the settings have the new name.
        var current = tunnels.Settings.Tunnels.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return [.. tunnels.Listeners.Select(l => Status(l, current.GetValueOrDefault(l.Name) ?? l.Tunnel))];
    }

    private TunnelStatus Status(TunnelListener listener, TunnelSettings tunnel) => new(
        listener.Name,
        [.. listener.EndPoints.Select(e => e.ToString() ?? string.Empty)],
        tunnel.Pool,
        tunnel.Vm,
        listener.ActiveConnections,
        listener.TotalConnections,
        pools[tunnel.Pool].IsLoggedIn,
        listener.Metrics?.Outcomes ?? new Dictionary<string, long>(),
        tunnel.VmDisplay,
        tunnel.GeneratedFor is not null);

    private WebApplication Build()
    {
        // No args and no content root files: only the daemon's configuration says what this host does.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        // The daemon's host owns SIGTERM and systemd; this inner host must not react to signals itself.
        builder.Services.AddSingleton<IHostLifetime, InnerHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Monitoring asks a few short questions: a silent or slow client is let go quickly, and beyond a
            // handful of connections Kestrel closes new ones at once instead of holding their descriptors.
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            foreach (var endPoint in settings.Health.Listen)
            {
                kestrel.Listen(endPoint, HealthAccess.IdentifyPeers);
            }
        });

        var app = builder.Build();
        HealthAccess.Guard(app, settings.Health);
        // RequestDelegate handlers, not delegates bound by reflection: nothing here needs the
        // request delegate generator or runtime code generation.
        app.MapGet("/healthz", (RequestDelegate)WriteHealthAsync);
        app.MapGet("/tunnels", (RequestDelegate)WriteTunnelsAsync);
        app.MapGet("/metrics", (RequestDelegate)WriteMetricsAsync);
        ProbeEndpoints.Map(app, probes, tunnels);
        StatusPage.Map(app, tunnels, pools, metrics.Probes, probes);
        return app;
    }

    private Task WriteHealthAsync(HttpContext context)
    {
        var problem = Unhealthy();
        return HealthResponses.WriteTextAsync(context, problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, problem ?? "ok");
    }

    private Task WriteTunnelsAsync(HttpContext context) =>
        HealthResponses.WriteJsonAsync(context, Tunnels(), HealthJsonContext.Default.IReadOnlyListTunnelStatus);

    private Task WriteMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusTextExporter.ContentType;
        return context.Response.WriteAsync(metrics.Exporter.Scrape(), context.RequestAborted);
    }

    private sealed class InnerHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
