using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;

namespace XcpTunnel.Benchmarks.Abuse;

/// <summary>
/// The real daemon under attack: <c>xcptunnel serve</c> started under <c>prlimit --nofile</c> (the 1024 descriptors
/// systemd gives a service that sets no limit), in front of a simulated pool, with a tunnel anyone may open
/// (<c>open</c>, to a test card), one nobody may (<c>closed</c>) and the health endpoint.
/// </summary>
internal sealed class AbuseRig : IAsyncDisposable
{
    public const string Password = "abuse-Pa55";

    // Configuration keys that happen to share names with this class's properties.
    private const string PoolKey = "Pool";
    private const string HealthKey = "Health";

    private readonly DirectoryInfo _directory;

    private AbuseRig(SimulatedPool pool, ChildProcess daemon, DirectoryInfo directory, int openPort, int closedPort, int healthPort)
    {
        Pool = pool;
        Daemon = daemon;
        _directory = directory;
        Open = new IPEndPoint(IPAddress.Loopback, openPort);
        Closed = new IPEndPoint(IPAddress.Loopback, closedPort);
        Health = new IPEndPoint(IPAddress.Loopback, healthPort);
    }

    public SimulatedPool Pool { get; }

    public ChildProcess Daemon { get; }

    public IPEndPoint Open { get; }

    public IPEndPoint Closed { get; }

    public IPEndPoint Health { get; }

    /// <summary>Starts the pool and <paramref name="command"/> (the xcptunnel binary, or <c>dotnet xcptunnel.dll</c>) <c>serve</c>.</summary>
    /// <param name="command">How to run xcptunnel: the binary, or <c>dotnet</c> and the dll.</param>
    /// <param name="openFiles">The descriptor limit, soft and hard.</param>
    /// <param name="maxConnections">The open tunnel's <c>MaxConnections</c>, and the daemon's when above its default.</param>
    public static async Task<AbuseRig> StartAsync(IReadOnlyList<string> command, int openFiles, int maxConnections = 16)
    {
        var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { Password = Password }, CancellationToken.None);
        pool.AddVm("web01", backend: ConsoleBackend.Qemu(width: 64, height: 48));
        var directory = Directory.CreateTempSubdirectory("xcptunnel-abuse-");
        try
        {
            var passwordFile = Path.Combine(directory.FullName, "lab.password");
            await File.WriteAllTextAsync(passwordFile, Password);
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            int open = Tcp.FreePort(), closed = Tcp.FreePort(), health = Tcp.FreePort();
            var config = new JsonObject
            {
                ["Pools"] = new JsonObject
                {
                    ["lab"] = new JsonObject
                    {
                        ["Url"] = pool.CoordinatorUrl.ToString(),
                        ["Username"] = "root",
                        ["PasswordFile"] = passwordFile,
                        ["TlsFingerprint"] = string.Join(",", pool.Hosts.Select(h => h.CertificateSha256Hex)),
                    },
                },
                ["Tunnels"] = new JsonObject
                {
                    ["open"] = Tunnel(open, maxConnections, Environment.UserName),
                    ["closed"] = Tunnel(closed, 16, "nobody"),
                },
                [HealthKey] = new JsonObject { ["Listen"] = $"127.0.0.1:{health.ToString(CultureInfo.InvariantCulture)}" },
                ["Timeouts"] = new JsonObject { ["RfbMessageSeconds"] = 2, ["DrainSeconds"] = 1 },
                ["Limits"] = new JsonObject { ["MaxConnections"] = Math.Max(1024, maxConnections) },
            };
            var configFile = Path.Combine(directory.FullName, "xcptunnel.json");
            await File.WriteAllTextAsync(configFile, config.ToJsonString());
            var limit = openFiles.ToString(CultureInfo.InvariantCulture);
            var daemon = ChildProcess.Start("prlimit", [$"--nofile={limit}:{limit}", "--", .. command, "serve", "--config", configFile]);
            await Tcp.WaitForListenerAsync(health, () => daemon.HasExited, TimeSpan.FromSeconds(30));
            await Tcp.WaitForListenerAsync(open, () => daemon.HasExited, TimeSpan.FromSeconds(30));
            var rig = new AbuseRig(pool, daemon, directory, open, closed, health);
            await rig.AtRestAsync();
            return rig;
        }
        catch
        {
            await pool.DisposeAsync();
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Listening is not idle: a fresh daemon compiles its hot paths and loads the pool's consoles for a few seconds
    /// (measured at a third of a core on a busy machine), which the attacks' CPU figures would count as theirs. Serve a
    /// viewer and a health check once, then wait until the daemon uses under 5 % of a core for half a second (at most
    /// 30 s; the figures show it if it never rests).
    /// </summary>
    private async Task AtRestAsync()
    {
        await AbuseScenarios.ServerInitAsync(Open);
        await AbuseScenarios.HealthzAsync(Health);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && !Daemon.HasExited)
        {
            var before = Daemon.CpuTime();
            var sample = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            if ((Daemon.CpuTime() - before) / sample.Elapsed < 0.05)
            {
                return;
            }
        }
    }

    /// <summary>Opens <paramref name="count"/> connections to <paramref name="target"/> and leaves them silent.</summary>
    public static async Task<List<Socket>> ConnectSilentlyAsync(IPEndPoint target, int count)
    {
        var sockets = new List<Socket>(count);
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sockets.Add(socket);
            await socket.ConnectAsync(target);
        }

        return sockets;
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        await Pool.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    private static JsonObject Tunnel(int port, int maxConnections, string user) => new()
    {
        ["Listen"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        [PoolKey] = "lab",
        ["Vm"] = "web01",
        ["MaxConnections"] = maxConnections,
        ["AllowUsers"] = new JsonArray(user),
    };
}
