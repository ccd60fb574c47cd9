using System.Diagnostics;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// The whole path to a VM's console: resolve through the shared session, TLS to the console's host,
/// CONNECT. Repeats the CONNECT once after logging in again on a 401 (expired session), and once after
/// resolving again on a 500 (the VM moved between resolution and CONNECT).
/// </summary>
public sealed class ConsoleDialer
{
    private readonly ConsoleResolver _resolver;
    private readonly TimeSpan _replyTimeout;

    /// <summary>Creates a dialer for one pool.</summary>
    public ConsoleDialer(XapiPoolSession pool, TimeSpan? connectReplyTimeout = null)
        : this(new ConsoleResolver(pool), connectReplyTimeout)
    {
    }

    /// <summary>Creates a dialer over a given resolver.</summary>
    public ConsoleDialer(ConsoleResolver resolver, TimeSpan? connectReplyTimeout = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _replyTimeout = connectReplyTimeout ?? ConsoleConnectHandshake.DefaultReplyTimeout;
    }

    /// <summary>The pool.</summary>
    public XapiPoolSession Pool => _resolver.Pool;

    /// <summary>Opens a tunnel to the RFB console of <paramref name="vm"/> (a name-label or UUID).</summary>
    /// <exception cref="XcpTunnelException">
    /// <see cref="ConsoleResolutionException"/>, <see cref="ConsoleConnectException"/>,
    /// <see cref="Tls.CertificateTrustException"/>, <see cref="Xapi.XapiTransportException"/>,
    /// <see cref="Xapi.Sessions.XapiLoginException"/> or <see cref="Xapi.XapiFailureException"/>.
    /// </exception>
    public Task<ConsoleConnection> DialAsync(string vm, CancellationToken cancellationToken) => DialAsync(vm, null, cancellationToken);

    /// <summary>
    /// Opens a tunnel to the RFB console of <paramref name="vm"/> (a name-label or UUID), recording how long
    /// each stage took in <paramref name="timings"/> when given.
    /// </summary>
    /// <exception cref="XcpTunnelException">As <see cref="DialAsync(string, CancellationToken)"/>.</exception>
    public async Task<ConsoleConnection> DialAsync(string vm, ConsoleDialTimings? timings, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var console = await _resolver.ResolveAsync(vm, cancellationToken).ConfigureAwait(false);
        var session = await Pool.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        timings?.AddResolve(Stopwatch.GetElapsedTime(started));
        bool renewed = false, reresolved = false;
        while (true)
        {
            try
            {
                var stream = await ConnectAsync(console.Location, session, timings, cancellationToken).ConfigureAwait(false);
                return new ConsoleConnection(stream, console);
            }
            catch (ConsoleConnectException ex) when (ex.Failure == ConsoleConnectFailure.SessionRejected && !renewed)
            {
                renewed = true;
                session = await Pool.RenewSessionAsync(session, cancellationToken).ConfigureAwait(false);
            }
            catch (ConsoleConnectException ex) when (ex.Failure == ConsoleConnectFailure.HostRefused && !reresolved)
            {
                reresolved = true;
                started = Stopwatch.GetTimestamp();
                console = await _resolver.ResolveAsync(vm, cancellationToken).ConfigureAwait(false);
                timings?.AddResolve(Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private async Task<Stream> ConnectAsync(ConsoleLocation location, Xapi.XapiSessionRef session, ConsoleDialTimings? timings, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var tls = await Pool.Tls.ConnectAsync(location.Host, location.Port, cancellationToken).ConfigureAwait(false);
        timings?.AddTls(Stopwatch.GetElapsedTime(started));
        try
        {
            started = Stopwatch.GetTimestamp();
            var stream = await ConsoleConnectHandshake.ConnectAsync(tls, location, session, _replyTimeout, cancellationToken).ConfigureAwait(false);
            timings?.AddConnect(Stopwatch.GetElapsedTime(started));
            return stream;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
