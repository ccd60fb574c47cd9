using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Rfb.Server;

namespace XcpTunnel.Tunnels;

/// <summary>
/// The listening sockets of one tunnel and the connections they accepted. The accept loop never dies
/// (errors back off and retry; out of descriptors, a reserved one lets it take and refuse a waiting viewer),
/// connections beyond the tunnel's cap or the daemon's budget are told so in RFB and closed without holding a
/// viewer's place, and stopping is two steps: stop accepting, then drain live connections for a bounded time.
/// </summary>
internal sealed class TunnelListener : IAsyncDisposable
{
    // The kernel caps it at net.core.somaxconn (4096 on current kernels): a burst of viewers waits to be accepted
    // instead of being dropped.
    private const int Backlog = int.MaxValue;
    private static readonly TimeSpan MaxAcceptBackoff = TimeSpan.FromSeconds(1);

    // A refused viewer has this long to send its version and hear why; then it is closed regardless.
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(2);

    private readonly TunnelConnectionHandler _handler;
    private readonly ListenerLimits _limits;
    private readonly IReadOnlyList<Socket> _sockets;
    private readonly bool _ownsSockets;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _abortConnections = new();
    private readonly List<Task> _acceptLoops = [];

    // The socket files this listener made, removed again when it stops.
    private readonly List<(string Path, ulong Inode)> _socketFiles = [];
    private int _active;
    private long _total;

    private TunnelListener(TunnelConnectionHandler handler, ListenerLimits limits, IReadOnlyList<Socket> sockets, bool ownsSockets, ILogger logger)
    {
        _handler = handler;
        _limits = limits;
        _sockets = sockets;
        _ownsSockets = ownsSockets;
        _logger = logger;
    }

    public string Name => _handler.Tunnel.Name;

    /// <summary>The tunnel this listener serves.</summary>
    public TunnelSettings Tunnel => _handler.Tunnel;

    public int ActiveConnections => Volatile.Read(ref _active);

    /// <summary>The tunnel's share of the daemon's metrics; null outside the daemon.</summary>
    public Health.TunnelMetrics? Metrics => _handler.Metrics;

    /// <summary>Viewers accepted since the start, refused ones included.</summary>
    public long TotalConnections => Interlocked.Read(ref _total);

    /// <summary>Whether the listener still accepts viewers (false once stopping started).</summary>
    public bool IsAccepting => !_stopAccepting.IsCancellationRequested;

    public IReadOnlyList<EndPoint> EndPoints => [.. _sockets.Select(NameOf)];

    /// <summary>Binds every address of the tunnel and starts accepting.</summary>
    /// <exception cref="SocketException">An address cannot be bound (in use, not local); nothing stays bound.</exception>
    public static TunnelListener Start(TunnelConnectionHandler handler, ILogger logger, ListenerLimits? limits = null)
    {
        var sockets = new List<Socket>();
        var files = new List<(string, ulong)>();
        try
        {
            foreach (var endPoint in handler.Tunnel.Listen)
            {
                if (endPoint is UnixDomainSocketEndPoint unix)
                {
                    var (socket, inode) = UnixSocketListener.Bind(unix, handler.Tunnel.UnixSocket ?? UnixSocketSettings.Default, Backlog);
                    sockets.Add(socket);
                    files.Add((unix.ToString(), inode));
                }
                else
                {
                    sockets.Add(Bind((IPEndPoint)endPoint));
                }
            }
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            files.ForEach(f => UnixSocketListener.Remove(f.Item1, f.Item2));
            throw;
        }

        return Start(handler, limits ?? ListenerLimits.Unlimited, sockets, logger, ownsSockets: true, files);
    }

    /// <summary>Starts accepting on sockets that are already listening (systemd socket activation).</summary>
    /// <param name="handler">Serves each accepted viewer.</param>
    /// <param name="listening">Bound and listening.</param>
    /// <param name="logger">The tunnels' logger.</param>
    /// <param name="ownsSockets">
    /// Whether stopping closes them. Sockets systemd passed are not the listener's: a reload that restarts the
    /// tunnel hands them to its next listener, so stopping only stops accepting on them.
    /// </param>
    /// <param name="limits">The daemon's budgets; none but the tunnel's own cap when null.</param>
    public static TunnelListener Start(
        TunnelConnectionHandler handler, IReadOnlyList<Socket> listening, ILogger logger, bool ownsSockets = true, ListenerLimits? limits = null) =>
        Start(handler, limits ?? ListenerLimits.Unlimited, listening, logger, ownsSockets, []);

    private static TunnelListener Start(
        TunnelConnectionHandler handler,
        ListenerLimits limits,
        IReadOnlyList<Socket> listening,
        ILogger logger,
        bool ownsSockets,
        IEnumerable<(string, ulong)> socketFiles)
    {
        var listener = new TunnelListener(handler, limits, listening, ownsSockets, logger);
        listener._socketFiles.AddRange(socketFiles);
        foreach (var socket in listening)
        {
            var name = listener.NameOf(socket);
            TunnelLog.Listening(logger, handler.Tunnel.Name, name, handler.Tunnel.Vm, handler.Tunnel.Pool);
            listener._acceptLoops.Add(listener.AcceptLoopAsync(socket));
        }

        return listener;
    }

    /// <summary>
    /// The tunnel is going away for good (<paramref name="reason"/>): viewers its drain cuts off are told that, not that
    /// the daemon is stopping.
    /// </summary>
    public void Removed(string reason) => _handler.RemovedBecause = reason;

    /// <summary>Stops accepting; live connections go on.</summary>
    public async Task StopAcceptingAsync()
    {
        if (_stopAccepting.IsCancellationRequested)
        {
            return;
        }

        // Cancelling the token ends pending accepts; a socket the listener does not own stays open and listening.
        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        if (_ownsSockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            foreach (var (path, inode) in _socketFiles)
            {
                UnixSocketListener.Remove(path, inode);
            }
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
    }

    /// <summary>Stops accepting, waits up to <paramref name="drainTime"/> for live connections, then closes the rest.</summary>
    public async Task StopAsync(TimeSpan drainTime)
    {
        await StopAcceptingAsync().ConfigureAwait(false);
        var live = _connections.Keys.ToArray();
        if (live.Length == 0)
        {
            return;
        }

        TunnelLog.Draining(_logger, Name, live.Length);
        var drained = Task.WhenAll(live);
        if (await Task.WhenAny(drained, Task.Delay(drainTime, _handler.Time)).ConfigureAwait(false) != drained)
        {
            TunnelLog.DrainExpired(_logger, Name, ActiveConnections);
            await _abortConnections.CancelAsync().ConfigureAwait(false);
        }

        await drained.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        _stopAccepting.Dispose();
        _abortConnections.Dispose();
        _handler.Dispose();
    }

    private static Socket Bind(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // [::1] means IPv6 loopback only; dual-stack would widen what the user configured.
                socket.DualMode = false;
            }

            // A reload that restarts a tunnel binds its port again while connections the old listener accepted
            // still hold it; Linux allows that only with SO_REUSEADDR (never two listeners on one port). .NET sets
            // it on Unix today; said here because reloads depend on it (ReloadTests rebinds under a live viewer).
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(Socket listening)
    {
        var backoff = TimeSpan.FromMilliseconds(10);
        var endPoint = NameOf(listening);
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket viewer;
            try
            {
                viewer = await listening.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(10);
            }
            catch (Exception) when (_stopAccepting.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors (the budget leaves room, but other processes' doings or a low limit can still
                // get here) or a transient kernel error: take one waiting viewer with the reserved descriptor and
                // refuse it, so the backlog drains and nothing spins; then wait and go on, never give up the port.
                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets && DescriptorReserve.Shared.TryRelease())
                {
                    await RefuseOneAsync(listening).ConfigureAwait(false);
                }

                TunnelLog.AcceptFailed(_logger, Name, endPoint, (int)backoff.TotalMilliseconds, ex.Message);
                await Task.Delay(backoff, _handler.Time).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxAcceptBackoff.Ticks));
                continue;
            }

            Interlocked.Increment(ref _total);
            Admit(viewer);
        }
    }

    /// <summary>A viewer gets a place in the daemon's budget and in the tunnel's, or is refused without taking one.</summary>
    private void Admit(Socket viewer)
    {
        if (!_limits.Connections.TryTake())
        {
            Refuse(viewer, $"xcptunnel already serves {_limits.Connections.Capacity} viewers, its limit");
            return;
        }

        if (Interlocked.Increment(ref _active) > _handler.Tunnel.MaxConnections)
        {
            Interlocked.Decrement(ref _active);
            _limits.Connections.Return();
            Refuse(viewer, $"tunnel '{Name}' already has {_handler.Tunnel.MaxConnections} viewers, its limit");
            return;
        }

        Track(_handler.HandleAsync(viewer, _abortConnections.Token), static self =>
        {
            Interlocked.Decrement(ref self._active);
            self._limits.Connections.Return();
        });
    }

    private void Refuse(Socket viewer, string reason)
    {
        _handler.Metrics?.ConnectionEnded(TunnelOutcome.OverCapacity);
        _handler.Refusals.Refused(TunnelOutcome.OverCapacity, $"{reason}; refused {viewer.RemoteEndPoint?.ToString() ?? "a viewer"}");
        if (!_limits.Refusals.TryTake())
        {
            // Too many refusals in flight already: this one is closed unheard rather than hold a descriptor.
            viewer.Dispose();
            return;
        }

        Track(TellAsync(viewer, reason), static self => self._limits.Refusals.Return());
    }

    // Out of descriptors: the reserve was let go so that one waiting viewer can be accepted and told, then it is
    // taken back for next time.
    private static async Task RefuseOneAsync(Socket listening)
    {
        try
        {
            using var cancel = new CancellationTokenSource(RefusalTimeout);
            var viewer = await listening.AcceptAsync(cancel.Token).ConfigureAwait(false);
            await TellAsync(viewer, "xcptunnel has run out of file descriptors; try again later").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Nobody was waiting after all, or the listener stopped.
        }
        finally
        {
            DescriptorReserve.Shared.TryTake();
        }
    }

    private static async Task TellAsync(Socket viewer, string reason)
    {
        await using var stream = new NetworkStream(viewer, ownsSocket: true);
        using var handshake = new RfbViewerHandshake(stream, RfbViewerSecurity.None, new RfbViewerHandshakeOptions { MessageTimeout = RefusalTimeout });
        await handshake.RefuseAsync(reason, CancellationToken.None).ConfigureAwait(false);
    }

    // A unix socket was bound under a staging name and renamed (UnixSocketListener): the kernel still reports the
    // staging name, so the file's real path is the tunnel's configured one. systemd's sockets report their own.
    private EndPoint NameOf(Socket socket) =>
        socket.LocalEndPoint is UnixDomainSocketEndPoint && _socketFiles.Count > 0
            ? _handler.Tunnel.Listen.OfType<UnixDomainSocketEndPoint>().First()
            : socket.LocalEndPoint!;

    private void Track(Task connection, Action<TunnelListener> ended)
    {
        _connections.TryAdd(connection, 0);
        _ = connection.ContinueWith(
            (done, state) =>
            {
                var self = (TunnelListener)state!;
                self._connections.TryRemove(done, out _);
                ended(self);
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
