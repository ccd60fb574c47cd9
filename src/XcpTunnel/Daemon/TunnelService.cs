using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Health;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Daemon;

/// <summary>
/// Starts a listener for every configured tunnel over the shared pool sessions, and on stop stops
/// accepting everywhere, drains live connections for the configured time, then logs out of XAPI.
/// </summary>
internal sealed class TunnelService(
    DaemonSettings settings, PoolRegistry pools, TimeProvider time, ILoggerFactory loggerFactory, DaemonMetrics? metrics = null)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TunnelService>();
    private readonly List<TunnelListener> _listeners = [];

    public IReadOnlyList<TunnelListener> Listeners => _listeners;

    /// <summary>The settings the tunnels run with now.</summary>
    public DaemonSettings Settings => settings;

    /// <summary>The running tunnel named <paramref name="name"/>, or null.</summary>
    public TunnelSettings? FindTunnel(string name) =>
        _listeners.Select(l => l.Tunnel).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in settings.Warnings)
        {
            DaemonLog.ConfigWarning(_logger, warning);
        }

        var tunnelLogger = loggerFactory.CreateLogger("XcpTunnel.Tunnels");
        foreach (var tunnel in settings.Tunnels)
        {
            var dialer = new ConsoleDialer(pools.ConsolesOf(tunnel.Pool), settings.Timeouts.ConnectReply);
            var handler = new TunnelConnectionHandler(
                tunnel, dialer, settings.Timeouts, time, tunnelLogger, metrics: metrics?.ForTunnel(tunnel.Name));
            try
            {
                _listeners.Add(TunnelListener.Start(handler, tunnelLogger));
            }
            catch (SocketException ex)
            {
                throw new ListenerStartException($"Tunnels:{tunnel.Name}:Listen: cannot listen on {tunnel.ListenText}: {ex.Message}", ex);
            }
        }

        DaemonLog.Serving(_logger, _listeners.Count);
        pools.StartConsoleCaches();
        foreach (var pool in pools.All)
        {
            // Log in early so a wrong password or certificate shows in the log at start, not at the first viewer.
            _ = WarmUpAsync(pool);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        DaemonLog.Stopping(_logger, settings.Timeouts.Drain.TotalSeconds);
        await Task.WhenAll(_listeners.Select(l => l.StopAcceptingAsync())).ConfigureAwait(false);
        await Task.WhenAll(_listeners.Select(l => l.StopAsync(settings.Timeouts.Drain))).ConfigureAwait(false);
        await pools.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WarmUpAsync(Protocol.Xapi.Sessions.XapiPoolSession pool)
    {
        try
        {
            await pool.GetSessionAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is XcpTunnelException or ObjectDisposedException)
        {
            DaemonLog.WarmUpFailed(_logger, pool.Options.Name, ex.Message);
        }
    }
}
