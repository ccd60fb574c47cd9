using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Rfb.Server;

namespace XcpTunnel.Tunnels;

/// <summary>
/// The listening sockets of one tunnel and the connections they accepted. The accept loop never dies
/// (errors back off and retry), connections beyond the tunnel's cap are told so in RFB and closed, and
/// stopping is two steps: stop accepting, then drain live connections for a bounded time.
/// </summary>
internal sealed class TunnelListener : IAsyncDisposable
{
    private const int Backlog = 128;
    private static readonly TimeSpan MaxAcceptBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(5);

    private readonly TunnelConnectionHandler _handler;
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

    private TunnelListener(TunnelConnectionHandler handler, IReadOnlyList<Socket> sockets, bool ownsSockets, ILogger logger)
    {
        _handler = handler;
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
    public static TunnelListener Start(TunnelConnectionHandler handler, ILogger logger)
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

        return Start(handler, sockets, logger, ownsSockets: true, files);
    }

    /// <summary>Starts accepting on sockets that are already listening (systemd socket activation).</summary>
    /// <param name="handler">Serves each accepted viewer.</param>
    /// <param name="listening">Bound and listening.</param>
    /// <param name="logger">The tunnels' logger.</param>
    /// <param name="ownsSockets">
    /// Whether stopping closes them. Sockets systemd passed are not the listener's: a reload that restarts the
    /// tunnel hands them to its next listener, so stopping only stops accepting on them.
    /// </param>
    public static TunnelListener Start(TunnelConnectionHandler handler, IReadOnlyList<Socket> listening, ILogger logger, bool ownsSockets = true) =>
        Start(handler, listening, logger, ownsSockets, []);

    private static TunnelListener Start(
        TunnelConnectionHandler handler, IReadOnlyList<Socket> listening, ILogger logger, bool ownsSockets, IEnumerable<(string, ulong)> socketFiles)
    {
        var listener = new TunnelListener(handler, listening, ownsSockets, logger);
        listener._socketFiles.AddRange(socketFiles);
        foreach (var socket in listening)
        {
            var name = listener.NameOf(socket);
            TunnelLog.Listening(logger, handler.Tunnel.Name, name, handler.Tunnel.Vm, handler.Tunnel.Pool);
            listener._acceptLoops.Add(listener.AcceptLoopAsync(socket));
        }

        return listener;
    }

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
        if (await Task.WhenAny(drained, Task.Delay(drainTime)).ConfigureAwait(false) != drained)
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
                // Out of descriptors or a transient kernel error: wait and go on, never give up the port.
                TunnelLog.AcceptFailed(_logger, Name, endPoint, (int)backoff.TotalMilliseconds, ex.Message);
                await Task.Delay(backoff).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxAcceptBackoff.Ticks));
                continue;
            }

            Interlocked.Increment(ref _total);
            Track(Interlocked.Increment(ref _active) > _handler.Tunnel.MaxConnections
                ? RefuseAsync(viewer)
                : _handler.HandleAsync(viewer, _abortConnections.Token));
        }
    }

    // A unix socket was bound under a staging name and renamed (UnixSocketListener): the kernel still reports the
    // staging name, so the file's real path is the tunnel's configured one. systemd's sockets report their own.
    private EndPoint NameOf(Socket socket) =>
        socket.LocalEndPoint is UnixDomainSocketEndPoint && _socketFiles.Count > 0
            ? _handler.Tunnel.Listen.OfType<UnixDomainSocketEndPoint>().First()
            : socket.LocalEndPoint!;

    private void Track(Task connection)
    {
        _connections.TryAdd(connection, 0);
        _ = connection.ContinueWith(
            (done, state) =>
            {
                var self = (TunnelListener)state!;
                self._connections.TryRemove(done, out _);
                Interlocked.Decrement(ref self._active);
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task RefuseAsync(Socket viewer)
    {
        var limit = _handler.Tunnel.MaxConnections;
        TunnelLog.OverCapacity(_logger, Name, viewer.RemoteEndPoint, limit);
        _handler.Metrics?.ConnectionEnded(TunnelOutcome.OverCapacity);
        await using var stream = new NetworkStream(viewer, ownsSocket: true);
        using var handshake = new RfbViewerHandshake(stream, RfbViewerSecurity.None, new RfbViewerHandshakeOptions { MessageTimeout = RefusalTimeout });
        await handshake.RefuseAsync($"tunnel '{Name}' already has {limit} viewers, its limit", CancellationToken.None).ConfigureAwait(false);
    }
}
