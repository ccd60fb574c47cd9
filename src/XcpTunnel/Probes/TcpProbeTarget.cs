using System.Net;
using System.Net.Sockets;
using XcpTunnel.Protocol;

namespace XcpTunnel.Probes;

/// <summary>A running tunnel (or any VNC server) at <c>host:port</c>: the probe is one more viewer of it.</summary>
internal sealed class TcpProbeTarget(string name, string host, int port) : ProbeTarget(name)
{
    public override async Task<Stream> OpenAsync(ProbeStageClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        clock.StageStarted(ProbeStages.Tcp);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            EndPoint endPoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ProbeFailedException($"cannot connect to {HostPort.Format(host, port)}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        clock.StageCompleted(ProbeStages.Tcp);
        return new NetworkStream(socket, ownsSocket: true);
    }
}
