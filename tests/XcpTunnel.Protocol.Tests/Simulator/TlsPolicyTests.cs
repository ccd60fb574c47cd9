using System.Net.Security;
using System.Security.Authentication;

namespace XcpTunnel.Protocol.Tests.Simulator;

public sealed class TlsPolicyTests
{
    [Fact]
    public async Task Handshake_OfferingOnlyTls13_Fails()
    {
        await using var pool = await SimulatorFixture.StartAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => RawHostClient.ConnectAsync(pool.Hosts[0], SslProtocols.Tls13));
    }

    [Fact]
    public async Task Handshake_Tls12_NegotiatesOneOfXapisTwoCipherSuites()
    {
        await using var pool = await SimulatorFixture.StartAsync();

        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[0], SslProtocols.Tls12 | SslProtocols.Tls13);

        Assert.Equal(SslProtocols.Tls12, client.Stream.SslProtocol);
        Assert.Contains(client.Stream.NegotiatedCipherSuite, new[]
        {
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        });
        Assert.Equal(pool.Hosts[0].Certificate.Thumbprint, client.Stream.RemoteCertificate!.GetCertHashString());
    }

    [Fact]
    public async Task AcceptLoop_SurvivesGarbageAndResets()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var host = pool.Hosts[0];
        for (int i = 0; i < 3; i++)
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(host.Address, host.Port).WaitAsync(RawHostClient.Timeout);
            await tcp.GetStream().WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray()).AsTask().WaitAsync(RawHostClient.Timeout);
            tcp.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0); // reset on close
        }

        await using var client = await RawHostClient.ConnectAsync(host);
        Assert.Equal(SslProtocols.Tls12, client.Stream.SslProtocol);
    }

    [Fact]
    public async Task Hosts_ShareOnePort_OnConsecutiveLoopbackAddresses_WithTheirOwnCertificates()
    {
        await using var pool = await SimulatorFixture.StartAsync(hostCount: 2);

        Assert.Equal("127.0.0.1", pool.Hosts[0].Address.ToString());
        Assert.Equal("127.0.0.2", pool.Hosts[1].Address.ToString());
        Assert.Equal(pool.Hosts[0].Port, pool.Hosts[1].Port);
        Assert.NotEqual(pool.Hosts[0].CertificateSha256Hex, pool.Hosts[1].CertificateSha256Hex);
        Assert.Equal("CN=host2", pool.Hosts[1].Certificate.Subject);
        await using var client = await RawHostClient.ConnectAsync(pool.Hosts[1]);
        Assert.Equal(pool.Hosts[1].Certificate.Thumbprint, client.Stream.RemoteCertificate!.GetCertHashString());
    }
}
