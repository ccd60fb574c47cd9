using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.AutoTunnels;
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

    private readonly AutoTunnelGenerator _generator = new(pools, loggerFactory.CreateLogger("XcpTunnel.AutoTunnels"));

    // A pool's VMs changed: one pending request is enough, however many changes arrive while one is applied.
    private readonly Channel<bool> _follow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopFollowing = new();
    private Task _following = Task.CompletedTask;

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

    /// <summary>The settings the tunnels run with now (the last reload's, once one succeeded), generated tunnels included.</summary>
    public DaemonSettings Settings => _settings;

    /// <summary>How each pool's <c>AutoTunnels</c> stand.</summary>
    public IReadOnlyList<AutoTunnelStatus> AutoTunnels => _generator.Status;

    /// <summary>The running tunnel named <paramref name="name"/>, or null.</summary>
    public TunnelSettings? FindTunnel(string name) =>
        _listeners.Select(l => l.Tunnel).FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var warning in _settings.Warnings)
        {
            DaemonLog.ConfigWarning(_logger, warning);
        }

        // The generated tunnels of the last run, from the state files: they listen at once, before the pools answer.
        var current = _settings = WithGenerated(_settings);

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
                try
                {
                    started.Add(StartListener(tunnel, current.Timeouts));
                }
                catch (ListenerStartException ex) when (tunnel.GeneratedFor is not null)
                {
                    // A port some other program holds costs that VM its tunnel, not the daemon its start.
                    DaemonLog.ReloadListenerFailed(_logger, ex.Message);
                }
            }
        }
        finally
        {
            // Published even when one fails, so stopping the host closes those that did start.
            _listeners = started;
        }

        DaemonLog.Serving(_logger, started.Count);
        WarmUp(pools.All);
        pools.VmsChanged += _ => _follow.Writer.TryWrite(true);
        _following = FollowLoopAsync(_stopFollowing.Token);
        pools.StartConsoleCaches();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopFollowing.CancelAsync().ConfigureAwait(false);
        await _following.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
        _stopFollowing.Dispose();
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
            var key = tunnel.GeneratedFor is null ? $"Tunnels:{tunnel.Name}:Listen" : $"Pools:{tunnel.Pool}:AutoTunnels (VM {tunnel.GeneratedFor})";
            throw new ListenerStartException($"{key}: cannot listen on {tunnel.ListenText}: {ex.Message}", ex);
        }
    }

    private async Task FollowLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in _follow.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await FollowPoolsAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (AutoTunnelStateException ex)
                {
                    DaemonLog.ReloadListenerFailed(_logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
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
