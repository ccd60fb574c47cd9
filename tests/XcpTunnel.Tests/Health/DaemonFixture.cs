using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Health;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Support;
using XcpTunnel.Tunnels;

namespace XcpTunnel.Tests.Health;

/// <summary>
/// The real daemon host (<see cref="DaemonHost.Build"/>, as <c>serve</c> builds it) in-process in front of a
/// simulated pool, every tunnel and the health endpoint on 127.0.0.1:0, and an HTTP client for the endpoint.
/// </summary>
internal sealed class DaemonFixture : IAsyncDisposable
{
    private const string Password = "health-test-Pa55";

    private DaemonFixture(SimulatedPool pool, IHost host)
    {
        Pool = pool;
        Host = host;
        Http = new HttpClient { BaseAddress = Health.Addresses[0], Timeout = TestTimeouts.Default };
    }

    public SimulatedPool Pool { get; }

    public IHost Host { get; }

    public HttpClient Http { get; }

    public HealthService Health => Host.Services.GetRequiredService<HealthService>();

    /// <summary>Starts a pool with the VMs <paramref name="addVms"/> adds, and a tunnel per (name, VM).</summary>
    public static Task<DaemonFixture> StartAsync(Action<SimulatedPool> addVms, params (string Tunnel, string Vm)[] tunnels) =>
        StartAsync(new IPEndPoint(IPAddress.Loopback, 0), addVms, tunnels);

    /// <summary>As <see cref="StartAsync(Action{SimulatedPool}, ValueTuple{string, string}[])"/>, the health endpoint on <paramref name="health"/>.</summary>
    public static Task<DaemonFixture> StartAsync(IPEndPoint health, Action<SimulatedPool> addVms, params (string Tunnel, string Vm)[] tunnels) =>
        StartAsync(health, TimeSpan.Zero, addVms, tunnels);

    /// <summary>As <see cref="StartAsync(Action{SimulatedPool}, ValueTuple{string, string}[])"/>, every tunnel probed every <paramref name="probeInterval"/>.</summary>
    public static Task<DaemonFixture> StartWithProbesAsync(TimeSpan probeInterval, Action<SimulatedPool> addVms, params (string Tunnel, string Vm)[] tunnels) =>
        StartAsync(new IPEndPoint(IPAddress.Loopback, 0), probeInterval, addVms, tunnels);

    /// <summary>As <see cref="StartAsync(Action{SimulatedPool}, ValueTuple{string, string}[])"/>, with the settings changed by <paramref name="configure"/>.</summary>
    public static Task<DaemonFixture> StartConfiguredAsync(
        Func<DaemonSettings, DaemonSettings> configure, Action<SimulatedPool> addVms, params (string Tunnel, string Vm)[] tunnels) =>
        StartAsync(new IPEndPoint(IPAddress.Loopback, 0), TimeSpan.Zero, addVms, tunnels, configure);

    private static async Task<DaemonFixture> StartAsync(
        IPEndPoint health, TimeSpan probeInterval, Action<SimulatedPool> addVms, (string Tunnel, string Vm)[] tunnels,
        Func<DaemonSettings, DaemonSettings>? configure = null)
    {
        var pool = await SimulatedPool.StartAsync(
            new SimulatedPoolOptions { Password = Password }, CancellationToken.None).Bounded();
        addVms(pool);
        var timeouts = new TunnelTimeouts(
            Connect: TimeSpan.FromSeconds(5), Tls: TimeSpan.FromSeconds(5), ConnectReply: TimeSpan.FromSeconds(5),
            RfbMessage: TimeSpan.FromSeconds(2), Drain: TimeSpan.FromSeconds(2));
        var options = new XapiPoolOptions
        {
            Name = "lab",
            Url = pool.CoordinatorUrl,
            UserName = "root",
            Password = new XapiPassword(Password),
            Trust = TlsTrustPolicy.Pinned(pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate))),
            ConnectTimeout = timeouts.Connect,
            TlsHandshakeTimeout = timeouts.Tls,
        };
        var settings = new DaemonSettings(
            new Dictionary<string, XapiPoolOptions>(StringComparer.OrdinalIgnoreCase) { ["lab"] = options },
            [.. tunnels.Select(t => new TunnelSettings(
                t.Tunnel, "lab", t.Vm, [new IPEndPoint(IPAddress.Loopback, 0)], "127.0.0.1:0",
                AllowRemote: false, TunnelSettings.DefaultMaxConnections, IdleTimeout: null))],
            new HealthSettings([health], health.ToString(), AllowRemote: false) { ProbeInterval = probeInterval },
            timeouts,
            []);
        var host = DaemonHost.Build(configure?.Invoke(settings) ?? settings, new DaemonLogging(LogLevel.Warning, ToStandardError: true));
        try
        {
            await host.StartAsync().Bounded();
        }
        catch
        {
            host.Dispose();
            await pool.DisposeAsync();
            throw;
        }

        return new DaemonFixture(pool, host);
    }

    public TunnelListener Tunnel(string name) =>
        Host.Services.GetRequiredService<TunnelService>().Listeners.Single(l => l.Name == name);

    public async Task<FakeViewer> ViewerAsync(string tunnel) => await FakeViewer.ConnectAsync(Tunnel(tunnel).EndPoints[0]);

    public async Task<string> GetStringAsync(string path) => await Http.GetStringAsync(new Uri(path, UriKind.Relative)).Bounded();

    /// <summary>Polls <paramref name="path"/> until its body satisfies <paramref name="done"/> (numbers change as connections end).</summary>
    public async Task<string> WaitForAsync(string path, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        string body;
        do
        {
            body = await GetStringAsync(path);
            if (done(body))
            {
                return body;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"{path} never satisfied the condition; last:\n{body}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync().Bounded();
        Host.Dispose();
        await Pool.DisposeAsync().Bounded();
    }
}
