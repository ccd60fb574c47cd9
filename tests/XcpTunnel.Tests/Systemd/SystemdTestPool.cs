using System.Text;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd;
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

    /// <summary>
    /// Writes a configuration of <paramref name="tunnels"/> (name, VM), each on a loopback port picked here, and starts
    /// <c>serve</c> on it, as systemd would (<c>NOTIFY_SOCKET</c> is <paramref name="notify"/>, plus
    /// <paramref name="environment"/>); returns once every listener is bound. A port another process took between the
    /// pick and the bind ends that <c>serve</c>; the ports are then picked again.
    /// </summary>
    public Task<StartedServe> ServeAsync(
        NotifyListener notify,
        IReadOnlyDictionary<string, string> tunnels,
        Action<JsonObject>? edit = null,
        IReadOnlyDictionary<string, string?>? environment = null) =>
        TestPorts.BindingAsync(async () =>
        {
            var ports = tunnels.Keys.ToDictionary(t => t, _ => TestPorts.Free(), StringComparer.Ordinal);
            var healthPort = TestPorts.Free();
            WriteConfig(tunnels.ToDictionary(t => t.Key, t => (t.Value, ports[t.Key])), healthPort, edit);
            var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { ["NOTIFY_SOCKET"] = notify.Path };
            var spec = ServeProcess.Command(["serve", "--config", ConfigPath]) with { Environment = variables };
            // "Serving" follows every tunnel's bind; the health endpoint says when it is bound.
            var serve = await ServeProcess.StartAsync(
                spec,
                output => output.Contains("Serving ", StringComparison.Ordinal) && output.Contains("Health endpoint listening", StringComparison.Ordinal));
            return new StartedServe(serve, ports, healthPort);
        });

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

/// <summary>A <c>serve</c> started by <see cref="SystemdTestPool.ServeAsync"/>, with the ports it was given.</summary>
internal sealed record StartedServe(ServeProcess Serve, IReadOnlyDictionary<string, int> Ports, int HealthPort) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Serve.DisposeAsync();
}
