using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb.Server;

/// <summary>VeNCrypt with a viewer: the sub-negotiation byte by byte, then TLS with the tunnel's certificate.</summary>
public sealed class RfbViewerVeNCryptTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificates.SelfSigned("vnc.test", "vnc.test");

    [Fact]
    public async Task X509None_NegotiatesTlsAndTheVerdictTravelsInsideIt()
    {
        await using var script = await ViewerScript.StartAsync(RfbViewerSecurity.VeNCrypt(_certificate, null, null));
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);

        await using var tls = await NegotiateAsync(script, expectedSubType: 260);
        await authenticate.Bounded();
        Assert.IsType<SslStream>(script.Handshake.Stream);
        var admit = script.Handshake.AdmitAsync(CancellationToken.None);
        Assert.Equal(U32(0), await ReadAsync(tls, 4));
        await tls.WriteAsync(new byte[] { 1 }).Bounded();

        Assert.True(await admit.Bounded());
    }

    [Fact]
    public async Task X509Vnc_AsksThePasswordInsideTls()
    {
        var password = new RfbPassword("tls-pw");
        await using var script = await ViewerScript.StartAsync(RfbViewerSecurity.VeNCrypt(_certificate, null, password));
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);

        await using var tls = await NegotiateAsync(script, expectedSubType: 261);
        var challenge = await ReadAsync(tls, 16);
        await tls.WriteAsync(RfbVncAuthentication.Respond(password, challenge)).Bounded();

        await authenticate.Bounded();
        Assert.True(await script.Handshake.RefuseAsync("VM 'db01' is Halted", CancellationToken.None).Bounded());
        byte[] refusal = [.. U32(1), .. Reason("VM 'db01' is Halted")];
        Assert.Equal(refusal, await ReadAsync(tls, refusal.Length));
    }

    [Fact]
    public async Task Version33Viewer_IsToldItNeedsVeNCrypt()
    {
        await using var script = await ViewerScript.StartAsync(RfbViewerSecurity.VeNCrypt(_certificate, null, null));
        await script.GreetAsync("RFB 003.003\n");

        var error = await Assert.ThrowsAsync<RfbViewerException>(() => script.Handshake.AuthenticateAsync(CancellationToken.None)).Bounded();

        Assert.Equal(RfbViewerFailure.Unsupported, error.Failure);
        Assert.Equal(0u, await script.ReadU32Async());
        var length = await script.ReadU32Async();
        Assert.StartsWith("this tunnel requires VeNCrypt", System.Text.Encoding.UTF8.GetString(await script.ReadAsync((int)length)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViewerWithoutAVersionInCommon_IsRefusedAsVeNCryptSays()
    {
        await using var script = await ViewerScript.StartAsync(RfbViewerSecurity.VeNCrypt(_certificate, null, null));
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);
        await script.ReadAsync(2);
        await script.SendAsync(19);
        Assert.Equal([0, 2], await script.ReadAsync(2));

        await script.SendAsync(0, 0);

        Assert.Equal([255], await script.ReadAsync(1));
        Assert.Equal(RfbViewerFailure.Unsupported, (await Assert.ThrowsAsync<RfbViewerException>(() => authenticate).Bounded()).Failure);
    }

    public void Dispose() => _certificate.Dispose();

    /// <summary>The viewer's half of VeNCrypt 0.2 up to a TLS session, trusting the test certificate only.</summary>
    private async Task<SslStream> NegotiateAsync(ViewerScript script, uint expectedSubType)
    {
        Assert.Equal([1, 19], await script.ReadAsync(2));
        await script.SendAsync(19);
        Assert.Equal([0, 2], await script.ReadAsync(2));
        await script.SendAsync(0, 2);
        byte[] offer = [0, 1, .. U32(expectedSubType)];
        Assert.Equal(offer, await script.ReadAsync(6));
        await script.SendAsync(U32(expectedSubType));
        Assert.Equal([1], await script.ReadAsync(1));

        var tls = new SslStream(script.Viewer, leaveInnerStreamOpen: true, (_, certificate, _, _) => certificate?.GetCertHashString() == _certificate.GetCertHashString());
        await tls.AuthenticateAsClientAsync("vnc.test").Bounded();
        return tls;
    }

    private static async Task<byte[]> ReadAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes).Bounded();
        return bytes;
    }
}
