using XcpTunnel.Protocol.Rfb;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd.RealPools;

/// <summary>
/// A simulated pool taught one of the behaviours real pools have, and the real <c>xcptunnel serve</c> in front of
/// it with one tunnel per VM. Viewers are the library's own RFB client: what a test checks is what a viewer finally
/// gets (the desktop name and size, or the reason it was refused), never the order of the early handshake bytes.
/// </summary>
internal sealed class ServedPool : IAsyncDisposable
{
    private readonly Dictionary<string, int> _ports;

    private ServedPool(CliPool lab, ServeProcess serve, Dictionary<string, int> ports, Uri healthUrl)
    {
        Lab = lab;
        Serve = serve;
        _ports = ports;
        HealthUrl = healthUrl;
    }

    public CliPool Lab { get; }

    public SimulatedPool Pool => Lab.Pool;

    public ServeProcess Serve { get; }

    /// <summary>The daemon's health endpoint (<c>/probe/{tunnel}</c> and the rest).</summary>
    public Uri HealthUrl { get; }

    /// <summary>The loopback port <paramref name="tunnel"/> listens on.</summary>
    public int Port(string tunnel) => _ports[tunnel];

    /// <summary>
    /// Starts <c>serve</c> with a pool entry (<paramref name="poolEntry"/>, default <see cref="CliPool.PoolEntry"/>)
    /// and a tunnel per pair of <paramref name="tunnels"/> (tunnel name, VM), each on a free loopback port.
    /// </summary>
    public static Task<ServedPool> StartAsync(CliPool lab, IReadOnlyDictionary<string, string> tunnels, JsonObject? poolEntry = null) =>
        TestPorts.BindingAsync(async () =>
        {
            var ports = tunnels.Keys.ToDictionary(t => t, _ => TestPorts.Free(), StringComparer.Ordinal);
            var health = TestPorts.Free();
            var tunnelEntries = new JsonObject();
            foreach (var (name, vm) in tunnels)
            {
                tunnelEntries[name] = CliPool.Tunnel(vm, ports[name]);
            }

            var config = lab.WriteConfig(new JsonObject
            {
                ["Pools"] = new JsonObject { ["lab"] = poolEntry?.DeepClone() ?? lab.PoolEntry() },
                ["Tunnels"] = tunnelEntries,
                ["Timeouts"] = new JsonObject { ["DrainSeconds"] = 1 },
                // Not the default 9180: several daemons run at once, in this run and beside it.
                ["Health"] = new JsonObject { ["Listen"] = $"127.0.0.1:{health}" },
            });
            var serve = await ServeProcess.StartAsync(
                ["serve", "--config", config],
                output => ports.Keys.All(t => output.Contains($"Tunnel {t} listening", StringComparison.Ordinal))
                    && output.Contains("Health endpoint listening", StringComparison.Ordinal));
            return new ServedPool(lab, serve, ports, new Uri($"http://127.0.0.1:{health}/"));
        });

    public string Output => Serve.Process.StandardOutput + Serve.Process.StandardError;

    /// <summary>A viewer of <paramref name="tunnel"/> that got through: its handshake is done, ServerInit read.</summary>
    public async Task<RfbClient> ViewAsync(string tunnel)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, _ports[tunnel]).Bounded();
            var options = new RfbClientOptions { OwnsStream = true, MessageTimeout = TestTimeouts.Default };
            return await RfbClient.ConnectAsync(client.GetStream(), options, CancellationToken.None).Bounded();
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Views <paramref name="tunnel"/> once and returns the desktop name, or fails the test with what the viewer was told.</summary>
    public async Task<string> DesktopNameAsync(string tunnel)
    {
        try
        {
            await using var viewer = await ViewAsync(tunnel);
            return viewer.ServerInit.Name;
        }
        catch (RfbAuthenticationException ex)
        {
            Assert.Fail($"the viewer of {tunnel} was refused: {ex.Message}\n{Serve.Process.Describe("serve")}");
            throw;
        }
    }

    /// <summary>The reason a viewer of <paramref name="tunnel"/> is told when the tunnel cannot reach the console.</summary>
    public async Task<string> RefusalAsync(string tunnel)
    {
        var refused = await Assert.ThrowsAsync<RfbAuthenticationException>(async () =>
        {
            await using var viewer = await ViewAsync(tunnel);
        });
        return refused.Message;
    }

    /// <summary>Waits for <paramref name="text"/> in the daemon's log.</summary>
    public Task WaitForLogAsync(string text) => Serve.Process.WaitForOutputAsync(text, TestTimeouts.Default);

    /// <summary>Checks that no password or session reference reached the daemon's output.</summary>
    public void AssertNoSecretsLogged()
    {
        Assert.DoesNotContain(CliPool.Password, Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OpaqueRef:", Output.Replace("OpaqueRef:<redacted>", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await Serve.DisposeAsync();
        await Lab.DisposeAsync();
    }
}
