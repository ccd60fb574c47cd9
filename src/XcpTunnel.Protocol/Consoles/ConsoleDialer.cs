using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// The whole path to a VM's console: resolve through the shared session, TLS to the console's host,
/// CONNECT. Repeats the CONNECT once after logging in again on a 401 (expired session), and once after
/// resolving again by RPC, bypassing any cache, on a 500 or 404 (a stale location: the VM moved or rebooted
/// between resolution and CONNECT). A console that is not there yet (a running VM without its console, a 200 then
/// EOF) is tried once more after <see cref="NotReadyRetryDelay"/>, then reported; never in a loop
/// (docs/xapi-console-protocol.md, "When the console is not there yet").
/// </summary>
public sealed class ConsoleDialer
{
    /// <summary>How long a dial waits before its one retry when the console is not there yet.</summary>
    public static readonly TimeSpan NotReadyRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IConsoleResolver _resolver;
    private readonly ConsoleResolver _fresh;
    private readonly TimeSpan _replyTimeout;
    private readonly TimeProvider _time;

    /// <summary>Creates a dialer for one pool.</summary>
    public ConsoleDialer(XapiPoolSession pool, TimeSpan? connectReplyTimeout = null)
        : this(new ConsoleResolver(pool), connectReplyTimeout)
    {
    }

    /// <summary>Creates a dialer over a given resolver (such as a pool's <see cref="ConsoleCache"/>).</summary>
    /// <param name="resolver">Finds the VM's console.</param>
    /// <param name="connectReplyTimeout">Deadline for the CONNECT's reply head.</param>
    /// <param name="timeProvider">The clock for the waits before a retry.</param>
    public ConsoleDialer(IConsoleResolver resolver, TimeSpan? connectReplyTimeout = null, TimeProvider? timeProvider = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _fresh = resolver as ConsoleResolver ?? new ConsoleResolver(resolver.Pool);
        _replyTimeout = connectReplyTimeout ?? ConsoleConnectHandshake.DefaultReplyTimeout;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The pool.</summary>
    public XapiPoolSession Pool => _resolver.Pool;

    /// <summary>What finds consoles for this dialer (a pool's cache, or XAPI itself).</summary>
    public IConsoleResolver Resolver => _resolver;

    /// <summary>Opens a tunnel to the RFB console of <paramref name="vm"/> (a name-label or UUID).</summary>
    /// <exception cref="XcpTunnelException">
    /// <see cref="ConsoleResolutionException"/>, <see cref="ConsoleConnectException"/>,
    /// <see cref="Tls.CertificateTrustException"/>, <see cref="Xapi.XapiTransportException"/>,
    /// <see cref="Xapi.Sessions.XapiLoginException"/> or <see cref="Xapi.XapiFailureException"/>.
    /// </exception>
    public Task<ConsoleConnection> DialAsync(string vm, CancellationToken cancellationToken) => DialAsync(vm, null, cancellationToken);

    /// <summary>
    /// Opens a tunnel to the RFB console of <paramref name="vm"/> (a name-label or UUID), telling
    /// <paramref name="stages"/>, when given, as each stage starts and completes.
    /// </summary>
    /// <exception cref="XcpTunnelException">As <see cref="DialAsync(string, CancellationToken)"/>.</exception>
    public async Task<ConsoleConnection> DialAsync(string vm, IStageObserver? stages, CancellationToken cancellationToken)
    {
        stages?.StageStarted(ConnectionStages.Xapi);
        ResolvedConsole console;
        try
        {
            console = await _resolver.ResolveAsync(vm, cancellationToken).ConfigureAwait(false);
        }
        catch (ConsoleResolutionException ex) when (ex.Failure == ConsoleResolutionFailure.ConsoleNotReady)
        {
            // Running a moment before its console exists: once more, from XAPI itself, after a short wait.
            await Task.Delay(NotReadyRetryDelay, _time, cancellationToken).ConfigureAwait(false);
            console = await _fresh.ResolveAsync(vm, cancellationToken).ConfigureAwait(false);
        }

        var session = await Pool.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        stages?.StageCompleted(ConnectionStages.Xapi);
        bool renewed = false, reresolved = false, backendRetried = false;
        while (true)
        {
            try
            {
                // What the viewer sends is watched as xapi's idle timeout watches it, to recognise that close later.
                // The watch's clock starts before the CONNECT goes out: xapi starts its own once it has answered, so
                // this one never runs behind it. Started after the reply and the VNC server's first bytes, it once
                // lagged by more than the recognition's tolerance (a cold daemon on a busy machine) and a pool's idle
                // close was taken for a lost console and dialled again.
                var input = new RfbInputWatch(_time);
                var stream = await ConnectAsync(console.Location, session, stages, cancellationToken).ConfigureAwait(false);
                stream.WriteObserver = input.Observe;
                return new ConsoleConnection(stream, console, input, Pool, _time);
            }
            catch (ConsoleConnectException ex) when (ex.Failure == ConsoleConnectFailure.SessionRejected && !renewed)
            {
                renewed = true;
                session = await Pool.RenewSessionAsync(session, cancellationToken).ConfigureAwait(false);
            }
            catch (ConsoleConnectException ex) when (ex.Failure is ConsoleConnectFailure.HostRefused or ConsoleConnectFailure.BackendNotReady
                                                     && !reresolved)
            {
                reresolved = true;
                stages?.StageStarted(ConnectionStages.Xapi);
                console = await _fresh.ResolveAsync(vm, cancellationToken).ConfigureAwait(false);
                stages?.StageCompleted(ConnectionStages.Xapi);
            }
            catch (ConsoleConnectException ex) when (ex.Failure == ConsoleConnectFailure.BackendClosed && !backendRetried)
            {
                // 200 then EOF: xapi could not reach the VNC server (XenCenter retries this in a loop; once is enough).
                backendRetried = true;
                await Task.Delay(NotReadyRetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<Streams.PrefixedStream> ConnectAsync(ConsoleLocation location, Xapi.XapiSessionRef session, IStageObserver? stages, CancellationToken cancellationToken)
    {
        stages?.StageStarted(ConnectionStages.Tls);
        var tls = await Pool.Tls.ConnectAsync(location.Host, location.Port, cancellationToken).ConfigureAwait(false);
        stages?.StageCompleted(ConnectionStages.Tls);
        try
        {
            stages?.StageStarted(ConnectionStages.Connect);
            var connected = await ConsoleConnectHandshake.ConnectPrefixedAsync(tls, location, session, _replyTimeout, _time, cancellationToken).ConfigureAwait(false);
            stages?.StageCompleted(ConnectionStages.Connect);
            // Waiting for the VNC server's first bytes is the RFB handshake's time, not the CONNECT's.
            stages?.StageStarted(ConnectionStages.RfbVersion);
            return await ConsoleConnectHandshake.AwaitConsoleAsync(
                connected, location, ConsoleConnectHandshake.DefaultBackendGrace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
