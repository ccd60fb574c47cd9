using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Rpc;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// A simulated pool plus the client-side options that trust it, for tests of the library against
/// xapi's behaviour. Every log line the library writes is captured for the no-secrets checks.
/// </summary>
internal sealed class PoolFixture : IAsyncDisposable
{
    public const string Password = "s3cret-Pa55word";

    private readonly List<XapiPoolSession> _sessions = [];

    private PoolFixture(SimulatedPool pool) => Pool = pool;

    public SimulatedPool Pool { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public static async Task<PoolFixture> StartAsync(
        int hosts = 1, bool ipv6Host = false, TimeProvider? timeProvider = null, SimulatedXapiVersion version = SimulatedXapiVersion.XcpNg83)
    {
        var options = new SimulatedPoolOptions
        {
            HostCount = hosts,
            IncludeIpv6Host = ipv6Host,
            UserName = "root",
            Password = Password,
            LoginFailureDelay = TimeSpan.FromMilliseconds(50),
            TimeProvider = timeProvider ?? TimeProvider.System,
            Version = version,
        };
        return new PoolFixture(await SimulatedPool.StartAsync(options, CancellationToken.None).Bounded());
    }

    /// <summary>Trust every host's certificate by pin, as a user who ran `xcptunnel trust` would.</summary>
    public TlsTrustPolicy PinnedTrust() =>
        TlsTrustPolicy.Pinned(Pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate)));

    public XapiPoolOptions Options(Uri? url = null, XapiTransport transport = XapiTransport.Auto, string password = Password) => new()
    {
        Name = "lab",
        Url = url ?? Pool.CoordinatorUrl,
        UserName = "root",
        Password = new XapiPassword(password),
        Trust = PinnedTrust(),
        Transport = transport,
        FailedLoginBackoff = TimeSpan.FromSeconds(5),
    };

    public XapiPoolSession Session(XapiPoolOptions? options = null)
    {
        var session = new XapiPoolSession(options ?? Options(), LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace)));
        _sessions.Add(session);
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync().Bounded();
        }

        await Pool.DisposeAsync().Bounded();
    }
}
