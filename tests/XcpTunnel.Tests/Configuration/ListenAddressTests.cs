using System.Net;
using System.Net.Sockets;
using XcpTunnel.Configuration;

namespace XcpTunnel.Tests.Configuration;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:5901", "127.0.0.1", 5901, "127.0.0.1:5901")]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0:1")]
    [InlineData("[::1]:5901", "::1", 5901, "[::1]:5901")]
    [InlineData("[::]:65535", "::", 65535, "[::]:65535")]
    [InlineData(" [fe80::1]:5900 ", "fe80::1", 5900, "[fe80::1]:5900")]
    public void TryParse_Literal_GivesTheAddress(string text, string address, int port, string formatted)
    {
        Assert.True(ListenAddress.TryParse(text, out var listen, out var error), error);

        Assert.Equal(IPAddress.Parse(address), listen.Address);
        Assert.Equal(port, listen.Port);
        Assert.Equal(formatted, listen.ToString());
    }

    [Theory]
    [InlineData("localhost:5901", "localhost")]
    [InlineData("vnc-gw.example.com:80", "vnc-gw.example.com")]
    public void TryParse_HostName_IsKeptForResolution(string text, string host)
    {
        Assert.True(ListenAddress.TryParse(text, out var listen, out var error), error);

        Assert.Null(listen.Address);
        Assert.Equal(host, listen.Host);
        Assert.Equal(text, listen.ToString());
    }

    [Theory]
    [InlineData("", "missing")]
    [InlineData("5901", "no port")]
    [InlineData("127.0.0.1", "no port")]
    [InlineData("127.0.0.1:0", "port")]
    [InlineData("127.0.0.1:65536", "port")]
    [InlineData("127.0.0.1:-1", "port")]
    [InlineData("127.0.0.1:59o1", "port")]
    [InlineData("127.0.0.1:", "port")]
    [InlineData("::1:5901", "brackets")]
    [InlineData("[127.0.0.1]:5901", "not an IPv6 address")]
    [InlineData("[nothing]:5901", "not an IPv6 address")]
    [InlineData("127.1:5901", "not an IPv4 address")]
    [InlineData("300.0.0.1:5901", "not an IPv4 address")]
    [InlineData(":5901", "not an IP address or a host name")]
    [InlineData("bad_host!:5901", "not an IP address or a host name")]
    public void TryParse_Invalid_SaysWhy(string text, string reason)
    {
        Assert.False(ListenAddress.TryParse(text, out var listen, out var error));

        Assert.Null(listen);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void TryResolve_Localhost_IsBothLoopbacksWithoutDns()
    {
        Assert.True(ListenAddress.TryParse("localhost:5901", out var listen, out _));

        Assert.True(listen.TryResolve(_ => throw new InvalidOperationException("DNS asked"), out var endpoints, out var error), error);

        IPEndPoint[] expected = Socket.OSSupportsIPv6
            ? [new(IPAddress.Loopback, 5901), new(IPAddress.IPv6Loopback, 5901)]
            : [new(IPAddress.Loopback, 5901)];
        Assert.Equal(expected, endpoints);
    }

    [Fact]
    public void TryResolve_HostName_GivesEveryAddressOnce()
    {
        Assert.True(ListenAddress.TryParse("gw:7000", out var listen, out _));

        Assert.True(listen.TryResolve(_ => [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("fd00::1"), IPAddress.Parse("10.0.0.1")], out var endpoints, out _));

        Assert.Equal([new IPEndPoint(IPAddress.Parse("10.0.0.1"), 7000), new IPEndPoint(IPAddress.Parse("fd00::1"), 7000)], endpoints);
    }

    [Fact]
    public void TryResolve_UnknownHost_SaysWhich()
    {
        Assert.True(ListenAddress.TryParse("nowhere:7000", out var listen, out _));

        Assert.False(listen.TryResolve(_ => throw new SocketException((int)SocketError.HostNotFound), out _, out var error));

        Assert.StartsWith("cannot resolve 'nowhere'", error);
    }
}
