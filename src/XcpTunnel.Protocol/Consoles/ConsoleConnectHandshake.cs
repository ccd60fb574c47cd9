using System.Buffers;
using System.Text;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// XAPI's console handshake (docs/xapi-console-protocol.md, "The CONNECT request"): <c>CONNECT /console?… HTTP/1.0</c> on a TLS stream to
/// the console's host, then the reply head; on 200 the stream carries raw RFB.
/// </summary>
public static class ConsoleConnectHandshake
{
    /// <summary>
    /// Bound on the reply head. xapi's replies are a few hundred bytes (401's HTML body follows the
    /// head and is never read); anything longer is not xapi.
    /// </summary>
    public const int MaxReplyHeadBytes = 4096;

    /// <summary>Default deadline for the complete reply head.</summary>
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long, after a 200 that came without RFB bytes, the handshake waits for the console's first byte before it
    /// hands the stream over anyway. A VNC server speaks first and at once; an EOF in this time is xapi giving up on a
    /// backend it could not reach.
    /// </summary>
    internal static readonly TimeSpan DefaultBackendGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Sends the CONNECT on a stream the caller opened to the console's host and reads the reply. Returns a stream
    /// that yields any RFB bytes that came with the reply before reading on from <paramref name="tls"/>; disposing it
    /// disposes <paramref name="tls"/>.
    /// </summary>
    /// <param name="tls">The connection to the host named by <paramref name="location"/>, TLS verified.</param>
    /// <param name="location">The console's location (path and query are sent as they are).</param>
    /// <param name="session">The session, sent in the <c>session_id</c> cookie only.</param>
    /// <param name="replyTimeout">Deadline for the complete reply head.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="ConsoleConnectException">Any reply but 200, or no usable reply in time.</exception>
    public static async Task<Stream> ConnectAsync(
        Stream tls, ConsoleLocation location, XapiSessionRef session, TimeSpan replyTimeout, CancellationToken cancellationToken) =>
        await ConnectPrefixedAsync(tls, location, session, replyTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// As <see cref="ConnectAsync"/>, keeping the type <see cref="AwaitConsoleAsync"/> takes, with the reply deadline
    /// on <paramref name="time"/>.
    /// </summary>
    internal static async Task<PrefixedStream> ConnectPrefixedAsync(
        Stream tls, ConsoleLocation location, XapiSessionRef session, TimeSpan replyTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(replyTimeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await tls.WriteAsync(FormatRequest(location, session), deadline.Token).ConfigureAwait(false);
            await tls.FlushAsync(deadline.Token).ConfigureAwait(false);
            var (head, leftover) = await ReadReplyHeadAsync(tls, location, deadline.Token).ConfigureAwait(false);
            if (head.StatusCode != 200)
            {
                throw Failure(head, location);
            }

            return new PrefixedStream(leftover, tls);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConsoleConnectException(
                ConsoleConnectFailure.Timeout,
                $"{location.HostHeader} did not answer the console CONNECT within {replyTimeout.TotalSeconds:0.#} s");
        }
        catch (IOException ex)
        {
            throw new ConsoleConnectException(
                ConsoleConnectFailure.ClosedEarly, $"{location.HostHeader} broke the connection during the console CONNECT", innerException: ex);
        }
    }

    /// <summary>
    /// After a 200 that came without RFB bytes, waits up to <paramref name="grace"/> for the console's first bytes.
    /// xapi sends its 200 before it connects to the VM's VNC server, so a backend it cannot reach shows as 200 then
    /// EOF (docs/xapi-console-protocol.md, "When the console is not there yet"), while a VNC server speaks first and at
    /// once. Silence past the grace hands the stream over with the read still pending (it is never cancelled: a
    /// cancelled TLS read leaves the stream unusable), and the RFB stage's own deadline applies.
    /// </summary>
    /// <exception cref="ConsoleConnectException"><see cref="ConsoleConnectFailure.BackendClosed"/>: EOF before a byte.</exception>
    internal static async Task<PrefixedStream> AwaitConsoleAsync(
        PrefixedStream connected, ConsoleLocation location, TimeSpan grace, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connected);
        if (connected.HasPrefix || grace <= TimeSpan.Zero)
        {
            return connected;
        }

        var tls = connected.Inner;
        var buffer = new byte[256];
        var first = tls.ReadAsync(buffer, CancellationToken.None).AsTask();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waited = Task.Delay(grace, time, stop.Token);
        var winner = await Task.WhenAny(first, waited).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        if (winner != first)
        {
            var pending = new PrefixedStream(first, buffer, tls);
            if (cancellationToken.IsCancellationRequested)
            {
                await pending.DisposeAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            return pending;
        }

        int read;
        try
        {
            read = await first.ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw BackendClosed(location, ex);
        }

        return read > 0 ? new PrefixedStream(buffer.AsMemory(0, read), tls) : throw BackendClosed(location, null);
    }

    private static ConsoleConnectException BackendClosed(ConsoleLocation location, Exception? inner) =>
        new(
            ConsoleConnectFailure.BackendClosed,
            $"{location.HostHeader} accepted the console CONNECT (200) but the VM's VNC server closed the connection at once: the VM may be starting or stopping",
            200,
            inner);

    // CONNECT /console?uuid=… HTTP/1.0
    // Host: 10.0.0.5
    // Cookie: session_id=OpaqueRef:…
    //
    // The session goes in the cookie only (docs/xapi-console-protocol.md, "The CONNECT request"): xapi has read the
    // cookie first since 2009 and writes every request line, query string included, to its log, where a session ref
    // is a bearer credential anyone reading the log can use; cookie values are filtered there. It must be the first
    // cookie (xapi splits on ';' without trimming). HTTP/1.0, like every console client, so xapi's error replies
    // come back as 1.0 and nothing is pipelined.
    internal static byte[] FormatRequest(ConsoleLocation location, XapiSessionRef session) =>
        Encoding.ASCII.GetBytes(
            $"CONNECT {location.PathAndQuery} HTTP/1.0\r\n" +
            $"Host: {location.HostHeader}\r\n" +
            $"Cookie: session_id={session.Value}\r\n" +
            "\r\n");

    private static async Task<(HttpResponseHead Head, ReadOnlyMemory<byte> Leftover)> ReadReplyHeadAsync(
        Stream tls, ConsoleLocation location, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxReplyHeadBytes];
        var filled = 0;
        while (true)
        {
            var read = await tls.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ConsoleConnectException(
                    ConsoleConnectFailure.ClosedEarly,
                    $"{location.HostHeader} closed the connection before answering the console CONNECT");
            }

            filled += read;
            try
            {
                if (HttpResponseHead.TryParse(buffer.AsSpan(0, filled), out var head, out var consumed))
                {
                    return (head!, buffer.AsMemory(consumed, filled - consumed));
                }
            }
            catch (FormatException ex)
            {
                throw new ConsoleConnectException(
                    ConsoleConnectFailure.MalformedReply, $"{location.HostHeader} answered the console CONNECT with {ex.Message}", innerException: ex);
            }

            if (filled == buffer.Length)
            {
                throw new ConsoleConnectException(
                    ConsoleConnectFailure.MalformedReply,
                    $"{location.HostHeader} sent a console CONNECT reply head longer than {MaxReplyHeadBytes} bytes");
            }
        }
    }

    private static ConsoleConnectException Failure(HttpResponseHead head, ConsoleLocation location)
    {
        var host = location.HostHeader;
        var status = head.StatusCode;
        var (failure, message) = status switch
        {
            401 => (ConsoleConnectFailure.SessionRejected, $"{host} rejected the XAPI session for the console (401 Unauthorised)"),
            403 => (ConsoleConnectFailure.Forbidden, $"the XAPI user may not open consoles on {host} (403 Forbidden: vm-operator or above is needed)"),
            404 => (ConsoleConnectFailure.BackendNotReady, $"the console on {host} has no VNC server yet (404 Not Found): the VM may still be starting"),
            500 => (ConsoleConnectFailure.HostRefused, $"{host} refused the console (500 Internal Error): the VM is not running there or has just moved"),
            503 => (ConsoleConnectFailure.ConsoleInUse, "console in use by another viewer (503: the pool limits consoles to one session)"),
            _ => (ConsoleConnectFailure.UnexpectedStatus, $"{host} answered the console CONNECT with HTTP {status} {HttpResponseHead.Printable(head.ReasonPhrase)}"),
        };
        return new ConsoleConnectException(failure, message, status);
    }
}
