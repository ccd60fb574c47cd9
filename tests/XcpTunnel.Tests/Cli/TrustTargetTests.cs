using XcpTunnel.Cli;

namespace XcpTunnel.Tests.Cli;

public sealed class TrustTargetTests
{
    [Theory]
    [InlineData("https://xcp01.example.com", "xcp01.example.com", 443)]
    [InlineData("https://xcp01.example.com/", "xcp01.example.com", 443)]
    [InlineData("https://10.0.0.5:8443", "10.0.0.5", 8443)]
    [InlineData("xcp01.example.com", "xcp01.example.com", 443)]
    [InlineData("xcp01:4443", "xcp01", 4443)]
    [InlineData("https://[::1]:8443", "::1", 8443)]
    [InlineData("[fe80::1]", "fe80::1", 443)]
    public void ParseTarget_HostAndPort_DefaultsTo443(string text, string host, int port) =>
        Assert.Equal((host, port), TrustCommand.ParseTarget(text));

    [Theory]
    [InlineData("http://xcp01")]
    [InlineData("ftp://xcp01")]
    [InlineData("https://")]
    public void ParseTarget_NotHttps_IsNoTarget(string text) => Assert.Null(TrustCommand.ParseTarget(text));
}
