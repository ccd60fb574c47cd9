using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;

namespace XcpTunnel.Demo;

/// <summary>
/// The pool <c>xcptunnel demo</c> runs in-process: two simulated hosts (TLS with their own certificates, JSON-RPC
/// and XML-RPC, CONNECT), an HVM-like VM and a PV-like VM drawing test cards, and a halted VM; plus the daemon
/// settings that reach them exactly as a configuration file would reach a real pool.
/// </summary>
internal sealed class DemoPool : IAsyncDisposable
{
    public const string PoolName = "demo";
    public const string UserName = "root";

    /// <summary>The live connections a stop waits for: short, since a demo's viewers are the user's own.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly SimulatedPool _pool;
    private readonly XapiPassword _password;

    private DemoPool(SimulatedPool pool, XapiPassword password)
    {
        _pool = pool;
        _password = password;
    }

    /// <summary>The VMs, in port order.</summary>
    public static IReadOnlyList<DemoVm> Vms { get; } =
    [
        new("web01", "HVM, RFB 3.8", SimulatedPowerState.Running, 1, () => ConsoleBackend.QemuTestCard()),
        new("pv-console", "PV, RFB 3.3 only", SimulatedPowerState.Running, 0, () => ConsoleBackend.VnctermTestCard()),
        new("db01", "halted: the viewer is told why", SimulatedPowerState.Halted, 0, null),
    ];

    public static async Task<DemoPool> StartAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // A fresh random password: it exists in this process only, in the simulator's user table and as an XapiPassword.
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var pool = await SimulatedPool.StartAsync(
            new SimulatedPoolOptions { HostCount = 2, UserName = UserName, Password = password, LoggerFactory = loggerFactory },
            cancellationToken).ConfigureAwait(false);
        foreach (var vm in Vms)
        {
            pool.AddVm(vm.Name, pool.Hosts[vm.HostIndex], vm.Backend?.Invoke(), vm.PowerState);
        }

        return new DemoPool(pool, new XapiPassword(password));
    }

    /// <summary>
    /// The first <paramref name="count"/> loopback ports from <paramref name="first"/> up that can be bound now,
    /// skipping taken ones (another VNC server on 5901 is common).
    /// </summary>
    /// <exception cref="IOException">Not enough free ports up to 65535.</exception>
    public static IReadOnlyList<int> ChooseFreePorts(int first, int count)
    {
        List<int> ports = [];
        for (var port = first; port <= IPEndPoint.MaxPort && ports.Count < count; port++)
        {
            if (CanBind(port))
            {
                ports.Add(port);
            }
        }

        return ports.Count == count
            ? ports
            : throw new IOException(string.Create(CultureInfo.InvariantCulture, $"no {count} free ports on 127.0.0.1 from {first} up"));
    }

    /// <summary>
    /// Daemon settings with one tunnel per VM on <paramref name="ports"/> (in <see cref="Vms"/> order), the pool
    /// pinned to the hosts' certificate fingerprints, logging in at the coordinator with the other host as fallback.
    /// </summary>
    public DaemonSettings CreateSettings(IReadOnlyList<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentOutOfRangeException.ThrowIfNotEqual(ports.Count, Vms.Count);
        var timeouts = TunnelTimeouts.Default with { Drain = DrainTimeout };
        var pool = new XapiPoolOptions
        {
            Name = PoolName,
            Url = _pool.Hosts[0].Url,
            FallbackUrls = [.. _pool.Hosts.Skip(1).Select(h => h.Url)],
            UserName = UserName,
            Password = _password,
            Trust = TlsTrustPolicy.Pinned(_pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate))),
            ConnectTimeout = timeouts.Connect,
            TlsHandshakeTimeout = timeouts.Tls,
        };
        // The demo's consoles are the user's own: nobody else on the machine may open them.
        var owner = OwnerAccess.Of(Access.UserDirectory.Default, new ConfigDiagnostics());
        var tunnels = Vms
            .Select((vm, i) => new TunnelSettings(
                vm.Name,
                PoolName,
                vm.Name,
                [new IPEndPoint(IPAddress.Loopback, ports[i])],
                ListenText(ports[i]),
                AllowRemote: false,
                TunnelSettings.DefaultMaxConnections,
                IdleTimeout: null)
            {
                AllowUsers = owner,
            })
            .ToList();

        // The demo serves no health endpoint, so it claims no port for one.
        return new DaemonSettings(
            new Dictionary<string, XapiPoolOptions>(StringComparer.OrdinalIgnoreCase) { [PoolName] = pool },
            tunnels,
            new HealthSettings([], string.Empty, AllowRemote: false),
            timeouts,
            []);
    }

    public static string ListenText(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    private static bool CanBind(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
