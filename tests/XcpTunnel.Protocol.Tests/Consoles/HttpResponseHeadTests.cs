using System.Text;
using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Protocol.Tests.Consoles;

public sealed class HttpResponseHeadTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nCache-Control: no-cache, no-store\r\n\r\n";

    [Fact]
    public void TryParse_EveryPrefixShorterThanTheHead_NeedsMore()
    {
        var bytes = Encoding.ASCII.GetBytes(Ok + "RFB 003.008\n");
        var headLength = Ok.Length;

        for (var length = 0; length < headLength; length++)
        {
            Assert.False(HttpResponseHead.TryParse(bytes.AsSpan(0, length), out _, out var consumed));
            Assert.Equal(0, consumed);
        }

        for (var length = headLength; length <= bytes.Length; length++)
        {
            Assert.True(HttpResponseHead.TryParse(bytes.AsSpan(0, length), out var head, out var consumed));
            Assert.Equal(headLength, consumed);
            Assert.Equal(200, head!.StatusCode);
            Assert.Equal("keep-alive", head["connection"]);
            Assert.Equal("no-cache, no-store", head["Cache-Control"]);
        }
    }

    [Theory]
    [InlineData("HTTP/1.0 401 Unauthorised\r\nWWW-Authenticate: Basic realm=\"xapi\"\r\n\r\n", 401, "Unauthorised")]
    [InlineData("HTTP/1.1 503 Connection Limit Exceeded\r\n\r\n", 503, "Connection Limit Exceeded")]
    [InlineData("HTTP/1.1 404 \r\n\r\n", 404, "")]
    [InlineData("HTTP/1.1 200\r\n\r\n", 200, "")]
    public void TryParse_StatusLines(string text, int status, string reason)
    {
        Assert.True(HttpResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out var head, out _));
        Assert.Equal(status, head!.StatusCode);
        Assert.Equal(reason, head.ReasonPhrase);
    }

    [Theory]
    [InlineData("RFB 003.008\n\r\n\r\n")]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")]
    public void TryParse_NotHttp_FormatException(string text)
    {
        Assert.Throws<FormatException>(() => HttpResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));
    }
}
