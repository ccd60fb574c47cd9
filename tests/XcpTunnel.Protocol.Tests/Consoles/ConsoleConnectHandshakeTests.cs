using System.Text;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Protocol.Tests.Consoles;

public sealed class ConsoleConnectHandshakeTests
{
    private const string SessionValue = "OpaqueRef:2f1c4d8e-0000-4000-8000-00000000beef";
    private const string Ok = "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nCache-Control: no-cache, no-store\r\n\r\n";
    private static readonly XapiSessionRef Session = new(SessionValue);
    private static readonly ConsoleLocation Location = ConsoleLocation.Parse("https://127.0.0.2:4443/console?uuid=7a3a8f3e-1111-4222-8333-444455556666");
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void FormatRequest_SessionInTheCookieOnlyNeverInTheLoggedRequestLine_Http10()
    {
        var request = Encoding.ASCII.GetString(ConsoleConnectHandshake.FormatRequest(Location, Session));

        Assert.Equal(
            "CONNECT /console?uuid=7a3a8f3e-1111-4222-8333-444455556666 HTTP/1.0\r\n" +
            "Host: 127.0.0.2:4443\r\n" +
            $"Cookie: session_id={SessionValue}\r\n" +
            "\r\n",
            request);
    }

    [Fact]
    public async Task Connect_Ok_KeepsRfbBytesThatCameWithTheReply()
    {
        var written = new MemoryStream();
        var peer = new DuplexStream(new MemoryStream(Encoding.ASCII.GetBytes(Ok + "RFB 003.008\n")), written);

        var rfb = await ConsoleConnectHandshake.ConnectAsync(peer, Location, Session, ReplyTimeout, CancellationToken.None).Bounded();

        Assert.Equal("RFB 003.008\n", await ReadAll(rfb));
        Assert.StartsWith("CONNECT /console?uuid=", Encoding.ASCII.GetString(written.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ReplySplitAtEveryPoint_SameResult()
    {
        var reply = Encoding.ASCII.GetBytes(Ok + "RFB 003.003\n");
        for (var split = 1; split < reply.Length; split++)
        {
            var peer = new DuplexStream(new ChunkedStream(reply[..split], reply[split..]), new MemoryStream());

            var rfb = await ConsoleConnectHandshake.ConnectAsync(peer, Location, Session, ReplyTimeout, CancellationToken.None).Bounded();

            Assert.Equal("RFB 003.003\n", await ReadAll(rfb));
        }
    }

    [Fact]
    public async Task Connect_ReplyOneByteAtATime_SameResult()
    {
        var reply = Encoding.ASCII.GetBytes(Ok + "RFB 003.003\n");
        var peer = new DuplexStream(new ChunkedStream([.. reply.Select(b => new[] { b })]), new MemoryStream());

        var rfb = await ConsoleConnectHandshake.ConnectAsync(peer, Location, Session, ReplyTimeout, CancellationToken.None).Bounded();

        Assert.Equal("RFB 003.003\n", await ReadAll(rfb));
    }

    [Theory]
    [InlineData("HTTP/1.0 401 Unauthorised\r\nWWW-Authenticate: Basic realm=\"xapi\"\r\n\r\n<html>...</html>", ConsoleConnectFailure.SessionRejected, 401)]
    [InlineData("HTTP/1.0 403 Forbidden\r\n\r\n", ConsoleConnectFailure.Forbidden, 403)]
    [InlineData("HTTP/1.1 404 Not Found\r\n\r\n", ConsoleConnectFailure.BackendNotReady, 404)]
    [InlineData("HTTP/1.0 500 Internal Error\r\n\r\n<html><body>VM not running</body></html>", ConsoleConnectFailure.HostRefused, 500)]
    [InlineData("HTTP/1.1 503 Connection Limit Exceeded\r\n\r\n", ConsoleConnectFailure.ConsoleInUse, 503)]
    [InlineData("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n\r\n", ConsoleConnectFailure.UnexpectedStatus, 302)]
    public async Task Connect_ErrorStatus_DistinctFailureWithoutSessionRef(string reply, ConsoleConnectFailure failure, int status)
    {
        var error = await Assert.ThrowsAsync<ConsoleConnectException>(
            () => ConsoleConnectHandshake.ConnectAsync(Scripted(reply), Location, Session, ReplyTimeout, CancellationToken.None)).Bounded();

        Assert.Equal(failure, error.Failure);
        Assert.Equal(status, error.StatusCode);
        Assert.DoesNotContain("OpaqueRef", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_503_TellsConsoleInUse()
    {
        var error = await Assert.ThrowsAsync<ConsoleConnectException>(
            () => ConsoleConnectHandshake.ConnectAsync(Scripted("HTTP/1.1 503 Connection Limit Exceeded\r\n\r\n"), Location, Session, ReplyTimeout, CancellationToken.None)).Bounded();

        Assert.StartsWith("console in use by another viewer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_EndlessHead_RefusedAtTheLimit()
    {
        var reply = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Repeat("X-Padding: aaaaaaaaaaaaaaaaaaaaaaaa\r\n", 400));

        var error = await Assert.ThrowsAsync<ConsoleConnectException>(
            () => ConsoleConnectHandshake.ConnectAsync(Scripted(reply), Location, Session, ReplyTimeout, CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleConnectFailure.MalformedReply, error.Failure);
        Assert.Contains(ConsoleConnectHandshake.MaxReplyHeadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: keep-al")]
    public async Task Connect_ClosedBeforeTheHeadEnds_ClosedEarly(string reply)
    {
        var error = await Assert.ThrowsAsync<ConsoleConnectException>(
            () => ConsoleConnectHandshake.ConnectAsync(Scripted(reply), Location, Session, ReplyTimeout, CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleConnectFailure.ClosedEarly, error.Failure);
    }

    [Fact]
    public async Task Connect_NotHttp_Malformed()
    {
        var error = await Assert.ThrowsAsync<ConsoleConnectException>(
            () => ConsoleConnectHandshake.ConnectAsync(Scripted("SSH-2.0-OpenSSH\r\n\r\n"), Location, Session, ReplyTimeout, CancellationToken.None)).Bounded();

        Assert.Equal(ConsoleConnectFailure.MalformedReply, error.Failure);
    }

    [Fact]
    public async Task Connect_HostNeverAnswers_TimesOutAtTheReplyDeadlineNamingTheStage()
    {
        await using var pair = await LoopbackPair.CreateAsync(CancellationToken.None).Bounded();
        var clock = new FakeTimeProvider();
        // Longer than the test's own bound: only the fake clock can end it in time.
        var replyTimeout = TimeSpan.FromMinutes(5);

        var connect = ConsoleConnectHandshake.ConnectPrefixedAsync(pair.Near, Location, Session, replyTimeout, clock, CancellationToken.None);
        var waited = await FakeClock.AdvanceUntilDoneAsync(clock, connect, TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<ConsoleConnectException>(() => connect);
        Assert.True(waited >= replyTimeout, $"gave up after {waited}, before the {replyTimeout} deadline");
        Assert.Equal(ConsoleConnectFailure.Timeout, error.Failure);
        Assert.Contains("did not answer the console CONNECT", error.Message, StringComparison.Ordinal);
    }

    private static DuplexStream Scripted(string reply) =>
        new(new MemoryStream(Encoding.Latin1.GetBytes(reply)), new MemoryStream());

    private static async Task<string> ReadAll(Stream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all).Bounded();
        return Encoding.ASCII.GetString(all.ToArray());
    }
}
