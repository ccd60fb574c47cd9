using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// Calls XAPI methods on one host over JSON-RPC or XML-RPC (docs/xapi-console-protocol.md, "RPC transports"), on pooled HTTP/1.1
/// keep-alive connections opened through an <see cref="XapiStreamConnector"/>.
/// </summary>
/// <remarks>
/// Parameters are never logged or put into a message: they carry passwords and session references.
/// Failures are <see cref="XapiFailureException"/> (XAPI said no), <see cref="XapiTransportException"/>
/// (the host could not be asked), whatever <see cref="XcpTunnelException"/> the connector threw, or an
/// <see cref="OperationCanceledException"/> for the caller's own cancellation.
/// </remarks>
internal sealed partial class XapiRpcClient : IDisposable
{
    /// <summary>Largest reply to a call without a result shape: all of it is kept, so this bounds memory.</summary>
    internal const int MaxReplyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Largest reply read through a result shape. Only what the shape keeps is held, so this bounds the time a
    /// hostile or broken host can keep the client reading, not memory: a 10,000-VM <c>VM.get_all_records</c> is ~50 MiB.
    /// </summary>
    internal const long MaxStreamedReplyBytes = 1024L * 1024 * 1024;

    // Short, so the pool rarely hands out a connection the host (or a firewall) dropped while idle.
    private static readonly TimeSpan PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;
    private readonly Uri jsonRpcUri;
    private readonly Uri xmlRpcUri;
    private readonly string hostHeader;
    private readonly string hostDisplay;
    private readonly TimeSpan callTimeout;
    private volatile XapiTransport transport;
    private long lastRequestId;
    private volatile bool disposed;

    /// <summary>Creates a client for the XAPI host at <paramref name="hostUrl"/>.</summary>
    /// <param name="hostUrl">
    /// <c>https://HOST[:port]</c> (or <c>http://</c>); port 443 (80) unless it names one. The path is
    /// not used: the endpoints are <c>/jsonrpc</c> and <c>/</c>.
    /// </param>
    /// <param name="transport">The wire format; <see cref="XapiTransport.Auto"/> detects it on the first call.</param>
    /// <param name="connect">
    /// Opens the byte stream to the host (TCP and, for https, verified TLS): HTTP runs over it as is.
    /// </param>
    /// <param name="callTimeout">Deadline for one call, connecting included; <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    public XapiRpcClient(Uri hostUrl, XapiTransport transport, XapiStreamConnector connect, TimeSpan callTimeout)
    {
        ArgumentNullException.ThrowIfNull(hostUrl);
        ArgumentNullException.ThrowIfNull(connect);
        if (!hostUrl.IsAbsoluteUri || (hostUrl.Scheme != Uri.UriSchemeHttps && hostUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The XAPI host URL must be an absolute https:// or http:// URL.", nameof(hostUrl));
        }

        if (hostUrl.UserInfo.Length != 0)
        {
            // Not quoted: user information is usually a password.
            throw new ArgumentException("The XAPI host URL must not carry user information.", nameof(hostUrl));
        }

        if (!Enum.IsDefined(transport))
        {
            throw new ArgumentOutOfRangeException(nameof(transport));
        }

        if (callTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(callTimeout, TimeSpan.Zero);
        }

        HostUrl = hostUrl;
        this.transport = transport;
        this.callTimeout = callTimeout;

        // Uri.Port is already 443/80 when the URL names no port.
        int port = hostUrl.Port;
        string connectHost = hostUrl.IdnHost;
        string hostPart = hostUrl.HostNameType == UriHostNameType.IPv6 ? hostUrl.Host : hostUrl.IdnHost;
        hostHeader = hostUrl.IsDefaultPort ? hostPart : $"{hostPart}:{port}";
        hostDisplay = $"{hostUrl.Scheme}://{hostUrl.Authority}";

        // The connector already did TLS: HttpClient must speak plain HTTP over its stream, so requests
        // are addressed with http:// and the real Host header is set per request.
        var origin = new UriBuilder(Uri.UriSchemeHttp, hostPart, port).Uri;
        jsonRpcUri = new Uri(origin, "/jsonrpc");
        xmlRpcUri = new Uri(origin, "/");

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => connect(connectHost, port, cancellationToken),
            ConnectTimeout = callTimeout,
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The host this client calls.</summary>
    public Uri HostUrl { get; }

    /// <summary>
    /// The transport in effect: as configured, except that <see cref="XapiTransport.Auto"/> turns into
    /// <see cref="XapiTransport.JsonRpc"/> or <see cref="XapiTransport.XmlRpc"/> once a host has answered.
    /// </summary>
    public XapiTransport EffectiveTransport => transport;

    /// <summary>Calls <paramref name="method"/> and returns its result (XAPI's <c>Value</c>).</summary>
    /// <param name="method">Such as <c>session.login_with_password</c>.</param>
    /// <param name="parameters">In XAPI's order, session reference first; see <see cref="XmlRpcCodec"/> for how values map.</param>
    /// <param name="cancellationToken">Cancels the call; it then ends with <see cref="OperationCanceledException"/>.</param>
    public Task<JsonNode?> CallAsync(string method, IReadOnlyList<JsonNode?> parameters, CancellationToken cancellationToken) =>
        CallAsync(method, parameters, result: null, cancellationToken);

    /// <summary>
    /// Calls <paramref name="method"/>; with a <paramref name="result"/> shape the reply is read as it streams in and
    /// only the parts the shape names are kept (docs/xapi-console-protocol.md, "Events").
    /// </summary>
    public async Task<JsonNode?> CallAsync(string method, IReadOnlyList<JsonNode?> parameters, XapiResultShape? result, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parameters);
        if (disposed)
        {
            throw GivenUp(method, null);
        }

        // Without a shape the whole reply is kept, so its size is its memory; with one, only the shaped parts are.
        XapiResultShape shape = result ?? XapiResultShape.All;
        long maxBytes = result is null ? MaxReplyBytes : MaxStreamedReplyBytes;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(callTimeout);
        try
        {
            XapiTransport current = transport;
            if (current != XapiTransport.XmlRpc)
            {
                long id = Interlocked.Increment(ref lastRequestId);
                byte[] request = JsonRpcCodec.WriteRequest(method, parameters, id);
                using HttpResponseMessage? reply = await SendAsync(
                    jsonRpcUri, request, "application/json", method, allowOtherTransport: current == XapiTransport.Auto, deadline.Token).ConfigureAwait(false);
                if (reply is not null)
                {
                    transport = XapiTransport.JsonRpc;
                    var body = await OpenBodyAsync(reply.Content, maxBytes, deadline.Token).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        var envelope = await JsonRpcStreamReader.ReadAsync(body, shape, hostDisplay, deadline.Token).ConfigureAwait(false);
                        return JsonRpcCodec.Interpret(envelope, id, hostDisplay);
                    }
                }

                // Auto and no JSON-RPC (old XCP): the call was not executed, so it is safe to repeat.
                transport = XapiTransport.XmlRpc;
            }

            byte[] xmlRequest = XmlRpcCodec.WriteRequest(method, parameters);
            using HttpResponseMessage xmlReply = (await SendAsync(
                xmlRpcUri, xmlRequest, "text/xml", method, allowOtherTransport: false, deadline.Token).ConfigureAwait(false))!;
            return await ReadXmlAsync(xmlReply, shape, maxBytes, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (disposed && e is not XcpTunnelException && !cancellationToken.IsCancellationRequested)
        {
            throw GivenUp(method, e);
        }
        catch (Exception e) when (e is not XcpTunnelException && IsTransportException(e))
        {
            throw Translate(e, method, deadline.IsCancellationRequested, cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        disposed = true;
        http.Dispose();
    }

    // POSTs one request and returns the reply body, or null when the host does not speak JSON-RPC and the caller may
    // fall back (under Auto). A host without the JSON-RPC handler answers /jsonrpc with its XML-RPC handler (xapi
    // matches paths by longest prefix): 200 and text/xml, an XML-RPC failure about the unreadable body, never 404. So
    // the content type, not the status, says which transport answered (docs/xapi-console-protocol.md, "RPC
    // transports"); 404, 405 and 501 are still taken as a missing endpoint, as other servers answer.
    private async Task<HttpResponseMessage?> SendAsync(
        Uri uri, byte[] body, string contentType, string method, bool allowOtherTransport, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Headers.ContentLength = body.Length;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.Host = hostHeader;

        HttpResponseMessage response = await http
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        int status = (int)response.StatusCode;
        bool askedJson = uri == jsonRpcUri;
        if (status == 200 && !(askedJson && IsXml(response.Content.Headers.ContentType?.MediaType)))
        {
            return response;
        }

        response.Dispose();
        if (status == 200)
        {
            return allowOtherTransport
                ? null
                : throw new XapiTransportException(
                    XapiTransportFailure.WrongTransport,
                    $"XAPI at {hostDisplay} does not speak JSON-RPC (it answered {method} on /jsonrpc with XML); set the pool's Transport to auto or xmlrpc");
        }

        if (allowOtherTransport && status is 404 or 405 or 501)
        {
            return null;
        }

        throw new XapiTransportException(
            XapiTransportFailure.HttpStatus, $"XAPI at {hostDisplay} answered {method} with HTTP {status}", httpStatus: status);
    }

    // XmlReader pulls synchronously, so the parse runs on its own thread, reading the body as it arrives; the
    // deadline aborts a read that hangs by disposing the response.
    private async Task<JsonNode?> ReadXmlAsync(HttpResponseMessage reply, XapiResultShape shape, long maxBytes, CancellationToken cancellationToken)
    {
        var body = await OpenBodyAsync(reply.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var abort = cancellationToken.Register(static state => ((HttpResponseMessage)state!).Dispose(), reply);
            try
            {
                return await Task.Run(() => XmlRpcCodec.ParseReply(body, hostDisplay, shape), CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    // The body as it arrives, refused as soon as it is known to be larger than maxBytes: at once when its
    // Content-Length says so, else when that many bytes have been read.
    private async Task<Stream> OpenBodyAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            throw ReplyTooLarge(maxBytes);
        }

        var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new BoundedReadStream(body, maxBytes, () => ReplyTooLarge(maxBytes));
    }

    private static bool IsXml(string? mediaType) =>
        mediaType is not null
        && (mediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase));

    // The pool session dropped this client (its host failed, or another host became coordinator): its calls end
    // as a lost connection, which the session answers by repeating them where the pool is now.
    private XapiTransportException GivenUp(string method, Exception? inner) =>
        new(XapiTransportFailure.ConnectionLost, $"the connection to XAPI at {hostDisplay} was given up during {method}", inner) { GivenUp = true };

    private XapiTransportException ReplyTooLarge(long maxBytes) =>
        new(XapiTransportFailure.MalformedReply, $"XAPI at {hostDisplay} sent a reply larger than {maxBytes / (1024 * 1024)} MiB");
}
