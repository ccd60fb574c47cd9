using System.Collections.Concurrent;

namespace XcpTunnel.Simulator;

/// <summary>What the pool has seen, for assertions. Every member is thread-safe and monotonic except <see cref="LiveSessions"/> and <see cref="LiveTunnels"/>.</summary>
public sealed class SimulatedCounters
{
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, long> _connects = new();
    private readonly ConcurrentQueue<string> _requestLog = new();
    private readonly ConcurrentQueue<string> _proxiedClients = new();
    private long _logins;
    private long _failedLogins;
    private long _logouts;
    private long _liveSessions;
    private long _sessionsEvicted;
    private long _tlsHandshakes;
    private long _failedTlsHandshakes;
    private long _liveTunnels;
    private long _idleClosed;
    private long _eventsSent;

    /// <summary>Successful <c>session.login_with_password</c> calls.</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Logins refused with <c>SESSION_AUTHENTICATION_FAILED</c>.</summary>
    public long FailedLogins => Interlocked.Read(ref _failedLogins);

    /// <summary><c>session.logout</c> calls that destroyed a session.</summary>
    public long Logouts => Interlocked.Read(ref _logouts);

    /// <summary>Sessions alive now (logged in, not logged out, expired, evicted or killed by <see cref="SimulatedPool.ExpireAllSessions"/>).</summary>
    public long LiveSessions => Interlocked.Read(ref _liveSessions);

    /// <summary>Sessions destroyed because their user went over xapi's per-user session cap.</summary>
    public long SessionsEvicted => Interlocked.Read(ref _sessionsEvicted);

    /// <summary>Completed TLS handshakes, all hosts.</summary>
    public long TlsHandshakes => Interlocked.Read(ref _tlsHandshakes);

    /// <summary>TLS handshakes that failed or timed out.</summary>
    public long FailedTlsHandshakes => Interlocked.Read(ref _failedTlsHandshakes);

    /// <summary>Event records sent by <c>event.from</c>, all calls together: what following the pool costs on the wire.</summary>
    public long EventRecordsSent => Interlocked.Read(ref _eventsSent);

    /// <summary>Behind a front end: the client address each connection's PROXY line named, in order (the last 10,000).</summary>
    public IReadOnlyList<string> ProxiedClients => [.. _proxiedClients];

    /// <summary>Tunnels closed by the console idle timeout.</summary>
    public long IdleClosedTunnels => Interlocked.Read(ref _idleClosed);

    /// <summary>CONNECT tunnels open now (after their 200).</summary>
    public long LiveTunnels => Interlocked.Read(ref _liveTunnels);

    /// <summary>All CONNECT requests answered, whatever the status.</summary>
    public long Connects => _connects.Values.Sum();

    /// <summary>CONNECT requests answered with <paramref name="status"/> (200, 401, 403, 404, 500, 503 …).</summary>
    public long ConnectsWithStatus(int status) => _connects.TryGetValue(status, out long n) ? n : 0;

    /// <summary>RPC calls of <paramref name="method"/> (e.g. <c>VM.get_record</c>) that reached the dispatcher, either transport.</summary>
    public long Calls(string method) => _calls.TryGetValue(method, out long n) ? n : 0;

    /// <summary>
    /// Every request line the hosts received, as xapi writes them to xensource.log at debug level: the query string
    /// as sent, cookie values filtered. Whatever a client puts in a URL ends up in the host's logs (the last
    /// <see cref="MaxLoggedRequests"/> requests are kept).
    /// </summary>
    public IReadOnlyList<string> RequestLog => [.. _requestLog];

    /// <summary>How many request lines <see cref="RequestLog"/> keeps.</summary>
    public const int MaxLoggedRequests = 10_000;

    /// <summary>All RPC calls that reached the dispatcher.</summary>
    public long TotalCalls => _calls.Values.Sum();

    internal void LoginSucceeded()
    {
        Interlocked.Increment(ref _logins);
        Interlocked.Increment(ref _liveSessions);
    }

    internal void LoginFailed() => Interlocked.Increment(ref _failedLogins);

    internal void LoggedOut() => Interlocked.Increment(ref _logouts);

    internal void SessionEnded() => Interlocked.Decrement(ref _liveSessions);

    internal void SessionEvicted() => Interlocked.Increment(ref _sessionsEvicted);

    internal void TlsHandshakeCompleted() => Interlocked.Increment(ref _tlsHandshakes);

    internal void TlsHandshakeFailed() => Interlocked.Increment(ref _failedTlsHandshakes);

    internal void Proxied(string client)
    {
        _proxiedClients.Enqueue(client);
        while (_proxiedClients.Count > MaxLoggedRequests)
        {
            _proxiedClients.TryDequeue(out _);
        }
    }

    internal void EventsSent(int count) => Interlocked.Add(ref _eventsSent, count);

    internal void IdleClosed() => Interlocked.Increment(ref _idleClosed);

    internal void TunnelOpened() => Interlocked.Increment(ref _liveTunnels);

    internal void TunnelClosed() => Interlocked.Decrement(ref _liveTunnels);

    internal void Connected(int status) => _connects.AddOrUpdate(status, 1, static (_, n) => n + 1);

    internal void Logged(string line)
    {
        _requestLog.Enqueue(line);
        while (_requestLog.Count > MaxLoggedRequests)
        {
            _requestLog.TryDequeue(out _);
        }
    }

    internal void Called(string method) => _calls.AddOrUpdate(method, 1, static (_, n) => n + 1);
}
