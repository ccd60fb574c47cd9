using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Health;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Streams;

namespace XcpTunnel.Tunnels;

/// <summary>
/// One viewer connection of one tunnel, from accept to close: dial the console through the pool's
/// shared session, relay and check the RFB handshake, splice. Anything that goes wrong before the
/// viewer has the console's security greeting is told to the viewer in RFB with a human reason.
/// Never throws: a connection's failure is that connection's alone.
/// </summary>
/// <remarks>
/// The viewer is any duplex stream: an accepted socket for a listener, stdin and stdout joined for
/// <c>connect --stdio</c>. <paramref name="closed"/> hears how each connection ended (<c>connect --once</c>);
/// <paramref name="metrics"/>, when the daemon keeps them, counts outcomes, bytes and handshake times.
/// </remarks>
internal sealed class TunnelConnectionHandler(
    TunnelSettings tunnel,
    ConsoleDialer dialer,
    TunnelTimeouts timeouts,
    TimeProvider time,
    ILogger logger,
    Action<TunnelConnectionResult>? closed = null,
    TunnelMetrics? metrics = null)
{
    // Larger than the splice's 16 KiB default: fewer system calls per byte on the plain viewer side during
    // bulk transfers. Costs nothing while idle: the splice rents buffers only while data flows.
    private const int SpliceBufferBytes = 64 * 1024;

    private static long s_lastId;

    public TunnelSettings Tunnel => tunnel;

    public TunnelMetrics? Metrics => metrics;

    /// <summary>Serves a viewer that connected to a listener; the handler owns and closes the socket.</summary>
    public Task<TunnelConnectionResult> HandleAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        var viewer = socket.RemoteEndPoint?.ToString() ?? "-";
        return HandleAsync(new NetworkStream(socket, ownsSocket: true), viewer, cancellationToken);
    }

    /// <summary>
    /// Serves a viewer on <paramref name="viewerStream"/> (named <paramref name="viewerName"/> in logs);
    /// the handler owns and disposes the stream.
    /// </summary>
    public async Task<TunnelConnectionResult> HandleAsync(Stream viewerStream, string viewerName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewerStream);
        var id = "c" + Interlocked.Increment(ref s_lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var started = time.GetTimestamp();
        TunnelLog.Opened(logger, id, tunnel.Name, viewerName);
        var viewer = new ViewerGreeting(viewerStream);
        ConsoleConnection? console = null;
        var host = "-";
        SpliceResult? spliced = null;
        string outcome;
        try
        {
            console = await dialer.DialAsync(tunnel.Vm, cancellationToken).ConfigureAwait(false);
            host = console.Console.Location.HostHeader;
            await RfbHandshakeRelay.RelayAsync(viewer, console.Stream, timeouts.RfbMessage, cancellationToken).ConfigureAwait(false);
            metrics?.HandshakeCompleted(time.GetElapsedTime(started));
            var counters = metrics?.SpliceStarting();
            try
            {
                var options = new SpliceOptions { BufferSize = SpliceBufferBytes, IdleTimeout = tunnel.IdleTimeout, TimeProvider = time, Counters = counters };
                spliced = await StreamSplicer.SpliceAsync(viewerStream, console.Stream, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (counters is not null)
                {
                    metrics!.SpliceEnded(counters);
                }
            }

            outcome = TunnelOutcome.Of(spliced.Value.Outcome);
            if (spliced.Value.Outcome == SpliceOutcome.ConsoleClosed
                && await console.ClosedForIdlenessAsync(dialer.Resolver, CancellationToken.None).ConfigureAwait(false) is { } idle)
            {
                // xapi 26.1 closed it for want of keyboard or mouse input: said as such, and not dialled again.
                outcome = TunnelOutcome.ConsoleIdleClosed;
                TunnelLog.ConsoleIdleClosed(logger, id, tunnel.Name, (long)idle.Idle.TotalSeconds, (long)idle.Timeout.TotalSeconds);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = TunnelOutcome.Shutdown;
            await viewer.TellFailureAsync("xcptunnel is shutting down", timeouts.RfbMessage, CancellationToken.None).ConfigureAwait(false);
        }
        catch (XcpTunnelException ex)
        {
            outcome = TunnelOutcome.Of(ex);
            TunnelLog.Failed(logger, id, tunnel.Name, outcome, ex.Message);
            await viewer.TellFailureAsync(ex.Message, timeouts.RfbMessage, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // Writing the handshake to a viewer that already left: its choice, not a fault.
            outcome = TunnelOutcome.ViewerFailed;
            TunnelLog.ViewerGaveUp(logger, id, outcome, ex.Message);
        }
        catch (Exception ex)
        {
            outcome = TunnelOutcome.Internal;
            TunnelLog.Crashed(logger, ex, id, tunnel.Name);
            await viewer.TellFailureAsync("internal error in xcptunnel; see its log", timeouts.RfbMessage, CancellationToken.None).ConfigureAwait(false);
        }

        if (console is not null)
        {
            await console.DisposeAsync().ConfigureAwait(false);
        }

        await viewerStream.DisposeAsync().ConfigureAwait(false);
        var durationMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        TunnelLog.Closed(
            logger, id, tunnel.Name, tunnel.Vm, host, durationMs,
            spliced?.ViewerToConsoleBytes ?? 0, spliced?.ConsoleToViewerBytes ?? 0, outcome);
        metrics?.ConnectionEnded(outcome);
        var result = new TunnelConnectionResult(outcome, Spliced: spliced is not null);
        closed?.Invoke(result);
        return result;
    }
}
