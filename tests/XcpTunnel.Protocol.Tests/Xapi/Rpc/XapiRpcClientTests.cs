using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

public sealed class XapiRpcClientTests
{
    private const string Password = "pa55-w0rd-never-printed";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonNode?[] LoginParameters =
        [JsonValue.Create("root"), JsonValue.Create(Password), JsonValue.Create("1.0"), JsonValue.Create("xcptunnel")];

    /// <summary>A plain-TCP connector to whatever port the test names, recording what it was asked for.</summary>
    private sealed class TcpConnector(int port)
    {
        public List<(string Host, int Port)> Calls { get; } = [];

        public async ValueTask<Stream> ConnectAsync(string host, int requestedPort, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((host, requestedPort));
            }

            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private sealed class ConnectorRefusedException() : XcpTunnelException("the test connector says no");

    private static XapiRpcClient Client(CannedHttpServer server, XapiTransport transport, TimeSpan? callTimeout = null) =>
        Client(new Uri($"http://127.0.0.1:{server.Port}"), new TcpConnector(server.Port).ConnectAsync, transport, callTimeout);

    private static XapiRpcClient Client(Uri url, XapiStreamConnector connector, XapiTransport transport, TimeSpan? callTimeout = null) =>
        new(url, transport, connector, callTimeout ?? CallTimeout);

    private static Task<JsonNode?> Login(XapiRpcClient client, CancellationToken cancellationToken = default) =>
        client.CallAsync("session.login_with_password", LoginParameters, cancellationToken).WaitAsync(TestTimeout, CancellationToken.None);

    // Answers JSON-RPC with the request's own id and XML-RPC with Success.
    private static CannedReply Answer(RecordedRequest request, string result = "OpaqueRef:session") =>
        request.Path == "/jsonrpc"
            ? CannedReply.Json($$"""{"jsonrpc":"2.0","result":"{{result}}","id":{{JsonNode.Parse(request.BodyText)!["id"]}}}""")
            : CannedReply.Xml(XmlRpcCodecTests.Success($"<value>{result}</value>"));

    private static void AssertNoSecret(Exception e)
    {
        Assert.DoesNotContain(Password, e.ToString(), StringComparison.Ordinal);
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            Assert.DoesNotContain(Password, inner.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<XapiTransportException> AssertTransportFailure(
        XapiTransportFailure failure, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<XapiTransportException>(call);
        Assert.Equal(failure, e.Failure);
        AssertNoSecret(e);
        return e;
    }

    [Fact]
    public async Task CallAsync_JsonRpc_PostsToJsonRpcAndReturnsResult()
    {
        await using var server = new CannedHttpServer(r => Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc);

        JsonNode? result = await Login(client);

        Assert.Equal("OpaqueRef:session", result!.GetValue<string>());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/jsonrpc", "HTTP/1.1"), (request.Method, request.Path, request.Version));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(request.Body.Length.ToString(), request.Header("Content-Length"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Equal($"127.0.0.1:{server.Port}", request.Header("Host"));
        JsonNode body = JsonNode.Parse(request.BodyText)!;
        Assert.Equal("2.0", body["jsonrpc"]!.GetValue<string>());
        Assert.Equal("session.login_with_password", body["method"]!.GetValue<string>());
        Assert.Equal(["root", Password, "1.0", "xcptunnel"], body["params"].GetXapiStringArray("params"));
        Assert.Equal(XapiTransport.JsonRpc, client.EffectiveTransport);
    }

    [Fact]
    public async Task CallAsync_XmlRpc_PostsToRootAndReturnsValue()
    {
        await using var server = new CannedHttpServer(r => Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.XmlRpc);

        JsonNode? result = await Login(client);

        Assert.Equal("OpaqueRef:session", result!.GetValue<string>());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/", "HTTP/1.1"), (request.Method, request.Path, request.Version));
        Assert.Equal("text/xml", request.Header("Content-Type"));
        Assert.Equal(request.Body.Length.ToString(), request.Header("Content-Length"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Contains("<methodName>session.login_with_password</methodName>", request.BodyText);
    }

    [Fact]
    public async Task CallAsync_Auto_FallsBackToXmlRpcOn404AndSticksWithIt()
    {
        await using var server = new CannedHttpServer(r =>
            r.Path == "/jsonrpc" ? CannedReply.Http(404, "Not Found") : Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.Auto);

        JsonNode? first = await Login(client);
        JsonNode? second = await Login(client);

        Assert.Equal("OpaqueRef:session", first!.GetValue<string>());
        Assert.Equal("OpaqueRef:session", second!.GetValue<string>());
        Assert.Equal(["/jsonrpc", "/", "/"], server.Paths);
        Assert.Equal(XapiTransport.XmlRpc, client.EffectiveTransport);
    }

    [Theory]
    [InlineData(405, "Method Not Allowed")]
    [InlineData(501, "Not Implemented")]
    public async Task CallAsync_Auto_FallsBackToXmlRpcWhenJsonRpcIsNotImplemented(int status, string reason)
    {
        await using var server = new CannedHttpServer(r =>
            r.Path == "/jsonrpc" ? CannedReply.Http(status, reason) : Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.Auto);

        await Login(client);

        Assert.Equal(["/jsonrpc", "/"], server.Paths);
    }

    [Fact]
    public async Task CallAsync_AutoOnJsonRpcHost_SticksWithJsonRpc()
    {
        await using var server = new CannedHttpServer(r => Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.Auto);
        Assert.Equal(XapiTransport.Auto, client.EffectiveTransport);

        await Login(client);
        await Login(client);

        Assert.Equal(["/jsonrpc", "/jsonrpc"], server.Paths);
        Assert.Equal(XapiTransport.JsonRpc, client.EffectiveTransport);
    }

    [Fact]
    public async Task CallAsync_JsonRpcOnly_NeverFallsBack()
    {
        await using var server = new CannedHttpServer(r =>
            r.Path == "/jsonrpc" ? CannedReply.Http(404, "Not Found") : Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc);

        var e = await AssertTransportFailure(XapiTransportFailure.HttpStatus, () => Login(client));

        Assert.Equal(404, e.HttpStatus);
        Assert.Equal(["/jsonrpc"], server.Paths);
        Assert.Equal(XapiTransport.JsonRpc, client.EffectiveTransport);
    }

    [Fact]
    public async Task CallAsync_Auto_DoesNotFallBackOnOtherStatuses()
    {
        await using var server = new CannedHttpServer(_ => CannedReply.Http(500, "Internal Error", "<html>oops</html>"));
        using XapiRpcClient client = Client(server, XapiTransport.Auto);

        var e = await AssertTransportFailure(XapiTransportFailure.HttpStatus, () => Login(client));

        Assert.Equal(500, e.HttpStatus);
        Assert.Equal(["/jsonrpc"], server.Paths);
        Assert.Equal(XapiTransport.Auto, client.EffectiveTransport);
        Assert.Contains($"http://127.0.0.1:{server.Port}", e.Message);
    }

    [Fact]
    public async Task CallAsync_SeveralCalls_ReuseOneKeepAliveConnection()
    {
        await using var server = new CannedHttpServer(r => Answer(r));
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc);

        for (int i = 0; i < 3; i++)
        {
            await Login(client);
        }

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task CallAsync_ReplyInOneByteFragments_IsReassembled()
    {
        await using var server = new CannedHttpServer(r =>
            CannedReply.Http(200, "OK", XmlRpcCodecTests.Success("<value><array><data><value>a</value></data></array></value>"), "text/xml", fragmented: true));
        using XapiRpcClient client = Client(server, XapiTransport.XmlRpc);

        JsonNode? result = await Login(client);

        Assert.Equal(["a"], result.GetXapiStringArray("result"));
    }

    [Fact]
    public async Task CallAsync_HttpsUrlWithoutPort_ConnectsToPort443WithBareHostHeader()
    {
        await using var server = new CannedHttpServer(r => Answer(r));
        var connector = new TcpConnector(server.Port);
        using XapiRpcClient client = Client(new Uri("https://xapi.example"), connector.ConnectAsync, XapiTransport.JsonRpc);

        await Login(client);

        Assert.Equal([("xapi.example", 443)], connector.Calls);
        Assert.Equal("xapi.example", Assert.Single(server.Requests).Header("Host"));
        Assert.Equal(new Uri("https://xapi.example"), client.HostUrl);
    }

    [Fact]
    public async Task CallAsync_Ipv6UrlWithPort_ConnectsToAddressWithBracketedHostHeader()
    {
        await using var server = new CannedHttpServer(r => Answer(r));
        var connector = new TcpConnector(server.Port);
        using XapiRpcClient client = Client(new Uri("https://[fd00::5]:8443"), connector.ConnectAsync, XapiTransport.XmlRpc);

        await Login(client);

        Assert.Equal([("fd00::5", 8443)], connector.Calls);
        Assert.Equal("[fd00::5]:8443", Assert.Single(server.Requests).Header("Host"));
    }

    [Fact]
    public async Task CallAsync_XapiFailure_ReachesCallerAsFailure()
    {
        await using var server = new CannedHttpServer(r => CannedReply.Xml(XmlRpcCodecTests.Failure("SESSION_AUTHENTICATION_FAILED", "root", "Authentication failure")));
        using XapiRpcClient client = Client(server, XapiTransport.XmlRpc);

        var e = await Assert.ThrowsAsync<XapiFailureException>(() => Login(client));

        Assert.Equal("SESSION_AUTHENTICATION_FAILED", e.ErrorCode);
        AssertNoSecret(e);
    }

    [Fact]
    public async Task CallAsync_ConnectionRefused_ThrowsConnectionRefused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using XapiRpcClient client = Client(new Uri($"https://127.0.0.1:{port}"), new TcpConnector(port).ConnectAsync, XapiTransport.Auto);

        var e = await AssertTransportFailure(XapiTransportFailure.ConnectionRefused, () => Login(client));

        Assert.Equal($"cannot reach XAPI at https://127.0.0.1:{port}: connection refused", e.Message);
    }

    [Fact]
    public async Task CallAsync_ServerNeverAnswers_TimesOutWithinCallTimeout()
    {
        await using var server = new CannedHttpServer(_ => CannedReply.Never);
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc, TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        var e = await AssertTransportFailure(XapiTransportFailure.Timeout, () => Login(client));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Contains("session.login_with_password", e.Message);
        Assert.Contains($"http://127.0.0.1:{server.Port}", e.Message);
    }

    [Fact]
    public async Task CallAsync_CallerCancels_ThrowsOperationCanceled()
    {
        await using var server = new CannedHttpServer(_ => CannedReply.Never);
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Login(client, cancellation.Token));

        Assert.Equal(cancellation.Token, e.CancellationToken);
        AssertNoSecret(e);
    }

    [Fact]
    public async Task CallAsync_ConnectorThrowsXcpTunnelException_ReachesCallerUnchanged()
    {
        var thrown = new ConnectorRefusedException();
        using XapiRpcClient client = Client(
            new Uri("https://xapi.example"), (_, _, _) => ValueTask.FromException<Stream>(thrown), XapiTransport.Auto);

        var e = await Assert.ThrowsAsync<ConnectorRefusedException>(() => Login(client));

        Assert.Same(thrown, e);
    }

    [Theory]
    [InlineData(SocketError.HostNotFound, XapiTransportFailure.NameResolution)]
    [InlineData(SocketError.TryAgain, XapiTransportFailure.NameResolution)]
    [InlineData(SocketError.ConnectionRefused, XapiTransportFailure.ConnectionRefused)]
    [InlineData(SocketError.NetworkUnreachable, XapiTransportFailure.ConnectionLost)]
    public async Task CallAsync_ConnectorSocketError_MapsToTransportFailure(SocketError error, XapiTransportFailure failure)
    {
        using XapiRpcClient client = Client(
            new Uri("https://xapi.example"), (_, _, _) => ValueTask.FromException<Stream>(new SocketException((int)error)), XapiTransport.Auto);

        var e = await AssertTransportFailure(failure, () => Login(client));

        Assert.StartsWith("cannot reach XAPI at https://xapi.example: ", e.Message);
    }

    [Fact]
    public async Task CallAsync_TlsFailureInConnector_ThrowsTlsHandshake()
    {
        using XapiRpcClient client = Client(
            new Uri("https://xapi.example"), (_, _, _) => ValueTask.FromException<Stream>(new AuthenticationException("handshake failure")), XapiTransport.Auto);

        await AssertTransportFailure(XapiTransportFailure.TlsHandshake, () => Login(client));
    }

    [Fact]
    public async Task CallAsync_HtmlPageWithStatus200_ThrowsMalformedReply()
    {
        await using var server = new CannedHttpServer(_ => CannedReply.Http(200, "OK", "<html><body>Welcome</body></html>"));
        using XapiRpcClient client = Client(server, XapiTransport.Auto);

        await AssertTransportFailure(XapiTransportFailure.MalformedReply, () => Login(client));
    }

    [Fact]
    public async Task CallAsync_ReplyDeclaredLargerThanLimit_ThrowsMalformedReply()
    {
        await using var server = new CannedHttpServer(_ =>
            CannedReply.Raw($"HTTP/1.1 200 OK\r\nContent-Length: {XapiRpcClient.MaxReplyBytes + 1}\r\n\r\n{{", close: false));
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc);

        var e = await AssertTransportFailure(XapiTransportFailure.MalformedReply, () => Login(client));

        Assert.Contains("larger than 16 MiB", e.Message);
    }

    [Fact]
    public async Task CallAsync_ConnectionClosedMidReply_ThrowsConnectionLost()
    {
        await using var server = new CannedHttpServer(_ =>
            CannedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":", close: true));
        using XapiRpcClient client = Client(server, XapiTransport.JsonRpc);

        await AssertTransportFailure(XapiTransportFailure.ConnectionLost, () => Login(client));
    }

    [Fact]
    public async Task CallAsync_ConnectionClosedWithoutReply_ThrowsConnectionLost()
    {
        await using var server = new CannedHttpServer(_ => CannedReply.CloseWithoutAnswer);
        using XapiRpcClient client = Client(server, XapiTransport.XmlRpc);

        await AssertTransportFailure(XapiTransportFailure.ConnectionLost, () => Login(client));
    }

    [Fact]
    public async Task CallAsync_NotHttp_ThrowsMalformedReply()
    {
        await using var server = new CannedHttpServer(_ => CannedReply.Raw("SSH-2.0-OpenSSH_9.2\r\n\r\n", close: true));
        using XapiRpcClient client = Client(server, XapiTransport.XmlRpc);

        await AssertTransportFailure(XapiTransportFailure.MalformedReply, () => Login(client));
    }

    [Fact]
    public async Task CallAsync_EveryErrorCase_NeverPutsThePasswordInAMessage()
    {
        var failures = new List<Exception>();
        async Task Collect(Func<CannedRequestHandler> scenario, XapiTransport transport, TimeSpan? callTimeout = null)
        {
            await using var server = new CannedHttpServer(r => scenario()(r));
            using XapiRpcClient client = Client(server, transport, callTimeout);
            failures.Add(await Assert.ThrowsAnyAsync<Exception>(() => Login(client)));
        }

        await Collect(() => _ => CannedReply.Http(404, "Not Found"), XapiTransport.JsonRpc);
        await Collect(() => _ => CannedReply.Http(500, "Internal Error", $"<html>{Password}</html>"), XapiTransport.Auto);
        await Collect(() => _ => CannedReply.Json($$"""{"jsonrpc":"2.0","result":"x","id":-1}"""), XapiTransport.JsonRpc);
        await Collect(() => _ => CannedReply.Xml("<methodResponse><params>"), XapiTransport.XmlRpc);
        await Collect(() => _ => CannedReply.Raw("garbage\r\n\r\n", close: true), XapiTransport.Auto);
        await Collect(() => _ => CannedReply.CloseWithoutAnswer, XapiTransport.XmlRpc);
        await Collect(() => _ => CannedReply.Never, XapiTransport.Auto, TimeSpan.FromMilliseconds(200));
        await Collect(() => _ => CannedReply.Xml(XmlRpcCodecTests.Failure("SESSION_INVALID", "OpaqueRef:dead")), XapiTransport.XmlRpc);

        using (XapiRpcClient refused = Client(
            new Uri("https://xapi.example"), (_, _, _) => ValueTask.FromException<Stream>(new SocketException((int)SocketError.ConnectionRefused)), XapiTransport.Auto))
        {
            failures.Add(await Assert.ThrowsAnyAsync<Exception>(() => Login(refused)));
        }

        Assert.Equal(9, failures.Count);
        Assert.All(failures, e => Assert.IsAssignableFrom<XcpTunnelException>(e));
        Assert.All(failures, AssertNoSecret);
    }

    private delegate CannedReply CannedRequestHandler(RecordedRequest request);

    [Fact]
    public void Constructor_UrlWithUserInfo_IsRejectedWithoutQuotingIt()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Client(new Uri($"https://root:{Password}@xapi.example"), (_, _, _) => throw new InvalidOperationException(), XapiTransport.Auto));

        Assert.DoesNotContain(Password, e.Message);
    }
}
