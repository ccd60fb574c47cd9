using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Protocol.Tests.Tls;

public sealed class TlsConnectorTests
{
    [Fact]
    public async Task Connect_PinnedFingerprint_NegotiatesXapiPolicy()
    {
        using var certificate = TestCertificates.SelfSigned("xcp01", "127.0.0.1");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.Pinned([CertificateFingerprint.Of(certificate)]));

        await using var tls = await connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None).Bounded();

        Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
        Assert.Contains(tls.NegotiatedCipherSuite, new[]
        {
            System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        });
    }

    [Fact]
    public async Task Connect_WrongPin_RefusedShowingPresentedFingerprint()
    {
        using var certificate = TestCertificates.SelfSigned("xcp01", "127.0.0.1");
        using var other = TestCertificates.SelfSigned("elsewhere");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.Pinned([CertificateFingerprint.Of(other)]));

        var error = await Assert.ThrowsAsync<CertificateTrustException>(
            () => connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None)).Bounded();

        Assert.Equal(CertificateTrustFailure.PinMismatch, error.Failure);
        Assert.Equal(CertificateFingerprint.Of(certificate), error.Presented);
        Assert.Contains(CertificateFingerprint.Of(certificate).ToString(), error.Message, StringComparison.Ordinal);
        Assert.StartsWith("certificate of 127.0.0.1 does not match the pinned fingerprint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_SeveralPins_AnyMatches()
    {
        using var certificate = TestCertificates.SelfSigned("xcp02", "127.0.0.1");
        using var other = TestCertificates.SelfSigned("xcp01");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.Pinned([CertificateFingerprint.Of(other), CertificateFingerprint.Of(certificate)]));

        await using var tls = await connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None).Bounded();

        Assert.True(tls.IsAuthenticated);
    }

    [Fact]
    public async Task Connect_CaSignedForTheAddress_Trusted()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var certificate = TestCertificates.Issue(authority, "xcp01", "xcp01.example.com", "127.0.0.1");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.CertificateAuthority([authority]));

        await using var tls = await connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None).Bounded();

        Assert.True(tls.IsAuthenticated);
    }

    [Fact]
    public async Task Connect_CaSignedForAnotherName_NameMismatch()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var certificate = TestCertificates.Issue(authority, "xcp01", "xcp01.example.com");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.CertificateAuthority([authority]));

        var error = await Assert.ThrowsAsync<CertificateTrustException>(
            () => connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None)).Bounded();

        Assert.Equal(CertificateTrustFailure.NameMismatch, error.Failure);
    }

    [Fact]
    public async Task Connect_SignedByAnotherCa_UntrustedChain()
    {
        using var authority = TestCertificates.CreateAuthority("Pool CA");
        using var stranger = TestCertificates.CreateAuthority("Someone else");
        using var certificate = TestCertificates.Issue(stranger, "xcp01", "127.0.0.1");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.CertificateAuthority([authority]));

        var error = await Assert.ThrowsAsync<CertificateTrustException>(
            () => connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None)).Bounded();

        Assert.Equal(CertificateTrustFailure.UntrustedChain, error.Failure);
        Assert.Contains(CertificateFingerprint.Of(certificate).ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_CaFile_ReadsPem()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var certificate = TestCertificates.Issue(authority, "xcp01", "127.0.0.1");
        var caFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(caFile, authority.ExportCertificatePem());
            await using var server = new TlsTestServer(certificate);
            var connector = new TlsConnector(TlsTrustPolicy.FromCaFile(caFile));

            await using var tls = await connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None).Bounded();

            Assert.True(tls.IsAuthenticated);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task Connect_SelfSignedAgainstSystemStore_Untrusted()
    {
        using var certificate = TestCertificates.SelfSigned("xcp01", "127.0.0.1");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.SystemStore);

        var error = await Assert.ThrowsAsync<CertificateTrustException>(
            () => connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None)).Bounded();

        Assert.Equal(CertificateTrustFailure.UntrustedChain, error.Failure);
    }

    [Fact]
    public async Task Connect_Insecure_AcceptsAnything()
    {
        using var certificate = TestCertificates.SelfSigned("whatever");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.Insecure);

        await using var tls = await connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None).Bounded();

        Assert.True(tls.IsAuthenticated);
    }

    [Fact]
    public async Task Connect_SniOnlyForDnsNames()
    {
        using var certificate = TestCertificates.SelfSigned("localhost", "localhost", "127.0.0.1");
        await using var server = new TlsTestServer(certificate);
        var connector = new TlsConnector(TlsTrustPolicy.Pinned([CertificateFingerprint.Of(certificate)]));

        await (await connector.ConnectAsync("127.0.0.1", server.Port, CancellationToken.None).Bounded()).DisposeAsync();
        await (await connector.ConnectAsync("localhost", server.Port, CancellationToken.None).Bounded()).DisposeAsync();
        await WaitUntil(() => server.ServerNames.Count == 2);

        lock (server.ServerNames)
        {
            Assert.Contains(string.Empty, server.ServerNames);
            Assert.Contains("localhost", server.ServerNames);
        }
    }

    [Fact]
    public async Task Connect_NothingListening_ConnectionRefused()
    {
        var port = TestPorts.Free();
        var connector = new TlsConnector(TlsTrustPolicy.Insecure);

        var error = await Assert.ThrowsAsync<XapiTransportException>(
            () => connector.ConnectAsync("127.0.0.1", port, CancellationToken.None)).Bounded();

        Assert.Equal(XapiTransportFailure.ConnectionRefused, error.Failure);
        Assert.Equal($"127.0.0.1:{port} refused the connection", error.Message);
    }

    [Fact]
    public async Task Connect_ServerNeverSpeaksTls_HandshakeTimesOut()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var connector = new TlsConnector(TlsTrustPolicy.Insecure, handshakeTimeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<XapiTransportException>(
            () => connector.ConnectAsync("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, CancellationToken.None)).Bounded();

        Assert.Equal(XapiTransportFailure.Timeout, error.Failure);
        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_UnknownHostName_NameResolution()
    {
        var connector = new TlsConnector(TlsTrustPolicy.Insecure);

        var error = await Assert.ThrowsAsync<XapiTransportException>(
            () => connector.ConnectAsync("no-such-host.invalid", 443, CancellationToken.None)).Bounded();

        Assert.Equal(XapiTransportFailure.NameResolution, error.Failure);
    }

    /// <summary>
    /// xapi's stunnel offers only secp384r1 for ECDHE, which .NET cannot configure on a server;
    /// OpenSSL's s_server can, so it stands in for the real host here.
    /// </summary>
    [Fact]
    public async Task Connect_OpenSslServerWithXapiCurveAndCiphers_Negotiates()
    {
        var openssl = RealPeers.Require("openssl", "openssl");
        using var certificate = TestCertificates.SelfSigned("xcp01", "127.0.0.1");
        var directory = Directory.CreateTempSubdirectory("xcptunnel-openssl-");
        try
        {
            var certFile = Path.Combine(directory.FullName, "cert.pem");
            var keyFile = Path.Combine(directory.FullName, "key.pem");
            await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            var port = TestPorts.Free();
            using var server = Process.Start(new ProcessStartInfo(openssl)
            {
                ArgumentList =
                {
                    "s_server", "-accept", $"127.0.0.1:{port}", "-cert", certFile, "-key", keyFile,
                    "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
                    "-curves", "secp384r1", "-naccept", "1",
                },
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            try
            {
                await WaitForAcceptLine(server.StandardOutput);
                var connector = new TlsConnector(TlsTrustPolicy.Pinned([CertificateFingerprint.Of(certificate)]));

                await using var tls = await connector.ConnectAsync("127.0.0.1", port, CancellationToken.None).Bounded();

                Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
                Assert.Equal(System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.NegotiatedCipherSuite);
            }
            finally
            {
                server.Kill();
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }


    // s_server prints ACCEPT once it listens; probing the port would use up its single accept.
    private static async Task WaitForAcceptLine(StreamReader output)
    {
        while (await output.ReadLineAsync().Bounded() is { } line)
        {
            if (line.StartsWith("ACCEPT", StringComparison.Ordinal))
            {
                return;
            }
        }

        throw new InvalidOperationException("openssl s_server exited before listening");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TestTimeouts.Default, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
