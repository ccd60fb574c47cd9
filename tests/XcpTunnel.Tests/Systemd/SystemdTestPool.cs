using System.Text;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Systemd;

/// <summary>
/// A simulated pool and the configuration file of a <c>serve</c> in front of it, rewritable between reloads.
/// Its VMs: <c>qemu</c> (RFB 3.8), <c>vncterm</c> (RFB 3.3) and <c>echo</c>, whose console does qemu's handshake
/// and then echoes every byte after ServerInit, so a test can see data flow both ways through a live connection.
/// </summary>
internal sealed class SystemdTestPool : IAsyncDisposable
{
    private readonly CliPool _lab;

    private SystemdTestPool(CliPool lab)
    {
        _lab = lab;
    }

    public SimulatedPool Simulated => _lab.Pool;

    public TemporaryDirectory Directory => _lab.Directory;

    public string ConfigPath => _lab.ConfigPath;

    public static async Task<SystemdTestPool> StartAsync()
    {
        var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("qemu", backend: ConsoleBackend.Qemu());
        lab.Pool.AddVm("vncterm", backend: ConsoleBackend.Vncterm());
        lab.Pool.AddVm("echo", backend: ConsoleBackend.QemuThen(EchoAsync));
        return new SystemdTestPool(lab);
    }

    /// <summary>Writes the configuration: <paramref name="tunnels"/> by name, each a VM and a port, plus optional extras per tunnel.</summary>
    public string WriteConfig(IReadOnlyDictionary<string, (string Vm, int Port)> tunnels, int? healthPort = null, Action<JsonObject>? edit = null)
    {
        var tunnelSection = new JsonObject();
        foreach (var (name, (vm, port)) in tunnels)
        {
            tunnelSection[name] = CliPool.Tunnel(vm, port);
        }

        var config = new JsonObject
        {
            ["Pools"] = new JsonObject { ["lab"] = _lab.PoolEntry() },
            ["Tunnels"] = tunnelSection,
            // Without a Health section the daemon would take 127.0.0.1:9180, which parallel tests would fight over.
            ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{healthPort ?? TestPorts.Free()}" },
            ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 2 },
        };
        edit?.Invoke(config);
        // Written whole, then renamed: a reload must never read half a file.
        var temporary = ConfigPath + ".new";
        File.WriteAllText(temporary, config.ToJsonString());
        File.Move(temporary, ConfigPath, overwrite: true);
        return ConfigPath;
    }

    public ValueTask DisposeAsync() => _lab.DisposeAsync();

    private static async Task EchoAsync(Stream console, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        int read;
        while ((read = await console.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await console.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await console.FlushAsync(cancellationToken);
        }
    }
}
