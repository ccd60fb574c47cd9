using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Simulator.Connect;
using XcpTunnel.Simulator.Http;
using XcpTunnel.Simulator.Rpc;

namespace XcpTunnel.Simulator;

/// <summary>
/// An in-process XAPI pool: one HTTPS endpoint per host (all on one port, host <c>i</c> on <c>127.0.0.(i+1)</c>)
/// with xapi's TLS policy, JSON-RPC and XML-RPC, <c>CONNECT /console</c> with xapi's replies, and RFB backends.
/// It behaves as docs/xapi-console-protocol.md describes, byte for byte where that page says so.
/// </summary>
public sealed class SimulatedPool : IAsyncDisposable
{
    private const int BindAttempts = 20;

    private readonly PoolContext _pool;
    private readonly List<HostListener> _listeners;
    private readonly List<ITimer> _timers = [];
    private int _disposed;

    private SimulatedPool(PoolContext pool, List<SimulatedHost> hosts, List<HostListener> listeners)
    {
        _pool = pool;
        Hosts = hosts;
        _listeners = listeners;
    }

    /// <summary>Every host, coordinator first at start; the IPv6 host (if any) last.</summary>
    public IReadOnlyList<SimulatedHost> Hosts { get; }

    /// <summary>The pool coordinator (master): the only host that accepts logins. Change it with <see cref="SetCoordinator"/>.</summary>
    public SimulatedHost Coordinator
    {
        get
        {
            lock (_pool.Database.Sync)
            {
                return _pool.Database.Coordinator;
            }
        }
    }

    /// <summary><c>https://ADDRESS:PORT</c> of the current coordinator.</summary>
    public Uri CoordinatorUrl => Coordinator.Url;

    /// <summary>The port every host is reached on (behind a front end, the front end's).</summary>
    public int Port => Hosts[0].Port;

    /// <summary>Every VM, in the order added.</summary>
    public IReadOnlyList<SimulatedVm> Vms
    {
        get
        {
            lock (_pool.Database.Sync)
            {
                return _pool.Database.Vms.ToList();
            }
        }
    }

    /// <summary><c>pool.limit_console_sessions</c>: while true, a CONNECT to a VM someone is connected to gets 503.</summary>
    public bool LimitConsoleSessions
    {
        get
        {
            lock (_pool.Database.Sync)
            {
                return _pool.Database.LimitConsoleSessions;
            }
        }

        set => _pool.Database.ChangePool(pool => pool.LimitConsoleSessions = value);
    }

    /// <summary>
    /// <c>pool.vm_console_idle_timeout</c> (xapi 26.1, <see cref="SimulatedXapiVersion.XenServer8"/> pools only; zero,
    /// the default, means never): a console tunnel whose viewer sent no Key, Pointer or QEMU message for this long is
    /// closed. Like xapi, only tunnels whose viewer answered <c>RFB 003.003</c> are followed; on the pool's clock.
    /// </summary>
    public TimeSpan ConsoleIdleTimeout
    {
        get
        {
            lock (_pool.Database.Sync)
            {
                return _pool.Database.VmConsoleIdleTimeout;
            }
        }

        set => _pool.Database.ChangePool(pool => pool.VmConsoleIdleTimeout = value);
    }

    /// <summary>What the pool has seen (logins, calls, CONNECT statuses …).</summary>
    public SimulatedCounters Counters => _pool.Counters;

    /// <summary>Every session ref the pool has handed out (bearer credentials: tests check none of them leaked).</summary>
    public IReadOnlyList<string> IssuedSessionRefs => _pool.Sessions.Issued;

    /// <summary>Fault injection knobs.</summary>
    public SimulatedFaults Faults => _pool.Faults;

    /// <summary>Creates the hosts, binds them and starts serving.</summary>
    /// <exception cref="NotSupportedException">IPv6 was asked for and the machine has no <c>::1</c>.</exception>
    public static Task<SimulatedPool> StartAsync(SimulatedPoolOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HostCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.HostCount, 250);
        if (options.BehindProxy)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(options.PublicPort, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PublicPort, 65535);
        }

        cancellationToken.ThrowIfCancellationRequested();

        ILogger logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("XcpTunnel.Simulator");
        var pool = new PoolContext(options, logger);
        Func<SimulatedHostIdentity, X509Certificate2> makeCertificate =
            options.CertificateFactory ?? (identity => SimulatedCertificates.Create(identity, options.Version));

        var addresses = Enumerable.Range(0, options.HostCount).Select(i => new IPAddress([127, 0, 0, (byte)(i + 1)])).ToList();
        if (options.IncludeIpv6Host)
        {
            addresses.Add(IPAddress.IPv6Loopback);
        }

        var hosts = addresses
            .Select((address, i) =>
            {
                string name = "host" + (i + 1).ToString(CultureInfo.InvariantCulture);
                return new SimulatedHost(name, address, makeCertificate(new SimulatedHostIdentity(name, address)));
            })
            .ToList();

        List<HostListener> listeners = BindAll(addresses);
        var result = new SimulatedPool(pool, hosts, listeners);
        var rpc = new RpcEndpoint(pool);
        var console = new ConnectConsoleHandler(pool);
        for (int i = 0; i < hosts.Count; i++)
        {
            hosts[i].ListenPort = listeners[i].LocalEndPoint.Port;
            hosts[i].Port = options.BehindProxy ? options.PublicPort : hosts[i].ListenPort;
            hosts[i].Version = options.Version;
            pool.Database.AddHost(hosts[i]);
        }

        pool.Sessions.AddUser(options.UserName, options.Password, SimulatedRole.PoolAdmin);
        for (int i = 0; i < hosts.Count; i++)
        {
            listeners[i].Start(pool, hosts[i], rpc, console, tls: !options.BehindProxy);
        }

        return Task.FromResult(result);
    }

    /// <summary>
    /// Adds a VM. Running and Paused VMs are resident on <paramref name="residentOn"/> (default: the first host) and
    /// get two consoles, vt100 then rfb. The default backend is <see cref="ConsoleBackend.Qemu"/>.
    /// </summary>
    public SimulatedVm AddVm(
        string nameLabel,
        SimulatedHost? residentOn = null,
        ConsoleBackend? backend = null,
        SimulatedPowerState powerState = SimulatedPowerState.Running,
        string? uuid = null,
        ConsoleLocationForm locationForm = ConsoleLocationForm.Uuid)
    {
        ArgumentNullException.ThrowIfNull(nameLabel);
        SimulatedHost home = residentOn ?? Hosts[0];
        RequireHost(home);
        var vm = new SimulatedVm(uuid ?? Guid.NewGuid().ToString(), nameLabel, backend ?? ConsoleBackend.Qemu(), locationForm, home)
        {
            Faults = _pool.Faults,
        };
        vm.DomainDestroyed = () => Reboot(vm);
        _pool.Database.AddVm(vm, powerState);
        return vm;
    }

    /// <summary>
    /// Makes the pool's records (<c>Certificate</c>, <c>host.get_server_certificate</c>) describe
    /// <paramref name="published"/> as <paramref name="host"/>'s certificate while the host keeps serving its own: what
    /// a client sees when something else answers at that address.
    /// </summary>
    public void PublishCertificate(SimulatedHost host, X509Certificate2 published)
    {
        RequireHost(host);
        ArgumentNullException.ThrowIfNull(published);
        host.PublishedCertificate = published;
    }

    /// <summary>Adds (or replaces) a user. The options' user exists from the start as pool-admin.</summary>
    public void AddUser(string userName, string password, SimulatedRole role) => _pool.Sessions.AddUser(userName, password, role);

    /// <summary>
    /// Live-migrates a resident VM: its consoles are destroyed and recreated on <paramref name="destination"/> (new
    /// uuids and refs, location on the new host) and tunnels to the old display close. A CONNECT to the old host now
    /// gets 500: xapi does not forward.
    /// </summary>
    public void Migrate(SimulatedVm vm, SimulatedHost destination)
    {
        _pool.Database.Migrate(vm, destination);
        _pool.Tunnels.CloseAll(vm.Ref);
    }

    /// <summary>
    /// Reboots the VM on its host as xapi shows it (docs/xapi-console-protocol.md, "Reboot and migration"): it stays
    /// Running and resident, its domain gets a new domid, its console objects are destroyed at once (events) and live
    /// tunnels to them close; new consoles (new uuids and refs) appear <paramref name="consolesAfter"/> later (on the
    /// pool's clock; at once by default), served by <paramref name="backend"/> when given (another device model).
    /// </summary>
    public void Reboot(SimulatedVm vm, ConsoleBackend? backend = null, TimeSpan consolesAfter = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(consolesAfter, TimeSpan.Zero);
        vm.BootedAt = _pool.TimeProvider.GetUtcNow();
        _pool.Database.Reboot(vm, backend, withConsoles: consolesAfter == TimeSpan.Zero);
        _pool.Tunnels.CloseAll(vm.Ref);
        if (consolesAfter > TimeSpan.Zero)
        {
            AddConsolesLater(vm, consolesAfter);
        }
    }

    /// <summary>
    /// Makes the guest reboot itself when a viewer presses Ctrl+Alt+Del on its rfb console (a KeyEvent of Delete
    /// while a Control and an Alt key are down), as a Linux or Windows guest does: <see cref="Reboot"/> with
    /// <paramref name="consolesAfter"/>.
    /// </summary>
    public void RebootOnCtrlAltDel(SimulatedVm vm, TimeSpan consolesAfter)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentOutOfRangeException.ThrowIfLessThan(consolesAfter, TimeSpan.Zero);
        vm.CtrlAltDel = () => Reboot(vm, consolesAfter: consolesAfter);
    }

    /// <summary>
    /// Sets the power state. Halted and Suspended: <c>resident_on = OpaqueRef:NULL</c>, no consoles, tunnels close.
    /// Running or Paused from there: resident again on the VM's last host, with new consoles.
    /// </summary>
    public void SetPowerState(SimulatedVm vm, SimulatedPowerState state)
    {
        _pool.Database.SetPowerState(vm, state);
        if (state is SimulatedPowerState.Halted or SimulatedPowerState.Suspended)
        {
            _pool.Tunnels.CloseAll(vm.Ref);
        }
    }

    /// <summary>
    /// Starts a halted VM the way a real start looks from outside: at once it is Running and resident on its host
    /// but has no console objects (xenopsd is still building the domain); they appear <paramref name="consolesAfter"/>
    /// later (on the pool's clock), with their events.
    /// </summary>
    public void Start(SimulatedVm vm, TimeSpan consolesAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(consolesAfter, TimeSpan.Zero);
        vm.BootedAt = _pool.TimeProvider.GetUtcNow();
        _pool.Database.StartWithoutConsoles(vm);
        AddConsolesLater(vm, consolesAfter);
    }

    /// <summary>Changes the VM's <c>name_label</c> (an event, like every change).</summary>
    public void Rename(SimulatedVm vm, string nameLabel)
    {
        ArgumentNullException.ThrowIfNull(nameLabel);
        _pool.Database.Rename(vm, nameLabel);
    }

    /// <summary><c>VM.add_tags</c>: adds <paramref name="tag"/> to the VM's <c>tags</c> set (a <c>mod</c> event).</summary>
    public void AddTag(SimulatedVm vm, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        _pool.Database.SetTags(vm, tags => tags.Contains(tag, StringComparer.Ordinal) ? tags : [.. tags, tag]);
    }

    /// <summary><c>VM.remove_tags</c>: removes <paramref name="tag"/> from the VM's <c>tags</c> (a <c>mod</c> event).</summary>
    public void RemoveTag(SimulatedVm vm, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        _pool.Database.SetTags(vm, tags => [.. tags.Where(t => !string.Equals(t, tag, StringComparison.Ordinal))]);
    }

    /// <summary>
    /// <c>VM.destroy</c> of a halted or suspended VM (xapi refuses a running one; halt it first): the record goes, with a
    /// <c>del</c> event that carries no snapshot (docs/xapi-console-protocol.md, "Events").
    /// </summary>
    public void Destroy(SimulatedVm vm) => _pool.Database.Destroy(vm);

    /// <summary>
    /// xapi loses its event queue (an overflow, a restart): every <c>event.from</c> token issued so far, including
    /// those of waiting calls, gets <c>EVENTS_LOST</c>; a client must load everything again.
    /// </summary>
    public void LoseEvents() => _pool.Database.LoseEvents();

    /// <summary>
    /// Makes <paramref name="host"/> the coordinator and keeps every session: logins elsewhere, and any call made
    /// elsewhere with a still-known session, get <c>HOST_IS_SLAVE</c> naming it. See <see cref="Promote"/> for a failover.
    /// </summary>
    public void SetCoordinator(SimulatedHost host) => _pool.Database.SetCoordinator(host);

    /// <summary>
    /// The host dies without a word, as in a power cut or a network partition before HA fences it: it still accepts
    /// TCP connections (a firewall, or a half-dead stack, may) but never completes a TLS handshake or answers a
    /// request, on new or existing connections, and calls waiting on it (<c>event.from</c>) never return. A client
    /// sees timeouts, never "connection refused". Other hosts keep working; its tunnels already open are left alone.
    /// </summary>
    public void BlackHole(SimulatedHost host)
    {
        RequireHost(host);
        host.BlackHoled = true;
    }

    /// <summary>
    /// HA failover or <c>pool.designate_new_master</c>: <paramref name="host"/> becomes the coordinator. Sessions are
    /// not persisted, so every session dies (later calls get <c>SESSION_INVALID</c>, CONNECTs 401) and the event
    /// queue is lost (<c>EVENTS_LOST</c> for every token). Open console tunnels stay up: they run on the members.
    /// </summary>
    public void Promote(SimulatedHost host)
    {
        RequireHost(host);
        _pool.Database.SetCoordinator(host);
        _pool.Sessions.ExpireAll();
        _pool.Database.LoseEvents();
    }

    /// <summary>Kills every session: later calls get <c>SESSION_INVALID</c>, later CONNECTs 401. Open tunnels stay.</summary>
    public void ExpireAllSessions() => _pool.Sessions.ExpireAll();

    /// <summary>Stops every host and closes every connection and tunnel.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_timers)
        {
            foreach (ITimer timer in _timers)
            {
                timer.Dispose();
            }
        }

        foreach (HostListener listener in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void AddConsolesLater(SimulatedVm vm, TimeSpan after)
    {
        // Kept here until the pool stops: an unreferenced timer may be collected before it fires.
        lock (_timers)
        {
            _timers.Add(_pool.TimeProvider.CreateTimer(_ => _pool.Database.AddConsoles(vm), null, after, Timeout.InfiniteTimeSpan));
        }
    }

    private void RequireHost(SimulatedHost host)
    {
        if (!Hosts.Contains(host))
        {
            throw new ArgumentException($"{host} is not a host of this pool.", nameof(host));
        }
    }

    /// <summary>Host 1 on an ephemeral port, every other host on the same port; a taken port means start over.</summary>
    private static List<HostListener> BindAll(List<IPAddress> addresses)
    {
        for (int attempt = 1; ; attempt++)
        {
            var bound = new List<HostListener>();
            try
            {
                bound.Add(HostListener.Bind(addresses[0], 0));
                int port = bound[0].LocalEndPoint.Port;
                foreach (IPAddress address in addresses.Skip(1))
                {
                    bound.Add(HostListener.Bind(address, port));
                }

                return bound;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < BindAttempts)
            {
                DisposeAll(bound);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
            {
                DisposeAll(bound);
                throw new NotSupportedException($"Cannot listen on every simulated host address: {e.Message}", e);
            }
            catch
            {
                DisposeAll(bound);
                throw;
            }
        }
    }

    private static void DisposeAll(List<HostListener> listeners)
    {
        foreach (HostListener l in listeners)
        {
            l.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
