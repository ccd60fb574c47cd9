using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Protocol.Tests.Xapi;

/// <summary>A reload compares passwords without revealing them; they still never format.</summary>
public sealed class SecretEqualityTests
{
    [Fact]
    public void XapiPassword_EqualByValue_OrdinalAndRedacted()
    {
        Assert.Equal(new XapiPassword("s3cret"), new XapiPassword("s3cret"));
        Assert.NotEqual(new XapiPassword("s3cret"), new XapiPassword("S3cret"));
        Assert.Equal("<redacted>", new XapiPassword("s3cret").ToString());
    }

    [Fact]
    public void RfbPassword_EqualByValue_OrdinalAndRedacted()
    {
        Assert.Equal(new RfbPassword("vnc"), new RfbPassword("vnc"));
        Assert.NotEqual(new RfbPassword("vnc"), new RfbPassword("vnc2"));
        Assert.False(new RfbPassword("vnc").Equals(null));
        Assert.Equal("<redacted>", new RfbPassword("vnc").ToString());
    }
}
