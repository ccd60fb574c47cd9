using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Cli;

/// <summary>
/// A simulated pool and a directory for the configuration a user would write for it (password in a
/// file of mode 600, every host's certificate pinned), and the real binary to run commands with.
/// </summary>
internal sealed class CliPool : IAsyncDisposable
{
    public const string Password = "cli-Pa55word";

    // The configuration key, which only happens to share its name with this class's Pool property.
    private const string PoolKey = "Pool";

    private CliPool(SimulatedPool pool, TemporaryDirectory directory)
    {
        Pool = pool;
        Directory = directory;
    }

    public SimulatedPool Pool { get; }

    public TemporaryDirectory Directory { get; }

    public string ConfigPath => Directory.File("xcptunnel.json");

    public static Task<CliPool> StartAsync(int hostCount = 2) =>
        StartAsync(new SimulatedPoolOptions { HostCount = hostCount, Password = Password });

    /// <summary>A pool built from <paramref name="options"/>, whose <c>Password</c> must be <see cref="Password"/>.</summary>
    public static async Task<CliPool> StartAsync(SimulatedPoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Assert.Equal(Password, options.Password);
        return await ForAsync(await SimulatedPool.StartAsync(options, CancellationToken.None).Bounded());
    }

    /// <summary>The configuration directory for a pool started elsewhere (behind a front end), whose password is <see cref="Password"/>.</summary>
    public static async Task<CliPool> ForAsync(SimulatedPool pool)
    {
        var directory = TemporaryDirectory.Create("xcptunnel-cli-");
        var passwordFile = directory.File("lab.password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new CliPool(pool, directory);
    }

    /// <summary>The colon form of a host's certificate fingerprint, as the commands print it.</summary>
    public static string Fingerprint(SimulatedHost host) => CertificateFingerprint.Parse(host.CertificateSha256Hex).ToString();

    /// <summary>An entry for <c>Pools</c>: the coordinator's URL, the password file and every host's pin.</summary>
    public JsonObject PoolEntry(string? pins = null) => new()
    {
        ["Url"] = Pool.CoordinatorUrl.ToString(),
        ["Username"] = "root",
        ["PasswordFile"] = Directory.File("lab.password"),
        ["TlsFingerprint"] = pins ?? string.Join(",", Pool.Hosts.Select(h => h.CertificateSha256Hex)),
    };

    /// <summary>A tunnel entry on a free loopback port.</summary>
    public static JsonObject Tunnel(string vm, int port, string poolName = "lab") =>
        new() { ["Listen"] = $"127.0.0.1:{port}", [PoolKey] = poolName, ["Vm"] = vm };

    /// <summary>
    /// Writes <paramref name="config"/> as the configuration file; unless it says who may open consoles, the user
    /// running the tests may, as a daemon set up properly says (without a list the daemon warns at start); unless it
    /// says where the health endpoint listens, a free port: serve's default, 127.0.0.1:9180, is one port that
    /// serve tests running in parallel would fight over (the loser exits after its tunnels were reported listening).
    /// </summary>
    public string WriteConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.ContainsKey("Access"))
        {
            config["Access"] = new JsonObject { ["AllowUsers"] = new JsonArray(Environment.UserName) };
        }

        if (config["Health"] is not JsonObject health)
        {
            config["Health"] = health = new JsonObject();
        }

        if (!health.ContainsKey("Listen"))
        {
            health["Listen"] = $"127.0.0.1:{TestPorts.Free()}";
        }

        File.WriteAllText(ConfigPath, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return ConfigPath;
    }

    /// <summary>Runs <c>xcptunnel ARGS</c> and checks that no secret leaked into its output, whatever happened.</summary>
    public static async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        var result = await ServeProcess.RunCommandAsync(arguments).Bounded();
        Assert.DoesNotContain(Password, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("OpaqueRef:", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
        Directory.Dispose();
    }
}
