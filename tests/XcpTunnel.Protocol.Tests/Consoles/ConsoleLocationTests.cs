using XcpTunnel.Protocol.Consoles;

namespace XcpTunnel.Protocol.Tests.Consoles;

public sealed class ConsoleLocationTests
{
    [Theory]
    [InlineData("https://10.0.0.5/console?uuid=9b1d1a36-4c5e-4e0e-8b6a-3c1c9f1e2d10", "10.0.0.5", 443, "/console?uuid=9b1d1a36-4c5e-4e0e-8b6a-3c1c9f1e2d10", "10.0.0.5")]
    [InlineData("https://10.0.0.5:8443/console?uuid=abc", "10.0.0.5", 8443, "/console?uuid=abc", "10.0.0.5:8443")]
    [InlineData("https://xcp01.example.com/console?ref=OpaqueRef:7c0c2f38-5d2b-4c59-a63b-0b6d0f1f4f11", "xcp01.example.com", 443, "/console?ref=OpaqueRef:7c0c2f38-5d2b-4c59-a63b-0b6d0f1f4f11", "xcp01.example.com")]
    [InlineData("https://[fd00::5]/console?uuid=abc", "fd00::5", 443, "/console?uuid=abc", "[fd00::5]")]
    [InlineData("https://[fd00::5]:4443/console?ref=OpaqueRef:x", "fd00::5", 4443, "/console?ref=OpaqueRef:x", "[fd00::5]:4443")]
    public void Parse_BothFormsAndHostShapes(string text, string host, int port, string pathAndQuery, string hostHeader)
    {
        var location = ConsoleLocation.Parse(text);

        Assert.Equal(host, location.Host);
        Assert.Equal(port, location.Port);
        Assert.Equal(pathAndQuery, location.PathAndQuery);
        Assert.Equal(hostHeader, location.HostHeader);
        Assert.Equal(text, location.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/console?uuid=abc")]
    [InlineData("https://10.0.0.5/console")]
    [InlineData("ftp://10.0.0.5/console?uuid=abc")]
    [InlineData("not a url")]
    public void TryParse_NotAConsoleUrl_False(string text)
    {
        Assert.False(ConsoleLocation.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ConsoleLocation.Parse(text));
    }

    [Theory]
    [InlineData("", "10.0.0.7", "/console?ref=OpaqueRef%3Ac0ffee", "10.0.0.7")]
    [InlineData("https:///console?ref=OpaqueRef:c0ffee", "10.0.0.7", "/console?ref=OpaqueRef:c0ffee", "10.0.0.7")]
    [InlineData("https://fd00::5/console?uuid=abc", "fd00::5", "/console?uuid=abc", "[fd00::5]")]
    [InlineData("https://fd00::5/console?uuid=abc", "[fd00::5]", "/console?uuid=abc", "[fd00::5]")]
    [InlineData("https://fd00::5", "fd00::5", "/console?ref=OpaqueRef%3Ac0ffee", "[fd00::5]")]
    public void OnResidentHost_LocationsThatAreNotUris_KeepPathAndQueryOnTheHostAddress(string text, string address, string pathAndQuery, string hostHeader)
    {
        Assert.False(ConsoleLocation.TryParse(text, out _));

        var location = ConsoleLocation.OnResidentHost(text, "OpaqueRef:c0ffee", address, 443);

        Assert.Equal(address.Trim('[', ']'), location.Host);
        Assert.Equal(443, location.Port);
        Assert.Equal(pathAndQuery, location.PathAndQuery);
        Assert.Equal(hostHeader, location.HostHeader);
        Assert.Equal(text, location.Original);
    }
}
