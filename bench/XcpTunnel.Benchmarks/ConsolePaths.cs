using System.Net;
using System.Net.Sockets;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Benchmarks;

/// <summary>One way for a viewer to reach the console: the stream it returns starts with an RFB greeting (the console's, or the tunnel's).</summary>
internal interface IConsolePath
{
    string Name { get; }

    Task<Stream> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>The ceiling: the client does TLS and CONNECT itself with the library, knowing the location and a live session.</summary>
internal sealed class DirectPath(TlsConnector tls, ConsoleLocation location, XapiSessionRef session) : IConsolePath
{
    public string Name => "direct";

    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var stream = await tls.ConnectAsync(location.Host, location.Port, cancellationToken);
        try
        {
            return await ConsoleConnectHandshake.ConnectAsync(stream, location, session, ConsoleConnectHandshake.DefaultReplyTimeout, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The 2010 recipe: socat wraps TCP in TLS, the client types the CONNECT line itself over plain TCP.</summary>
internal sealed class SocatPath(int port, ConsoleLocation location, XapiSessionRef session) : IConsolePath
{
    public string Name => "socat";

    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var stream = await Tcp.ConnectAsync(port, cancellationToken);
        try
        {
            return await ConsoleConnectHandshake.ConnectAsync(stream, location, session, ConsoleConnectHandshake.DefaultReplyTimeout, cancellationToken);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The product: a plain TCP connection to an <c>xcptunnel serve</c> listener.</summary>
internal sealed class XcpTunnelPath(int port) : IConsolePath
{
    public string Name => "xcptunnel";

    public async Task<Stream> OpenAsync(CancellationToken cancellationToken) => await Tcp.ConnectAsync(port, cancellationToken);
}

internal static class Tcp
{
    public static async Task<NetworkStream> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A port nobody listens on now (bound, read, released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive loopback ports nothing listens on, below the kernel's ephemeral
    /// range (32768 and up), so outgoing connections do not take them meanwhile. The tests use it too.
    /// </summary>
    public static int FreeRange(int count)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int first = Random.Shared.Next(10000, 32000 - count);
            var probes = new List<TcpListener>();
            try
            {
                for (int port = first; port < first + count; port++)
                {
                    var probe = new TcpListener(IPAddress.Loopback, port);
                    probe.Start();
                    probes.Add(probe);
                }

                return first;
            }
            catch (SocketException)
            {
                // Taken: another block.
            }
            finally
            {
                probes.ForEach(p => p.Stop());
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }

    /// <summary>Waits until something accepts on <paramref name="port"/>.</summary>
    public static async Task WaitForListenerAsync(int port, Func<bool> gaveUp, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !gaveUp())
            {
                await Task.Delay(50);
            }
        }
    }
}
