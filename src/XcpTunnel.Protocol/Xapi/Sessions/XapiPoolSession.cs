using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>
/// The one live XAPI session of a pool, shared by every caller (XAPI.md §5: xapi destroys the
/// oldest sessions beyond 500 per user, so a client that logs in per connection breaks other tools).
/// Logs in lazily on the coordinator (following <c>HOST_IS_SLAVE</c>, trying fallback URLs in order),
/// logs in again once when the session dies, makes concurrent callers wait for a single login, and
/// logs out on dispose.
/// </summary>
public sealed class XapiPoolSession : IAsyncDisposable
{
    private const int MaxCoordinatorRedirects = 3;
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

        Tls = new TlsConnector(options.Trust, options.ConnectTimeout, options.TlsHandshakeTimeout);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<XapiPoolSession>();
        _time = timeProvider ?? TimeProvider.System;
        _observer = observer;
    }

    /// <summary>The pool's options.</summary>
    public XapiPoolOptions Options { get; }

    /// <summary>The TLS connector for this pool's hosts: consoles are reached with the same trust.</summary>
    public TlsConnector Tls { get; }

    /// <summary>How many successful logins this object made (a metric: it should stay near 1).</summary>
    public long Logins => Interlocked.Read(ref _logins);

    /// <summary>Whether a session is currently held.</summary>
    public bool IsLoggedIn => _live is not null;

    /// <summary>The coordinator the current session was made on, if any.</summary>
    public Uri? CoordinatorUrl => _live?.Client.HostUrl;

    /// <summary>The live session, logging in first if there is none.</summary>
    /// <exception cref="XapiLoginException">The login failed (or failed less than <see cref="XapiPoolOptions.FailedLoginBackoff"/> ago).</exception>
    public async Task<XapiSessionRef> GetSessionAsync(CancellationToken cancellationToken) =>
        (await GetLiveAsync(rejected: null, cancellationToken).ConfigureAwait(false)).Ref;

    /// <summary>
    /// Called when a host rejected <paramref name="rejected"/> (a CONNECT answered 401): returns a
    /// new session, made once however many callers report the same rejected one.
    /// </summary>
    public async Task<XapiSessionRef> RenewSessionAsync(XapiSessionRef rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return (await GetLiveAsync(rejected, cancellationToken).ConfigureAwait(false)).Ref;
    }

    /// <summary>
    /// Calls <paramref name="method"/> with the session ref prepended to <paramref name="arguments"/>.
    /// On <c>SESSION_INVALID</c> it logs in again once and repeats the call; when the coordinator
    /// refuses connections it logs in again through the fallback URLs once.
    /// </summary>
    /// <exception cref="XapiFailureException">XAPI answered with a failure.</exception>
    /// <exception cref="XapiTransportException">The coordinator could not be reached.</exception>
    /// <exception cref="XapiLoginException">No session could be made.</exception>
    public async Task<JsonNode?> CallAsync(string method, IReadOnlyList<JsonNode?> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var live = await GetLiveAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        try
        {
            return await TimedCallAsync(live.Client, method, [live.Ref.Value, .. arguments], cancellationToken).ConfigureAwait(false);
        }
        catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.SessionInvalid)
        {
            XapiSessionLog.SessionExpired(_logger, Options.Name);
        }
        catch (XapiTransportException ex) when (ex.Failure == XapiTransportFailure.ConnectionRefused)
        {
            // Refused means the call never ran: safe to repeat on whichever host is coordinator now.
            XapiSessionLog.CoordinatorLost(_logger, Options.Name, live.Client.HostUrl, ex.Message);
        }

        live = await GetLiveAsync(live.Ref, cancellationToken).ConfigureAwait(false);
        return await TimedCallAsync(live.Client, method, [live.Ref.Value, .. arguments], cancellationToken).ConfigureAwait(false);
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

    private async Task<LiveSession> GetLiveAsync(XapiSessionRef? rejected, CancellationToken cancellationToken)
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

            _live = null;
            ThrowIfBackingOff();
            try
            {
                var live = await LoginAsync(cancellationToken).ConfigureAwait(false);
                _lastFailure = null;
                _live = live;
                Interlocked.Increment(ref _logins);
                return live;
            }
            catch (XapiLoginException ex)
            {
                _lastFailure = (_time.GetTimestamp(), ex);
                XapiSessionLog.LoginFailed(_logger, Options.Name, ex.Message);
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

    private async Task<LiveSession> LoginAsync(CancellationToken cancellationToken)
    {
        Exception? firstFailure = null;
        var failedUrls = 0;
        foreach (var url in (IEnumerable<Uri>)[Options.Url, .. Options.FallbackUrls])
        {
            try
            {
                return await LoginFollowingCoordinatorAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (XapiFailureException ex) when (ex.ErrorCode != XapiErrorCodes.HostIsSlave)
            {
                // XAPI answered: the credentials (or the account) are wrong; other URLs would say the same.
                throw new XapiLoginException($"XAPI login failed for {Options.UserName} on {Options.Name}: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is XcpTunnelException)
            {
                XapiSessionLog.UrlFailed(_logger, Options.Name, url, ex.Message);
                firstFailure ??= ex;
                failedUrls++;
            }
        }

        var others = failedUrls > 1 ? $" (and {failedUrls - 1} fallback URL(s) failed too)" : string.Empty;

        // A rejected certificate stopped us before any login was tried: saying "login failed" sends people to the password.
        throw new XapiLoginException(
            firstFailure is CertificateTrustException
                ? $"pool {Options.Name}: {firstFailure.Message}{others}"
                : $"XAPI login failed for {Options.UserName} on {Options.Name}: {firstFailure!.Message}{others}",
            firstFailure!);
    }

    private async Task<LiveSession> LoginFollowingCoordinatorAsync(Uri url, CancellationToken cancellationToken)
    {
        var target = url;
        for (var redirect = 0; ; redirect++)
        {
            var client = ClientFor(target);
            try
            {
                var result = await TimedCallAsync(
                    client,
                    "session.login_with_password",
                    [Options.UserName, Options.Password.Value, LoginApiVersion, Options.Originator],
                    cancellationToken).ConfigureAwait(false);
                var reference = result?.GetValueKind() == System.Text.Json.JsonValueKind.String ? result.GetValue<string>() : null;
                if (string.IsNullOrEmpty(reference))
                {
                    throw new XapiTransportException(
                        XapiTransportFailure.MalformedReply, $"{target} answered the login without a session reference");
                }

                XapiSessionLog.LoggedIn(_logger, Options.Name, target, Options.UserName);
                return new LiveSession(new XapiSessionRef(reference), client);
            }
            catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.HostIsSlave
                                                  && ex.Parameters.Count > 0
                                                  && redirect < MaxCoordinatorRedirects)
            {
                XapiSessionLog.RedirectedToCoordinator(_logger, Options.Name, target, ex.Parameters[0]);
                target = CoordinatorUrlFor(target, ex.Parameters[0]);
            }
        }
    }

    // HOST_IS_SLAVE names only the coordinator's address: scheme and port stay those of the pool URL.
    private static Uri CoordinatorUrlFor(Uri member, string coordinatorAddress) =>
        new UriBuilder(member.Scheme, HostPort.FormatHost(coordinatorAddress.Trim()), member.Port).Uri;

    private XapiRpcClient ClientFor(Uri url) =>
        _clients.GetOrAdd(
            url,
            static (u, self) => new XapiRpcClient(u, self.Options.Transport, self.ConnectAsync, self.Options.CallTimeout),
            this);

    private async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken) =>
        await Tls.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);

    private async Task LogoutAsync(LiveSession live)
    {
        using var timeout = new CancellationTokenSource(LogoutTimeout);
        try
        {
            await TimedCallAsync(live.Client, "session.logout", [live.Ref.Value], timeout.Token).ConfigureAwait(false);
            XapiSessionLog.LoggedOut(_logger, Options.Name);
        }
        catch (Exception ex) when (ex is XcpTunnelException or OperationCanceledException)
        {
            // The session dies by itself within 24 h; shutdown must not hang on a dead host.
            XapiSessionLog.LogoutFailed(_logger, Options.Name, ex.Message);
        }
    }

    // Every RPC this session makes goes through here, so the observer sees logins and logouts too.
    private async Task<JsonNode?> TimedCallAsync(
        XapiRpcClient client, string method, IReadOnlyList<JsonNode?> parameters, CancellationToken cancellationToken)
    {
        if (_observer is null)
        {
            return await client.CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }

        var started = _time.GetTimestamp();
        try
        {
            return await client.CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _observer.CallCompleted(Options.Name, method, _time.GetElapsedTime(started));
        }
    }

    private sealed record LiveSession(XapiSessionRef Ref, XapiRpcClient Client);
}
