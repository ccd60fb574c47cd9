using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.AutoTunnels;

/// <summary>
/// The real daemon host, in-process, run from a configuration file as <c>serve</c> runs it, with what tests of generated
/// tunnels ask of it: which VM each generated tunnel serves on which port, waits for the tunnels to follow the pool
/// (on the service's own signal, never on time), and the desktop a viewer of a port sees.
/// </summary>
internal sealed class AutoTunnelDaemon : IAsyncDisposable
{
    private readonly TaskCompletionSource _firstFollow = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AutoTunnelDaemon(IHost host)
    {
        Host = host;
        // Before the host starts: the first follow comes once the pool's table is loaded, which may be at once.
        Tunnels.Followed += () => _firstFollow.TrySetResult();
    }

    public IHost Host { get; }

    public TunnelService Tunnels => Host.Services.GetRequiredService<TunnelService>();

    /// <summary>Each generated tunnel now listening, by its VM's UUID (lower case): its port.</summary>
    public IReadOnlyDictionary<string, int> Ports =>
        Tunnels.Listeners.Where(l => l.Tunnel.GeneratedFor is not null)
            .ToDictionary(l => l.Tunnel.Vm, l => ((IPEndPoint)l.EndPoints[0]).Port, StringComparer.Ordinal);

    public static async Task<AutoTunnelDaemon> StartAsync(string configPath)
    {
        var settings = DaemonSettingsLoader.Load(configPath, DaemonSettingsLoader.ProcessEnvironment()).GetSettingsOrThrow();
        var daemon = new AutoTunnelDaemon(DaemonHost.Build(settings, new DaemonLogging(LogLevel.Warning, ToStandardError: true)));
        try
        {
            await daemon.Host.StartAsync().Bounded();
        }
        catch
        {
            daemon.Host.Dispose();
            throw;
        }

        return daemon;
    }

    /// <summary>Completes once the generated tunnels have followed the pool's own table (not only the state file) once.</summary>
    public Task InStepAsync() => _firstFollow.Task.WaitAsync(TestTimeouts.Default);

    /// <summary>Waits until the generated tunnels serve exactly the VMs <paramref name="uuids"/>, checked each time they followed the pool.</summary>
    public async Task FollowedAsync(IEnumerable<string> uuids)
    {
        var expected = uuids.Select(u => u.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (Ports.Keys.Order(StringComparer.Ordinal).SequenceEqual(expected))
            {
                done.TrySetResult();
            }
        }

        Tunnels.Followed += Check;
        try
        {
            Check();
            await done.Task.WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the generated tunnels never served exactly the {expected.Count} VMs expected; they serve {Ports.Count}");
        }
        finally
        {
            Tunnels.Followed -= Check;
        }
    }

    /// <summary>The desktop name a viewer of <paramref name="port"/> is given (the simulator's qemu names it after its VM).</summary>
    public static async Task<string> DesktopAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).Bounded();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await using var client = await RfbClient.ConnectAsync(stream, new RfbClientOptions(), TestTimeouts.Token()).Bounded();
        return client.ServerInit.Name;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync().Bounded();
        Host.Dispose();
    }
}
