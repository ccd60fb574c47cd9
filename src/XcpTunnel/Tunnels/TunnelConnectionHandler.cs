using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Health;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels;

/// <summary>
/// One viewer connection of one tunnel, from accept to close (docs/connection.md): who is asking and may they;
/// the tunnel's own RFB greeting and security phase with the viewer; only then the console (<see cref="ConsoleDial"/>)
/// and its RFB handshake; ClientInit and ServerInit relayed; splice. Anything that goes wrong before the viewer
/// is admitted is told to it in RFB with a human reason. Never throws: a connection's failure is that
/// connection's alone.
/// </summary>
/// <remarks>
/// The viewer is any duplex stream: an accepted socket for a listener, stdin and stdout joined for
/// <c>connect --stdio</c>. <paramref name="closed"/> hears how each connection ended (<c>connect --once</c>);
/// <paramref name="metrics"/>, when the daemon keeps them, counts outcomes, bytes and handshake times.
/// </remarks>
internal sealed class TunnelConnectionHandler(
    TunnelSettings tunnel,
    ConsoleDial dial,
    TunnelTimeouts timeouts,
    TimeProvider time,
    ILogger logger,
    Action<TunnelConnectionResult>? closed = null,
    TunnelMetrics? metrics = null) : IDisposable
{
    /// <summary>
    /// Every copy direction's buffer, the plain splice's and the holding relay's: larger than the library's 16 KiB
    /// default, so up to four TLS records of a bulk transfer go out in one write, with fewer system calls per byte.
    /// Costs nothing while idle: the copy rents its buffer only while data flows.
    /// </summary>
    internal const int CopyBufferBytes = 64 * 1024;

    private static long s_lastId;

    private readonly RfbViewerHandshakeOptions _handshakeOptions = new()
    {
        MessageTimeout = timeouts.RfbMessage,
        PasswordTimeout = timeouts.ViewerPassword,
        TimeProvider = time,
    };

    public TunnelSettings Tunnel => tunnel;

    /// <summary>The clock of this tunnel's deadlines; its listener drains and backs off by it too.</summary>
    public TimeProvider Time => time;

    public TunnelMetrics? Metrics => metrics;

    /// <summary>Where this tunnel's refusals are counted and summed up, its listener's included.</summary>
    public RefusalLog Refusals { get; } = new(tunnel.Name, logger, time);

    /// <summary>Set when the tunnel is removed: why, for the viewers still connected when its drain ends.</summary>
    public string? RemovedBecause { get; set; }

    public void Dispose() => Refusals.Dispose();

    /// <summary>Serves a viewer that connected to a listener; the handler owns and closes the socket.</summary>
    public Task<TunnelConnectionResult> HandleAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.ProtocolType == ProtocolType.Tcp)
        {
            socket.NoDelay = true;
        }

        var peer = PeerCredentials.Identify(socket);
        return HandleAsync(new NetworkStream(socket, ownsSocket: true), peer, cancellationToken);
    }

    /// <summary>Serves the viewer <paramref name="peer"/> on <paramref name="viewerStream"/>; the handler owns and disposes the stream.</summary>
    public async Task<TunnelConnectionResult> HandleAsync(Stream viewerStream, PeerIdentity peer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewerStream);
        ArgumentNullException.ThrowIfNull(peer);
        var id = "c" + Interlocked.Increment(ref s_lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var started = time.GetTimestamp();
        TunnelLog.Opened(logger, id, tunnel.Name, peer);
        using var viewer = new RfbViewerHandshake(viewerStream, tunnel.ViewerSecurity, _handshakeOptions);
        ConsoleConnection? console = null;
        string? consoleHost = null;
        SpliceResult? spliced = null;
        TunnelOutcome outcome;
        try
        {
            if (ViewerAccess.Refusal(tunnel.AllowUsers, tunnel.AllowRemote, peer, $"tunnel '{tunnel.Name}'") is { } refusal)
            {
                outcome = TunnelOutcome.AccessDenied;
                Refusals.Refused(outcome, $"uid {peer.Uid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} ({peer.UserName ?? "no name"}) from {peer.Peer} may not open tunnel {tunnel.Name} (VM {tunnel.Vm}){(peer.Problem is null ? "" : ": " + peer.Problem)}");
                await viewer.RefuseAsync(refusal, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await viewer.GreetAsync(cancellationToken).ConfigureAwait(false);
                await viewer.AuthenticateAsync(cancellationToken).ConfigureAwait(false);
                console = await OpenConsoleAsync(viewer, cancellationToken).ConfigureAwait(false);
                consoleHost = console.Console.Location.HostHeader;
                var shared = await viewer.AdmitAsync(cancellationToken).ConfigureAwait(false);
                var (init, serverInit) = await ConsoleRfbHandshake.InitialiseAsync(
                    console.Stream, shared, timeouts.RfbMessage, time, cancellationToken).ConfigureAwait(false);
                await viewer.RelayServerInitAsync(serverInit, cancellationToken).ConfigureAwait(false);
                metrics?.HandshakeCompleted(time.GetElapsedTime(started));
                string? heldReason = null;
                ConsoleIdleClose? idle;
                if (tunnel.Hold > TimeSpan.Zero)
                {
                    // The relay owns the console from here, and every console after it.
                    var held = console;
                    console = null;
                    SpliceResult relayed;
                    (relayed, heldReason, idle) = await HoldingRelayFor(viewer.Stream, shared, init, id).RunAsync(held, cancellationToken).ConfigureAwait(false);
                    spliced = relayed;
                }
                else
                {
                    spliced = await SpliceAsync(viewer.Stream, console.Stream, cancellationToken).ConfigureAwait(false);
                    idle = spliced.Value.Outcome == SpliceOutcome.ConsoleClosed
                        ? await console.ClosedForIdlenessAsync(CancellationToken.None).ConfigureAwait(false)
                        : null;
                }

                outcome = Stopped(TunnelOutcomes.Of(spliced.Value.Outcome), id);
                LogSpliceError(id, outcome, spliced.Value.Error);
                if (heldReason is not null)
                {
                    LogFailure(id, outcome, heldReason);
                }

                if (idle is not null)
                {
                    // xapi 26.1 closed it for want of keyboard or mouse input: said as such, and not dialled again.
                    outcome = TunnelOutcome.ConsoleIdleClosed;
                    TunnelLog.ConsoleIdleClosed(logger, id, tunnel.Name, (long)idle.Idle.TotalSeconds, (long)idle.Timeout.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = Stopped(TunnelOutcome.Shutdown, id);
            await TellAsync(viewer, RemovedBecause ?? TunnelOutcomes.Describe(outcome).ViewerMessage!).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (viewer.ViewerGone.IsCancellationRequested)
        {
            outcome = TunnelOutcome.ViewerLeft;
            LogFailure(id, outcome, "the viewer left while its console was being opened");
        }
        catch (XcpTunnelException ex)
        {
            outcome = TunnelOutcomes.Of(ex);
            LogFailure(id, outcome, ex.Message);
            if (ex is not RfbViewerException)
            {
                await TellAsync(viewer, ex.Message).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            outcome = TunnelOutcome.InternalError;
            TunnelLog.Crashed(logger, ex, id, tunnel.Name);
            await TellAsync(viewer, TunnelOutcomes.Describe(outcome).ViewerMessage!).ConfigureAwait(false);
        }

        if (console is not null)
        {
            await console.DisposeAsync().ConfigureAwait(false);
        }

        await viewer.Stream.DisposeAsync().ConfigureAwait(false);
        await viewerStream.DisposeAsync().ConfigureAwait(false);
        var durationMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var label = outcome.Label();
        // A connection that reached its console is worth its line; one the viewer gave up on or was refused at the
        // door is not (refusals are summed up by RefusalLog).
        var level = spliced is null && (TunnelOutcomes.IsRefusal(outcome) || TunnelOutcomes.Describe(outcome).Level == LogLevel.Debug)
            ? LogLevel.Debug
            : LogLevel.Information;
        TunnelLog.Closed(
            logger, level, id, tunnel.Name, peer, tunnel.Vm, consoleHost ?? "-", durationMs,
            spliced?.ViewerToConsoleBytes ?? 0, spliced?.ConsoleToViewerBytes ?? 0, label);
        metrics?.ConnectionEnded(outcome);
        var result = new TunnelConnectionResult(outcome, Spliced: spliced is not null);
        closed?.Invoke(result);
        return result;
    }

    /// <summary>
    /// Dials the console and runs its RFB handshake up to ClientInit, both cancelled if the viewer leaves
    /// meanwhile: a viewer that gave up costs the pool no more than what had started.
    /// </summary>
    private async Task<ConsoleConnection> OpenConsoleAsync(RfbViewerHandshake viewer, CancellationToken cancellationToken)
    {
        using var watched = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, viewer.ViewerGone);
        var console = await dial(watched.Token).ConfigureAwait(false);
        try
        {
            await ConsoleRfbHandshake.NegotiateAsync(console.Stream, timeouts.RfbMessage, time, watched.Token).ConfigureAwait(false);
            return console;
        }
        catch
        {
            await console.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private Hold.HoldingRelay HoldingRelayFor(Stream viewerStream, bool shared, Protocol.Rfb.Client.RfbServerInit init, string id) =>
        new(viewerStream, new Hold.HoldSettings(tunnel.Vm, tunnel.Hold, shared, init, timeouts.RfbMessage, tunnel.IdleTimeout, timeouts.HalfClose), dial, time, logger, id, tunnel.Name, metrics);

    private async Task<SpliceResult> SpliceAsync(Stream viewerStream, Stream consoleStream, CancellationToken cancellationToken)
    {
        var counters = metrics?.SpliceStarting();
        try
        {
            var options = new SpliceOptions
            {
                BufferSize = CopyBufferBytes,
                IdleTimeout = tunnel.IdleTimeout,
                HalfCloseTimeout = timeouts.HalfClose,
                TimeProvider = time,
                Counters = counters,
            };
            return await StreamSplicer.SpliceAsync(viewerStream, consoleStream, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (counters is not null)
            {
                metrics!.SpliceEnded(counters);
            }
        }
    }

    private void LogSpliceError(string id, TunnelOutcome outcome, Exception? error)
    {
        if (error is not null)
        {
            LogFailure(id, outcome, error.Message);
        }
    }

    // At the level the outcome deserves: a viewer's own doing at Debug, the pool's and ours louder; refusals summed up.
    private void LogFailure(string id, TunnelOutcome outcome, string reason)
    {
        if (TunnelOutcomes.IsRefusal(outcome))
        {
            Refusals.Refused(outcome, $"connection {id}: {reason}");
            return;
        }

        var info = TunnelOutcomes.Describe(outcome);
        if (logger.IsEnabled(info.Level))
        {
            TunnelLog.Failed(logger, info.Level, id, tunnel.Name, info.Label, reason);
        }
    }

    // A connection the drain of a removed tunnel ended was ended by that removal, logged with its reason.
    private TunnelOutcome Stopped(TunnelOutcome outcome, string id)
    {
        if (outcome != TunnelOutcome.Shutdown || RemovedBecause is not { } reason)
        {
            return outcome;
        }

        LogFailure(id, TunnelOutcome.TunnelRemoved, reason);
        return TunnelOutcome.TunnelRemoved;
    }

    // Best effort and bounded: the viewer may be gone or not reading.
    private static Task<bool> TellAsync(RfbViewerHandshake viewer, string reason) => viewer.RefuseAsync(reason, CancellationToken.None);
}
