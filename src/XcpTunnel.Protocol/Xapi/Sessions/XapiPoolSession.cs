using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>
/// The one live XAPI session of a pool, shared by every caller (xapi destroys the oldest sessions beyond 500 per
/// user, so a client that logs in per connection breaks other tools; docs/xapi-console-protocol.md "Sessions").
/// Logs in lazily on the coordinator, makes concurrent callers wait for a single login, and logs out on dispose.
/// It survives the coordinator: every host of the pool is remembered from its host records, and when the
/// coordinator stops answering (dead hosts time out, they do not refuse), answers <c>HOST_IS_SLAVE</c>, or forgets the
/// session (sessions are not persisted), the session logs in again on whichever host is coordinator now, asking every
/// known address at once, and repeats the call ("Coordinator failover").
/// </summary>
public sealed partial class XapiPoolSession : IAsyncDisposable
{
    private const string LoginApiVersion = "1.0";
    private static readonly TimeSpan LogoutTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Uri, XapiRpcClient> _clients = new();
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IXapiCallObserver? _observer;
    private volatile LiveSession? _live;
    private (long At, XapiLoginException Error)? _lastFailure;
    private long _logins;
    private bool _disposed;

    /// <summary>Creates the session holder; nothing is sent until the first call.</summary>
    /// <param name="options">The pool.</param>
    /// <param name="loggerFactory">Where session events are logged; none when null.</param>
    /// <param name="timeProvider">The clock for login back-off and call timings.</param>
    /// <param name="observer">Told the duration of every XAPI call, for metrics; none when null.</param>
    public XapiPoolSession(
        XapiPoolOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IXapiCallObserver? observer = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        foreach (var url in (IEnumerable<Uri>)[options.Url, .. options.FallbackUrls])
        {
            if (url.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"pool {options.Name}: XAPI URL {url} must use https", nameof(options));
            }
        }

        Tls = new TlsConnector(options.Trust, options.ConnectTimeout, options.TlsHandshakeTimeout, Members);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<XapiPoolSession>();
        _time = timeProvider ?? TimeProvider.System;
        _observer = observer;
    }

    /// <summary>The pool's options.</summary>
    public XapiPoolOptions Options { get; }

    /// <summary>The TLS connector for this pool's hosts: consoles are reached with the same trust.</summary>
    public TlsConnector Tls { get; }

    /// <summary>The pool's hosts as its coordinator last described them; kept while the coordinator is unreachable.</summary>
    public PoolMembers Members { get; } = new();

    /// <summary>
    /// The port consoles are reached on when their location names none usable: the port the pool's API is reached
    /// on (443 in practice), since the same front end serves both.
    /// </summary>
    public int ConsolePort => CoordinatorUrl?.Port ?? Options.Url.Port;

    /// <summary>How many successful logins this object made (a metric: it should stay near 1).</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Whether a session is currently held.</summary>
    public bool IsLoggedIn => _live is not null;

    /// <summary>The coordinator the current session was made on, if any.</summary>
    public Uri? CoordinatorUrl => _live?.Client.HostUrl;

    /// <summary>The live session, logging in first if there is none.</summary>
    /// <exception cref="XapiLoginException">The login failed (or failed less than <see cref="XapiPoolOptions.FailedLoginBackoff"/> ago).</exception>
    public async Task<XapiSessionRef> GetSessionAsync(CancellationToken cancellationToken) =>
        (await GetLiveAsync(rejected: null, hint: null, keepOnFailure: false, cancellationToken).ConfigureAwait(false)).Ref;

    /// <summary>
    /// Called when a host rejected <paramref name="rejected"/> (a CONNECT answered 401): returns a
    /// new session, made once however many callers report the same rejected one.
    /// </summary>
    public async Task<XapiSessionRef> RenewSessionAsync(XapiSessionRef rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return (await GetLiveAsync(rejected, hint: null, keepOnFailure: false, cancellationToken).ConfigureAwait(false)).Ref;
    }

    /// <summary>
    /// Calls <paramref name="method"/> with the session ref prepended to <paramref name="arguments"/>. When the session
    /// died (<c>SESSION_INVALID</c>) or the coordinator failed (unreachable, timed out, <c>HOST_IS_SLAVE</c>, an error
    /// raised before dispatch such as <c>HOST_STILL_BOOTING</c>), it logs in again, failing over to another host of
    /// the pool if need be, and repeats the call once. Only read-only calls go through here, so repeating is safe.
    /// </summary>
    /// <exception cref="XapiFailureException">XAPI answered with a failure.</exception>
    /// <exception cref="XapiTransportException">The coordinator could not be reached.</exception>
    /// <exception cref="XapiLoginException">No session could be made.</exception>
    public Task<JsonNode?> CallAsync(string method, IReadOnlyList<JsonNode?> arguments, CancellationToken cancellationToken) =>
        CallAsync(method, arguments, XapiCallOptions.Default, cancellationToken);

    /// <summary>As <see cref="CallAsync(string, IReadOnlyList{JsonNode?}, CancellationToken)"/>, with per-call options.</summary>
    internal async Task<JsonNode?> CallAsync(string method, IReadOnlyList<JsonNode?> arguments, XapiCallOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var live = await GetLiveAsync(rejected: null, hint: null, keepOnFailure: false, cancellationToken).ConfigureAwait(false);
        Exception failure;
        var hostFailed = false;
        string? hint = null;
        try
        {
            return await TimedCallAsync(live.Client, method, [live.Ref.Value, .. arguments], options, cancellationToken).ConfigureAwait(false);
        }
        catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.SessionInvalid)
        {
            XapiSessionLog.SessionExpired(_logger, Options.Name);
            failure = ex;
        }
        catch (Exception ex) when (IsHostFailure(ex))
        {
            XapiSessionLog.CoordinatorLost(_logger, Options.Name, live.Client.HostUrl, ex.Message);
            hint = ex is XapiFailureException { ErrorCode: XapiErrorCodes.HostIsSlave, Parameters.Count: > 0 } slave ? slave.Parameters[0] : null;
            // Its pooled connections may be the silent ones: later attempts on that host start afresh, and calls
            // still hanging there (event.from) are released at once instead of at their deadline.
            Retire(live.Client);
            failure = ex;
            hostFailed = true;
        }

        LiveSession renewed;
        try
        {
            renewed = await GetLiveAsync(live.Ref, hint, keepOnFailure: hostFailed, cancellationToken).ConfigureAwait(false);
        }
        catch (XapiLoginException) when (hostFailed && failure is not XapiTransportException { GivenUp: true })
        {
            // No host took a new login: the old session stays (the coordinator may be back in a moment), and the
            // caller hears what went wrong with its call. (A call whose connection another caller's failover gave up
            // has nothing to tell: it hears why that failover failed.)
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }

        if (!options.RepeatOnAnotherHost && renewed.Client.HostUrl != live.Client.HostUrl)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return await TimedCallAsync(renewed.Client, method, [renewed.Ref.Value, .. arguments], options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs out (best effort, bounded) and releases connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _loginGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_live is { } live)
            {
                _live = null;
                await LogoutAsync(live).ConfigureAwait(false);
            }

            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
        finally
        {
            _loginGate.Release();
        }
    }

    /// <summary>
    /// Whether <paramref name="failure"/> is the host's rather than the call's: the host could not be reached or asked
    /// (unreachable, timed out, reset, TLS, an HTTP error status), <c>HOST_IS_SLAVE</c>, or an error raised before
    /// dispatch. A reply that arrived but cannot be used (malformed, too large, the other transport) is the call's:
    /// another host would answer the same.
    /// </summary>
    internal static bool IsHostFailure(Exception failure) => failure switch
    {
        XapiFailureException xapi => xapi.RaisedBeforeDispatch || xapi.ErrorCode is XapiErrorCodes.HostIsSlave or XapiErrorCodes.HostStillBooting,
        XapiTransportException transport => transport.Failure is not (XapiTransportFailure.MalformedReply or XapiTransportFailure.WrongTransport),
        XcpTunnelException => true,
        _ => false,
    };

    /// <summary>
    /// The live session; a new one when there is none or it is <paramref name="rejected"/>. <paramref name="hint"/> is
    /// a coordinator address a member named. With <paramref name="keepOnFailure"/> (a host failed, the session itself
    /// was not refused) a failed login leaves the old session in place.
    /// </summary>
    private async Task<LiveSession> GetLiveAsync(XapiSessionRef? rejected, string? hint, bool keepOnFailure, CancellationToken cancellationToken)
    {
        if (_live is { } current && !current.Ref.Equals(rejected))
        {
            return current;
        }

        // Single flight: whoever gets the gate logs in; everyone queued behind finds the new session.
        await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_live is { } fresh && !fresh.Ref.Equals(rejected))
            {
                return fresh;
            }

            var previous = _live;
            _live = null;
            try
            {
                ThrowIfBackingOff();
                try
                {
                    var live = await LoginAsync(previous?.Client.HostUrl, hint, cancellationToken).ConfigureAwait(false);
                    _lastFailure = null;
                    _live = live;
                    Interlocked.Increment(ref _logins);
                    AfterLogin(previous, live);
                    return live;
                }
                catch (XapiLoginException ex)
                {
                    _lastFailure = (_time.GetTimestamp(), ex);
                    XapiSessionLog.LoginFailed(_logger, Options.Name, ex.Message);
                    throw;
                }
            }
            catch (Exception) when (keepOnFailure && previous is not null)
            {
                // After a host failure the old session may still be good: keep it, on a fresh connection.
                _live = previous with { Client = ClientFor(previous.Client.HostUrl) };
                throw;
            }
        }
        finally
        {
            _loginGate.Release();
        }
    }

    private void ThrowIfBackingOff()
    {
        if (_lastFailure is { } failure && _time.GetElapsedTime(failure.At) < Options.FailedLoginBackoff)
        {
            throw new XapiLoginException(failure.Error.Message, failure.Error.InnerException!);
        }
    }

    // Connections to other hosts (members asked during the login, a coordinator that died) are given up, and a
    // session replaced on a coordinator that still answers is logged out there rather than left to expire.
    private void AfterLogin(LiveSession? previous, LiveSession live)
    {
        foreach (var client in _clients.Values)
        {
            if (client != live.Client)
            {
                Retire(client);
            }
        }

        if (previous is not null && previous.Client == live.Client)
        {
            _ = LogoutAsync(previous);
        }
    }

    private XapiRpcClient ClientFor(Uri url) =>
        _clients.GetOrAdd(
            url,
            static (u, self) => new XapiRpcClient(u, self.Options.Transport, self.ConnectAsync, self.Options.CallTimeout),
            this);

    /// <summary>Drops <paramref name="client"/> (if it is still the one for its host) and aborts its calls.</summary>
    private void Retire(XapiRpcClient client)
    {
        if (_clients.TryRemove(new KeyValuePair<Uri, XapiRpcClient>(client.HostUrl, client)))
        {
            client.Dispose();
        }
    }

    private async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken) =>
        await Tls.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);

    private async Task LogoutAsync(LiveSession live)
    {
        using var timeout = new CancellationTokenSource(LogoutTimeout, _time);
        try
        {
            await TimedCallAsync(live.Client, "session.logout", [live.Ref.Value], XapiCallOptions.Default, timeout.Token).ConfigureAwait(false);
            XapiSessionLog.LoggedOut(_logger, Options.Name);
        }
        catch (Exception ex) when (ex is XcpTunnelException or OperationCanceledException or ObjectDisposedException)
        {
            // The session dies by itself within 24 h; shutdown must not hang on a dead host.
            XapiSessionLog.LogoutFailed(_logger, Options.Name, ex.Message);
        }
    }

    // Every RPC this session makes goes through here, so the observer sees logins and logouts too.
    private async Task<JsonNode?> TimedCallAsync(
        XapiRpcClient client, string method, IReadOnlyList<JsonNode?> parameters, XapiCallOptions options, CancellationToken cancellationToken)
    {
        if (_observer is null)
        {
            return await client.CallAsync(method, parameters, options.Result, cancellationToken).ConfigureAwait(false);
        }

        var started = _time.GetTimestamp();
        try
        {
            return await client.CallAsync(method, parameters, options.Result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _observer.CallCompleted(Options.Name, method, _time.GetElapsedTime(started));
        }
    }

    private sealed record LiveSession(XapiSessionRef Ref, XapiRpcClient Client);
}
