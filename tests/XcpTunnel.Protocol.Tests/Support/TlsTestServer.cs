using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// A one-purpose TLS listener on loopback with xapi's policy (TLS 1.2, the two ECDHE-RSA-AES-GCM
/// suites). It records the SNI each client sent and then runs <c>serve</c> on the stream.
/// </summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly Func<SslStream, Task> _serve;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public TlsTestServer(X509Certificate2 certificate, Func<SslStream, Task>? serve = null, IPAddress? address = null)
    {
        _certificate = certificate;
        _serve = serve ?? (_ => Task.CompletedTask);
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<string> ServerNames { get; } = [];

    public static SslServerAuthenticationOptions XapiPolicy(X509Certificate2 certificate) => new()
    {
        ServerCertificate = certificate,
        EnabledSslProtocols = SslProtocols.Tls12,
        CipherSuitesPolicy = new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ]),
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
                try
                {
                    await tls.AuthenticateAsServerAsync(XapiPolicy(_certificate), _stop.Token);
                    lock (ServerNames)
                    {
                        ServerNames.Add(tls.TargetHostName);
                    }

                    await _serve(tls);
                }
                catch (Exception)
                {
                    // Clients that reject the certificate abort the handshake: expected in these tests.
                }
            });
        }
    }
}
