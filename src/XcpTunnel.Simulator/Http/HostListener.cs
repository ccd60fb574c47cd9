using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using XcpTunnel.Simulator.Connect;
using XcpTunnel.Simulator.Logging;
using XcpTunnel.Simulator.Rpc;

namespace XcpTunnel.Simulator.Http;

/// <summary>
/// The listening socket of one host and its accept loop. The loop never dies on a bad client: failures end that
/// connection only, and accept errors back off and retry. Stopping closes every live connection.
/// </summary>
internal sealed class HostListener : IAsyncDisposable
{
    private static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _acceptLoop = Task.CompletedTask;

    private HostListener(Socket socket) => _socket = socket;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Binds <paramref name="address"/>:<paramref name="port"/> (0 = any free port) and listens.</summary>
    public static HostListener Bind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            return new HostListener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start(PoolContext pool, SimulatedHost host, RpcEndpoint rpc, ConnectConsoleHandler console, bool tls)
    {
        SslServerAuthenticationOptions? tlsOptions = tls ? XapiTlsPolicy.CreateServerOptions(host.Certificate) : null;
        SimulatorLog.HostListening(pool.Logger, host.NameLabel, LocalEndPoint);
        _acceptLoop = AcceptLoopAsync(pool, host, tlsOptions, rpc, console, _stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (Socket connection in _connections.Keys)
        {
            connection.Dispose();
        }

        await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(PoolContext pool, SimulatedHost host, SslServerAuthenticationOptions? tls, RpcEndpoint rpc, ConnectConsoleHandler console, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                SimulatorLog.AcceptFailed(pool.Logger, host.NameLabel, e);
                await Task.Delay(AcceptBackoff, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            client.NoDelay = true;
            var connection = new HostConnection(pool, host, client, tls, rpc, console);
            Task task = Task.Run(() => connection.RunAsync(cancellationToken), CancellationToken.None);
            _connections[client] = task;
            _ = task.ContinueWith(
                (_, state) => _connections.TryRemove((Socket)state!, out Task? _),
                client, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
