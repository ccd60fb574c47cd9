using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Simulator;

namespace XcpTunnel.Demo;

/// <summary>
/// The pool <c>xcptunnel demo</c> runs in-process: two simulated hosts (TLS with their own certificates, JSON-RPC
/// and XML-RPC, CONNECT), an HVM-like VM and a PV-like VM drawing test cards (both reboot on Ctrl+Alt+Del), and a
/// halted VM. What a configuration
/// needs to reach it (<see cref="DemoConfiguration"/>): its URLs, certificates, user and password.
/// </summary>
internal sealed class DemoPool : IAsyncDisposable
{
    public const string PoolName = "demo";
    public const string UserName = "root";

    private readonly SimulatedPool _pool;
    private readonly string _password;

    private DemoPool(SimulatedPool pool, string password)
    {
        _pool = pool;
        _password = password;
    }

    /// <summary>How long a rebooting demo VM is without a console (its domain being rebuilt), before its boot text.</summary>
    public static readonly TimeSpan RebootConsolesAfter = TimeSpan.FromSeconds(1);

    /// <summary>The VMs, in port order.</summary>
    public static IReadOnlyList<DemoVm> Vms { get; } =
    [
        new("web01", "HVM, RFB 3.8", SimulatedPowerState.Running, 1, () => ConsoleBackend.QemuTestCard()),
        new("pv-console", "PV, RFB 3.3 only", SimulatedPowerState.Running, 0, () => ConsoleBackend.VnctermTestCard()),
        new("db01", "halted: the viewer is told why", SimulatedPowerState.Halted, 0, null),
    ];

    public static async Task<DemoPool> StartAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // A fresh random password: it exists in this process only, in the simulator's user table and the demo's password file.
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var pool = await SimulatedPool.StartAsync(
            new SimulatedPoolOptions { HostCount = 2, UserName = UserName, Password = password, LoggerFactory = loggerFactory },
            cancellationToken).ConfigureAwait(false);
        foreach (var vm in Vms)
        {
            var added = pool.AddVm(vm.Name, pool.Hosts[vm.HostIndex], vm.Backend?.Invoke(), vm.PowerState);
            if (vm.PowerState == SimulatedPowerState.Running)
            {
                // Ctrl+Alt+Del in a viewer reboots the VM: the tunnel holds the viewer across the new console.
                pool.RebootOnCtrlAltDel(added, RebootConsolesAfter);
            }
        }

        return new DemoPool(pool, password);
    }

    /// <summary>Every host's URL, the coordinator first: a configuration's <c>Url</c> and <c>FallbackUrls</c>.</summary>
    public IReadOnlyList<Uri> Urls => [.. _pool.Hosts.Select(h => h.Url)];

    /// <summary>Every host's certificate, as <c>TlsFingerprint</c> pins them.</summary>
    public IReadOnlyList<CertificateFingerprint> Fingerprints => [.. _pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate))];

    /// <summary>The password of <see cref="UserName"/>, for the demo's password file.</summary>
    public string Password => _password;

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
