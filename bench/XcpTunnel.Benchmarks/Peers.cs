using System.Globalization;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;

namespace XcpTunnel.Benchmarks;

/// <summary>Starts the programs under comparison against the simulated pool.</summary>
internal static class Peers
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>socat TCP4-LISTEN:P,fork,reuseaddr OPENSSL:HOST:PORT,verify=0</c>, the recipe's TLS wrapper (bound to
    /// loopback). The simulator offers OpenSSL's default groups, which Debian's socat needs
    /// (docs/simulator.md, "Where it differs").
    /// </summary>
    public static async Task<(ChildProcess Process, int Port)> StartSocatAsync(string socat, SimulatedHost host)
    {
        int port = Tcp.FreePort();
        var process = ChildProcess.Start(socat,
        [
            $"TCP4-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr",
            $"OPENSSL:{host.Address}:{host.Port},verify=0",
        ]);
        await WaitAsync(process, port, "socat");
        return (process, port);
    }

    /// <summary>
    /// The real daemon, <c>xcptunnel serve</c>, with one tunnel to <paramref name="vm"/>: pinned to the simulator's
    /// certificate, its connection cap raised for the idle test, its health endpoint on a free port.
    /// </summary>
    /// <param name="binary">The xcptunnel binary.</param>
    /// <param name="pool">The pool.</param>
    /// <param name="password">Its password.</param>
    /// <param name="vm">The tunnel's VM.</param>
    /// <param name="maxConnections">The tunnel's cap.</param>
    /// <param name="holdSeconds">The tunnel's HoldSeconds; null leaves the default.</param>
    /// <param name="directory">Where the configuration and the password file go.</param>
    /// <param name="edit">Changes the configuration before it is written (another pool's keys, for instance).</param>
    public static async Task<(ChildProcess Process, int Port)> StartDaemonAsync(
        string binary, SimulatedPool pool, string password, string vm, int maxConnections, int? holdSeconds, string directory, Action<JsonObject>? edit = null)
    {
        int port = Tcp.FreePort();
        string passwordFile = Path.Combine(directory, "bench.password");
        await File.WriteAllTextAsync(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var config = new JsonObject
        {
            ["Pools"] = new JsonObject
            {
                ["bench"] = new JsonObject
                {
                    ["Url"] = pool.CoordinatorUrl.ToString(),
                    ["Username"] = "root",
                    ["PasswordFile"] = passwordFile,
                    ["TlsFingerprint"] = string.Join(",", pool.Hosts.Select(h => h.CertificateSha256Hex)),
                },
            },
            ["Tunnels"] = new JsonObject
            {
                ["bulk"] = new JsonObject
                {
                    ["Listen"] = $"127.0.0.1:{port}",
                    ["Pool"] = "bench",
                    ["Vm"] = vm,
                    ["MaxConnections"] = maxConnections,
                },
            },
            // As a real daemon is set up: the kernel is asked who every viewer is, and the list is checked.
            ["Access"] = new JsonObject { ["AllowUsers"] = new JsonArray(Environment.UserName) },
            ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{Tcp.FreePort().ToString(CultureInfo.InvariantCulture)}" },
        };
        if (holdSeconds is { } hold)
        {
            config["Tunnels"]!["bulk"]!["HoldSeconds"] = hold;
        }

        edit?.Invoke(config);
        string configFile = Path.Combine(directory, "xcptunnel.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        var process = ChildProcess.Start(binary, ["serve", "--config", configFile]);
        await WaitAsync(process, port, "xcptunnel serve");
        return (process, port);
    }

    private static async Task WaitAsync(ChildProcess process, int port, string what)
    {
        try
        {
            await Tcp.WaitForListenerAsync(port, () => process.HasExited, StartTimeout);
        }
        catch (System.Net.Sockets.SocketException)
        {
            var tail = process.Tail();
            await process.DisposeAsync();
            throw new InvalidOperationException($"{what} did not start listening on {port}:\n{tail}");
        }
    }
}
