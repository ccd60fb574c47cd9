using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Health;
using XcpTunnel.Interop;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Systemd;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Daemon;

/// <summary>
/// Starts a listener for every configured tunnel over the shared pool sessions (on the socket systemd passed
/// under the tunnel's name, if any), applies reloads (<see cref="ReloadAsync"/>), and on stop stops accepting
/// everywhere, drains live connections for the configured time, then logs out of XAPI.
/// </summary>
internal sealed partial class TunnelService(
    DaemonSettings settings,
    PoolRegistry pools,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    DaemonMetrics? metrics = null,
    ActivatedSockets? activated = null)
    : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TunnelService>();
    private readonly ILogger _tunnelLogger = loggerFactory.CreateLogger("XcpTunnel.Tunnels");

    // Reloads and the stop take turns; a stop waits for a reload in progress to finish.
    private readonly SemaphoreSlim _changes = new(1, 1);

    // Listeners of removed or changed tunnels draining in the background, then the pool sessions they used.
    private readonly List<Task> _retiring = [];

    // Shared by every listener, for as long as the daemon runs: a reload does not change them.
    private readonly ListenerLimits _limits = new(
        new ConnectionBudget(ConnectionCapacity(settings.Limits.MaxConnections, OpenFilesLimit.Current)),
        new ConnectionBudget(ListenerLimits.DefaultRefusals));

    // Both replaced whole, never mutated, so the health endpoint and the metrics read them without a lock.
    private volatile IReadOnlyList<TunnelListener> _listeners = [];
    private volatile DaemonSettings _settings = settings;
    private bool _stopped;

    public IReadOnlyList<TunnelListener> Listeners => _listeners;

    /// <summary>
    /// Descriptors kept out of the viewers' budget: the runtime's own, the pools' RPC and event connections, the
    /// health endpoint's connections, refusals in flight, systemd's and the journal's sockets.
    /// </summary>
    internal const int ReservedDescriptors = 256;

    /// <summary>The viewer connections <paramref name="openFiles"/> descriptors allow (two each), at most <paramref name="configured"/>.</summary>
    internal static int ConnectionCapacity(int configured, long openFiles) =>
        (int)Math.Min(configured, Math.Max(1, (openFiles - ReservedDescriptors) / 2));

    /// <summary>The settings the tunnels run with now (the last reload's, once one succeeded).</summary>
    public DaemonSettings Settings => _settings;

    /// <summary>The running tunnel named <paramref name="name"/>, or null.</summary>
    public TunnelSettings? FindTunnel(string name) =>
        _listeners.Select(l => l.Tunnel).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var current = _settings;
        foreach (var warning in current.Warnings)
        {
            DaemonLog.ConfigWarning(_logger, warning);
        }

        activated?.CloseUnclaimed(current.Tunnels.Select(t => t.Name), _logger);
        if (_limits.Connections.Capacity < current.Limits.MaxConnections)
        {
            DaemonLog.ConnectionsLowered(_logger, current.Limits.MaxConnections, _limits.Connections.Capacity, OpenFilesLimit.Current);
        }

        List<TunnelListener> started = [];
        try
        {
            foreach (var tunnel in current.Tunnels)
            {
                started.Add(StartListener(tunnel, current.Timeouts));
            }
        }
        finally
        {
            // Published even when one fails, so stopping the host closes those that did start.
            _listeners = started;
        }

        DaemonLog.Serving(_logger, started.Count);
        WarmUp(pools.All);
        pools.StartConsoleCaches();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _stopped = true;
            var drain = _settings.Timeouts.Drain;
            var listeners = _listeners;
            DaemonLog.Stopping(_logger, drain.TotalSeconds);
            await Task.WhenAll(listeners.Select(l => l.StopAcceptingAsync())).ConfigureAwait(false);
            await Task.WhenAll(listeners.Select(l => l.StopAsync(drain))).ConfigureAwait(false);
            await Task.WhenAll(_retiring).ConfigureAwait(false);
            await pools.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _changes.Dispose();
    }

    private TunnelListener StartListener(TunnelSettings tunnel, TunnelTimeouts timeouts)
    {
        var dialer = new ConsoleDialer(pools.ConsolesOf(tunnel.Pool), timeouts.ConnectReply);
        var handler = new TunnelConnectionHandler(
            tunnel, ct => dialer.DialAsync(tunnel.Vm, ct), timeouts, time, _tunnelLogger, metrics: metrics?.ForTunnel(tunnel.Name));
        if (activated?.For(tunnel.Name) is { Count: > 0 } passed)
        {
            SystemdLog.UsingActivatedSockets(_logger, tunnel.Name, tunnel.ListenText);
            return TunnelListener.Start(handler, passed, _tunnelLogger, ownsSockets: false, _limits);
        }

        try
        {
            return TunnelListener.Start(handler, _tunnelLogger, _limits);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new ListenerStartException($"Tunnels:{tunnel.Name}:Listen: cannot listen on {tunnel.ListenText}: {ex.Message}", ex);
        }
    }

    private void WarmUp(IEnumerable<Protocol.Xapi.Sessions.XapiPoolSession> sessions)
    {
        foreach (var pool in sessions)
        {
            // Log in early so a wrong password or certificate shows in the log at start, not at the first viewer.
            _ = WarmUpAsync(pool);
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
