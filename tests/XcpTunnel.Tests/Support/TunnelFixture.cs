using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Tests.Support;

/// <summary>
/// A simulated pool and the daemon's real tunnel machinery in front of it (pool registry, handler,
/// listener on 127.0.0.1:0), wired as `serve` wires them.
/// </summary>
internal sealed class TunnelFixture : IAsyncDisposable
{
    public const string Password = "tunnel-test-Pa55";

    private readonly List<TunnelListener> _listeners = [];
    private readonly Channel<TunnelConnectionResult> _closed = Channel.CreateUnbounded<TunnelConnectionResult>();
    private PoolRegistry? _pools;

    private TunnelFixture(SimulatedPool pool) => Pool = pool;

    public SimulatedPool Pool { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The clock of the handshake deadlines; a FakeTimeProvider makes them testable without waiting.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Wraps each tunnel's dial, to watch or delay it.</summary>
    public Func<ConsoleDial, ConsoleDial>? WrapDial { get; set; }

    public TunnelTimeouts Timeouts { get; set; } = new(
        Connect: TimeSpan.FromSeconds(5),
        Tls: TimeSpan.FromSeconds(5),
        ConnectReply: TimeSpan.FromSeconds(5),
        RfbMessage: TimeSpan.FromSeconds(2),
        Drain: TimeSpan.FromSeconds(2));

    public static async Task<TunnelFixture> StartAsync(int hosts = 1) =>
        new(await SimulatedPool.StartAsync(
            new SimulatedPoolOptions { HostCount = hosts, Password = Password, LoginFailureDelay = TimeSpan.FromMilliseconds(50) },
            CancellationToken.None).Bounded());

    public XapiPoolOptions PoolOptions(string password = Password, TlsTrustPolicy? trust = null, Uri? url = null) => new()
    {
        Name = "lab",
        Url = url ?? Pool.CoordinatorUrl,
        UserName = "root",
        Password = new XapiPassword(password),
        Trust = trust ?? TlsTrustPolicy.Pinned(Pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate))),
        ConnectTimeout = Timeouts.Connect,
        TlsHandshakeTimeout = Timeouts.Tls,
    };

    public PoolRegistry Pools => _pools ??= new PoolRegistry(
        new Dictionary<string, XapiPoolOptions> { ["lab"] = PoolOptions() }, LoggerFactory(), TimeProvider.System);

    /// <summary>Uses <paramref name="options"/> for the pool instead of the defaults; call before the first tunnel.</summary>
    public void UsePool(XapiPoolOptions options) =>
        _pools = new PoolRegistry(new Dictionary<string, XapiPoolOptions> { ["lab"] = options }, LoggerFactory(), TimeProvider.System);

    /// <summary>The simulator's CONNECTs and XAPI calls so far: what a viewer cost the pool.</summary>
    public (long Connects, long Calls) PoolCost => (Pool.Counters.Connects, Pool.Counters.TotalCalls);

    /// <summary>Starts a tunnel to <paramref name="vm"/> on 127.0.0.1:0 (or as <paramref name="configure"/> changes it).</summary>
    public TunnelListener StartTunnel(
        string vm, int maxConnections = 16, TimeSpan? idleTimeout = null, string name = "t1", Func<TunnelSettings, TunnelSettings>? configure = null)
    {
        var settings = new TunnelSettings(
            Name: name, Pool: "lab", Vm: vm, Listen: [new IPEndPoint(IPAddress.Loopback, 0)], ListenText: "127.0.0.1:0",
            AllowRemote: false, MaxConnections: maxConnections, IdleTimeout: idleTimeout);
        settings = configure?.Invoke(settings) ?? settings;
        var logger = LoggerFactory().CreateLogger("XcpTunnel.Tunnels");
        var dialer = new ConsoleDialer(Pools["lab"], Timeouts.ConnectReply);
        ConsoleDial dial = ct => dialer.DialAsync(vm, ct);
        var handler = new TunnelConnectionHandler(
            settings, WrapDial?.Invoke(dial) ?? dial, Timeouts, Time, logger, closed: result => _closed.Writer.TryWrite(result));
        var listener = TunnelListener.Start(handler, logger);
        _listeners.Add(listener);
        return listener;
    }

    public async Task<FakeViewer> ViewerAsync(TunnelListener tunnel) => await FakeViewer.ConnectAsync(tunnel.EndPoints[0]);

    /// <summary>How the next connection (of any of this fixture's tunnels) ended, waiting for it to end.</summary>
    public async Task<TunnelOutcome> NextOutcomeAsync() => (await _closed.Reader.ReadAsync().AsTask().Bounded()).Outcome;

    /// <summary>The first log line containing <paramref name="fragment"/>, waiting for it (lines are written as connections end).</summary>
    public async Task<string> WaitForLogAsync(string fragment)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (DateTime.UtcNow < deadline)
        {
            var line = Logs.Lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no log line with '{fragment}' in:\n{string.Join('\n', Logs.Lines)}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.DisposeAsync().Bounded();
        }

        if (_pools is not null)
        {
            await _pools.DisposeAsync().Bounded();
        }

        await Pool.DisposeAsync().Bounded();
    }

    private ILoggerFactory LoggerFactory() =>
        Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
}
