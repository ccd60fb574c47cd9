using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using XcpTunnel.Simulator.Connect;
using XcpTunnel.Simulator.Logging;
using XcpTunnel.Simulator.Rpc;

namespace XcpTunnel.Simulator.Http;

/// <summary>
/// One accepted connection: TLS with xapi's policy, then requests until the client closes, a request says close,
/// or a CONNECT turns the connection into a tunnel. Every failure ends this connection only.
/// </summary>
internal sealed class HostConnection(PoolContext pool, SimulatedHost host, Socket socket, SslServerAuthenticationOptions? tls, RpcEndpoint rpc, ConnectConsoleHandler console)
{
    /// <summary>The longest PROXY protocol v1 line, CRLF included (haproxy's proxy-protocol.txt §2.1).</summary>
    private const int MaxProxyLineBytes = 107;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var remote = socket.RemoteEndPoint;
        try
        {
            var network = new NetworkStream(socket, ownsSocket: true);
            await using ConfiguredAsyncDisposable networkScope = network.ConfigureAwait(false);
            await HangIfBlackHoledAsync(cancellationToken).ConfigureAwait(false);
            if (tls is null)
            {
                // Behind stunnel (protocol = proxy): plain HTTP, after a PROXY line naming the real client.
                if (await ReadProxyLineAsync(network, cancellationToken).ConfigureAwait(false))
                {
                    await ServeRequestsAsync(network, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            var ssl = new SslStream(network, leaveInnerStreamOpen: false);
            await using ConfiguredAsyncDisposable sslScope = ssl.ConfigureAwait(false);
            if (!await AuthenticateAsync(ssl, tls, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await ServeRequestsAsync(ssl, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or AuthenticationException)
        {
            SimulatorLog.ConnectionAborted(pool.Logger, host.NameLabel, remote, e);
        }
    }

    //  PROXY TCP4 192.0.2.7 10.0.0.5 51234 443\r\n      (or TCP6, or UNKNOWN when the front end does not know)
    // Read a byte at a time: the HTTP request that follows must stay in the stream for the head reader.
    private async Task<bool> ReadProxyLineAsync(Stream network, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(pool.Options.HeaderTimeout, pool.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        byte[] line = new byte[MaxProxyLineBytes];
        int length = 0;
        try
        {
            while (length < line.Length)
            {
                if (await network.ReadAsync(line.AsMemory(length, 1), linked.Token).ConfigureAwait(false) == 0)
                {
                    return false;
                }

                if (line[length++] == (byte)'\n')
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        string text = System.Text.Encoding.ASCII.GetString(line, 0, length);
        string[] fields = text.TrimEnd('\r', '\n').Split(' ');
        bool valid = text.EndsWith("\r\n", StringComparison.Ordinal) && fields[0] == "PROXY"
            && (fields is [_, "UNKNOWN", ..] || (fields.Length == 6 && fields[1] is "TCP4" or "TCP6"));
        if (!valid)
        {
            SimulatorLog.ProxyLineRejected(pool.Logger, host.NameLabel);
            return false;
        }

        pool.Counters.Proxied(fields[1] == "UNKNOWN" ? "unknown" : fields[2]);
        return true;
    }

    private async Task<bool> AuthenticateAsync(SslStream ssl, SslServerAuthenticationOptions options, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(pool.Options.HeaderTimeout, pool.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await ssl.AuthenticateAsServerAsync(options, linked.Token).ConfigureAwait(false);
            pool.Counters.TlsHandshakeCompleted();
            return true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            pool.Counters.TlsHandshakeFailed();
            return false;
        }
    }

    private async Task ServeRequestsAsync(Stream ssl, CancellationToken cancellationToken)
    {
        var reader = new HttpHeadReader(ssl);
        bool first = true;
        while (true)
        {
            (HeadReadStatus status, HttpRequestHead? head) = await reader
                .ReadHeadAsync(pool.Options.HeaderTimeout, pool.TimeProvider, waitIdle: !first, cancellationToken).ConfigureAwait(false);
            first = false;
            await HangIfBlackHoledAsync(cancellationToken).ConfigureAwait(false);
            switch (status)
            {
                case HeadReadStatus.EndOfStream:
                    return;
                case HeadReadStatus.Timeout:
                    await WriteAsync(ssl, HttpResponses.RequestTimeout(), cancellationToken).ConfigureAwait(false);
                    return;
                case HeadReadStatus.TooLarge:
                    await WriteAsync(ssl, HttpResponses.HeaderFieldsTooLarge(), cancellationToken).ConfigureAwait(false);
                    return;
                case HeadReadStatus.Malformed:
                    await WriteAsync(ssl, HttpResponses.InternalError("1.1", "The HTTP headers could not be parsed."), cancellationToken).ConfigureAwait(false);
                    return;
            }

            pool.Counters.Logged(head!.LogLine);
            if (head.Method == "CONNECT")
            {
                if (head.Path == "/console")
                {
                    await console.HandleAsync(host, head, ssl, reader, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await WriteAsync(ssl, HttpResponses.NotFound(), cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            if (head.Method != "POST")
            {
                await WriteAsync(ssl, HttpResponses.MethodNotImplemented(head.ReplyVersion, head.Method), cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!await ServeRpcAsync(ssl, reader, head, cancellationToken).ConfigureAwait(false) || head.Close)
            {
                return;
            }
        }
    }

    /// <summary>One RPC request; false when the connection must close.</summary>
    private async Task<bool> ServeRpcAsync(Stream ssl, HttpHeadReader reader, HttpRequestHead head, CancellationToken cancellationToken)
    {
        RpcTransport? transport = head.Path switch
        {
            "/jsonrpc" when host.JsonRpcEnabled => RpcTransport.Json,
            // Longest-prefix match: without a JSON-RPC handler, /jsonrpc falls to the XML-RPC handler on /.
            "/" or "/RPC2" or "/jsonrpc" when host.XmlRpcEnabled => RpcTransport.Xml,
            _ => null,
        };
        if (transport is null)
        {
            await WriteAsync(ssl, HttpResponses.NotFound(), cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (head.ContentLength is not { } length)
        {
            await WriteAsync(ssl, HttpResponses.LengthRequired(head.ReplyVersion), cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (length > RpcEndpoint.MaxBodyBytes)
        {
            await WriteAsync(ssl, HttpResponses.PayloadTooLarge(head.ReplyVersion), cancellationToken).ConfigureAwait(false);
            return false;
        }

        byte[] body = await reader.ReadBodyAsync((int)length, cancellationToken).ConfigureAwait(false);
        byte[]? reply = await rpc.HandleAsync(host, head, transport.Value, body, cancellationToken).ConfigureAwait(false);
        if (reply is null)
        {
            return false;
        }

        // A call that waited (event.from) must not answer from a host that died meanwhile.
        await HangIfBlackHoledAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(ssl, reply, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A black-holed host reads nothing and answers nothing: the connection stays open and silent until the pool stops.</summary>
    private async Task HangIfBlackHoledAsync(CancellationToken cancellationToken)
    {
        if (host.BlackHoled)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(Stream stream, byte[] bytes, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
